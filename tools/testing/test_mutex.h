// Copyright 2026 The Moirai Authors.
//
// tools/testing/test_mutex.h
// -----------------------------------------------------------------------------
//
// `TestMutex`: a `std::mutex` with Abseil thread-safety annotations, for test
// code that needs a plain lock.
//
// Why not `absl::Mutex`: Debian's Abseil is a prebuilt shared library that
// is not compiled with ThreadSanitizer, so TSan does not see the
// synchronization inside `absl::Mutex` and reports false data races on the
// data it guards. `std::mutex` goes through pthread, which TSan intercepts.
// And why not `std::mutex` alone: libstdc++'s is not annotated, so clang's
// -Wthread-safety cannot check `ABSL_GUARDED_BY` against it.

#ifndef MOIRAI_TOOLS_TESTING_TEST_MUTEX_H_
#define MOIRAI_TOOLS_TESTING_TEST_MUTEX_H_

#include <mutex>

#include "absl/base/thread_annotations.h"

namespace moirai::testing {

class ABSL_LOCKABLE TestMutex {
 public:
  TestMutex() = default;
  TestMutex(const TestMutex&) = delete;
  TestMutex& operator=(const TestMutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

// TestMutexLock
//
// Holds a `TestMutex` for its scope.
class ABSL_SCOPED_LOCKABLE TestMutexLock {
 public:
  explicit TestMutexLock(TestMutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu)
      : mu_(mu) {
    mu_->Lock();
  }
  ~TestMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  TestMutexLock(const TestMutexLock&) = delete;
  TestMutexLock& operator=(const TestMutexLock&) = delete;

 private:
  TestMutex* const mu_;
};

}  // namespace moirai::testing

#endif  // MOIRAI_TOOLS_TESTING_TEST_MUTEX_H_
