// Copyright 2026 The Moirai Authors.
//
// async/internal/test_util.h
// -----------------------------------------------------------------------------
//
// Test helpers for the async package (testonly). `Flag` is a one-shot event
// that ThreadSanitizer understands (Debian's Abseil is not instrumented, so
// absl::Notification would hide its happens-before edge from TSan). Waiting
// on it from a fiber spins with async::Yield(), from a thread with
// std::this_thread::yield().

#ifndef MOIRAI_ASYNC_INTERNAL_TEST_UTIL_H_
#define MOIRAI_ASYNC_INTERNAL_TEST_UTIL_H_

#include <atomic>
#include <memory>

#include "moirai/async/runtime.h"

namespace moirai::async::testing_util {

class Flag {
 public:
  // Release pairs with the acquire in Wait()/IsSet().
  void Notify() { set_.store(true, std::memory_order_release); }
  bool IsSet() const { return set_.load(std::memory_order_acquire); }
  void Wait() const {
    while (!IsSet()) Yield();
  }

 private:
  std::atomic<bool> set_{false};
};

inline std::unique_ptr<Runtime> MakeRuntime(int workers) {
  RuntimeOptions opts;
  opts.num_workers = workers;
  auto rt = Runtime::Create(opts);
  if (!rt.ok()) return nullptr;
  return *std::move(rt);
}

}  // namespace moirai::async::testing_util

#endif  // MOIRAI_ASYNC_INTERNAL_TEST_UTIL_H_
