// Copyright 2026 The Moirai Authors.
//
// sync/internal/check.h
// -----------------------------------------------------------------------------
//
// MOIRAI_SYNC_CHECK(cond, message): the loud crash that every sync primitive
// uses for documented programming errors (a zero-party barrier, a latch counted
// below zero, unlocking an unlocked Mutex). It is on in every build mode, so
// it is only used where the check is free on the fast path (a branch that the
// fast path already takes, or a constructor). The message goes to stderr with
// the file and line, then the process aborts.

#ifndef MOIRAI_SYNC_INTERNAL_CHECK_H_
#define MOIRAI_SYNC_INTERNAL_CHECK_H_

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"

namespace moirai::sync::internal {

// CheckFailed()
//
// Prints "moirai::sync check failed: <message> (<file>:<line>)" to stderr and
// aborts. Never returns. Kept out of line so that the callers' fast paths stay
// small.
[[noreturn]] ABSL_ATTRIBUTE_NOINLINE ABSL_ATTRIBUTE_COLD void CheckFailed(
    const char* message, const char* file, int line) noexcept;

}  // namespace moirai::sync::internal

#define MOIRAI_SYNC_CHECK(cond, message)                                  \
  do {                                                                    \
    if (ABSL_PREDICT_FALSE(!(cond))) {                                    \
      ::moirai::sync::internal::CheckFailed(message, __FILE__, __LINE__); \
    }                                                                     \
  } while (false)

#endif  // MOIRAI_SYNC_INTERNAL_CHECK_H_
