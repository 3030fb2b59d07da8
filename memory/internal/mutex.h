// Copyright 2026 The Moirai Authors.
//
// memory/internal/mutex.h
// -----------------------------------------------------------------------------
//
// `Mutex` and `MutexLock`: std::mutex with Clang thread-safety annotations,
// for the memory and numa packages' slow paths.
//
// Why not absl::Mutex: Debian's libabsl is not built with ThreadSanitizer, so
// TSan cannot see absl::Mutex's synchronisation and reports false races on
// the data it guards. std::mutex is pthread_mutex_t, which TSan intercepts.

#ifndef MOIRAI_MEMORY_INTERNAL_MUTEX_H_
#define MOIRAI_MEMORY_INTERNAL_MUTEX_H_

#include <mutex>

#include "absl/base/thread_annotations.h"

namespace moirai::memory::internal {

// Mutex
//
// A non-recursive exclusive lock. Locking it twice on one thread deadlocks.
class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // Mutex::Lock()
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  // Mutex::Unlock()
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }
  // Mutex::AssertHeld()
  //
  // Tells the thread-safety analysis that the caller holds this mutex (for
  // when it holds it under another name). Not checked at run time.
  void AssertHeld() const ABSL_ASSERT_EXCLUSIVE_LOCK() {}
  // Mutex::native()
  //
  // For std::condition_variable; the annotations cannot follow it there.
  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
};

// MutexLock
//
// Holds `*mu` for its scope.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

}  // namespace moirai::memory::internal

#endif  // MOIRAI_MEMORY_INTERNAL_MUTEX_H_
