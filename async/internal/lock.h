// Copyright 2026 The Moirai Authors.
//
// async/internal/lock.h
// -----------------------------------------------------------------------------
//
// `SpinMutex`: the short internal lock that guards the wait queues of the
// async primitives (channels, fiber mutexes, timers). It is never held across
// a fiber switch, only for a few dozen instructions, so it spins briefly and
// then yields the thread. It is built on a std::atomic (not on Debian's
// uninstrumented absl::Mutex) so that ThreadSanitizer sees its
// happens-before edges. Annotated for clang's -Wthread-safety.

#ifndef MOIRAI_ASYNC_INTERNAL_LOCK_H_
#define MOIRAI_ASYNC_INTERNAL_LOCK_H_

#include <sched.h>

#include <atomic>

#include "absl/base/thread_annotations.h"
#include "moirai/core/arch.h"

namespace moirai::async::internal {

class ABSL_LOCKABLE SpinMutex {
 public:
  SpinMutex() = default;
  SpinMutex(const SpinMutex&) = delete;
  SpinMutex& operator=(const SpinMutex&) = delete;

  // SpinMutex::Lock()
  //
  // Test-and-test-and-set. Acquire pairs with the release in Unlock(), so the
  // guarded data written by the previous holder is visible.
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    for (int spins = 0;; ++spins) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) {
        if (spins++ < 64) {
          core::CpuRelax();
        } else {
          // The holder may be preempted (2-core machines): let it run.
          sched_yield();
        }
      }
    }
  }

  // SpinMutex::Unlock()
  //
  // Release publishes the guarded data to the next Lock().
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    locked_.store(false, std::memory_order_release);
  }

 private:
  std::atomic<bool> locked_{false};
};

// SpinLock
//
// RAII holder for SpinMutex.
class ABSL_SCOPED_LOCKABLE SpinLock {
 public:
  explicit SpinLock(SpinMutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;
  ~SpinLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }

 private:
  SpinMutex* const mu_;
};

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_LOCK_H_
