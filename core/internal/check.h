// Copyright 2026 The Moirai Authors.
//
// core/internal/check.h
// -----------------------------------------------------------------------------
//
// `MOIRAI_INTERNAL_CHECK(cond, msg)`: the loud, documented crash Moirai uses
// for programming errors (invoking an empty task, ...). It is active in every
// build mode, prints `file:line: Moirai check failed: <cond>: <msg>` to stderr
// with a raw `write(2)` (no allocation, no locks, usable in any state) and
// aborts. Recoverable errors are `absl::Status`, never this.

#ifndef MOIRAI_CORE_INTERNAL_CHECK_H_
#define MOIRAI_CORE_INTERNAL_CHECK_H_

#include "moirai/core/arch.h"

namespace moirai::core::internal {

// CheckFailed()
//
// Prints the failure and aborts. Never returns.
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              const char* message) noexcept;

}  // namespace moirai::core::internal

#define MOIRAI_INTERNAL_CHECK(condition, message)                           \
  do {                                                                      \
    if (MOIRAI_UNLIKELY(!(condition))) {                                    \
      ::moirai::core::internal::CheckFailed(__FILE__, __LINE__, #condition, \
                                            (message));                     \
    }                                                                       \
  } while (false)

#endif  // MOIRAI_CORE_INTERNAL_CHECK_H_
