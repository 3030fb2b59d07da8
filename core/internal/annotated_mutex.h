// Copyright 2026 The Moirai Authors.
//
// core/internal/annotated_mutex.h
// -----------------------------------------------------------------------------
//
// `AnnotatedMutex`, `AnnotatedMutexLock` and `AnnotatedCondVar`: std::mutex and
// std::condition_variable with clang thread-safety annotations, for core's few
// cold-path locks (cancellation callback lists, the stderr log sink).
//
// Why not absl::Mutex: Debian's Abseil is built without ThreadSanitizer, so
// TSan does not see absl::Mutex's synchronisation and reports false races.
// std::mutex is a pthread mutex, which TSan intercepts. (Core cannot use
// //sync's mutex: sync depends on core.)

#ifndef MOIRAI_CORE_INTERNAL_ANNOTATED_MUTEX_H_
#define MOIRAI_CORE_INTERNAL_ANNOTATED_MUTEX_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/base/thread_annotations.h"

namespace moirai::core::internal {

class ABSL_LOCKABLE AnnotatedMutex {
 public:
  AnnotatedMutex() = default;
  AnnotatedMutex(const AnnotatedMutex&) = delete;
  AnnotatedMutex& operator=(const AnnotatedMutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  friend class AnnotatedCondVar;
  std::mutex mu_;
};

class ABSL_SCOPED_LOCKABLE AnnotatedMutexLock {
 public:
  explicit AnnotatedMutexLock(AnnotatedMutex* mu)
      ABSL_EXCLUSIVE_LOCK_FUNCTION(mu)
      : mu_(mu) {
    mu_->Lock();
  }
  ~AnnotatedMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  AnnotatedMutexLock(const AnnotatedMutexLock&) = delete;
  AnnotatedMutexLock& operator=(const AnnotatedMutexLock&) = delete;

 private:
  AnnotatedMutex* const mu_;
};

class AnnotatedCondVar {
 public:
  // AnnotatedCondVar::Wait()
  //
  // Atomically releases `*mu`, sleeps until notified (or spuriously), and
  // re-acquires `*mu`. Callers loop on their condition.
  void Wait(AnnotatedMutex* mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // Still held; ownership stays with the caller.
  }
  // AnnotatedCondVar::WaitFor()
  //
  // As Wait(), but returns after at most about `timeout` even if not
  // notified. Callers loop on their condition and their own deadline.
  void WaitFor(AnnotatedMutex* mu, std::chrono::nanoseconds timeout)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait_for(lock, timeout);
    lock.release();  // Still held; ownership stays with the caller.
  }
  void Signal() noexcept { cv_.notify_one(); }
  void SignalAll() noexcept { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace moirai::core::internal

#endif  // MOIRAI_CORE_INTERNAL_ANNOTATED_MUTEX_H_
