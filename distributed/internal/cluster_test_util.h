// Copyright 2026 The Moirai Authors.
//
// distributed/internal/cluster_test_util.h
// -----------------------------------------------------------------------------
//
// Test helpers for the cluster tests: a Gate that remote functions block on
// (so a test decides when a task finishes, never by sleeping) and an Event
// a function signals when it starts.

#ifndef MOIRAI_DISTRIBUTED_INTERNAL_CLUSTER_TEST_UTIL_H_
#define MOIRAI_DISTRIBUTED_INTERNAL_CLUSTER_TEST_UTIL_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace moirai::distributed::testing {

// Event: Notify() once; WaitFor*() block until notified. std primitives:
// ThreadSanitizer understands them.
class Event {
 public:
  void Notify() {
    std::lock_guard<std::mutex> lock(mu_);
    set_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return set_; });
  }
  bool IsSet() {
    std::lock_guard<std::mutex> lock(mu_);
    return set_;
  }
  void Reset() {
    std::lock_guard<std::mutex> lock(mu_);
    set_ = false;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

// Counts up; waits until a count is reached.
class Counter {
 public:
  int Increment() {
    std::lock_guard<std::mutex> lock(mu_);
    ++n_;
    cv_.notify_all();
    return n_;
  }
  void WaitAtLeast(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return n_ >= n; });
  }
  int value() {
    std::lock_guard<std::mutex> lock(mu_);
    return n_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int n_ = 0;
};

// Waits until `pred()` holds, yielding between checks (a condition, not a
// time: the test fails by timeout only if the condition never holds).
inline void WaitUntil(const std::function<bool()>& pred) {
  while (!pred()) std::this_thread::yield();
}

}  // namespace moirai::distributed::testing

#endif  // MOIRAI_DISTRIBUTED_INTERNAL_CLUSTER_TEST_UTIL_H_
