// Copyright 2026 The Moirai Authors.
//
// core/internal/futex.h
// -----------------------------------------------------------------------------
//
// The one place Moirai talks to the Linux `futex(2)` system call. Every parking
// primitive (Mutex, CondVar, the scheduler's idle workers, ...) is built on
// these two functions. Two implementations, chosen when Moirai is built:
//
//   Linux      the futex(2) system call (FUTEX_WAIT_BITSET / FUTEX_WAKE,
//              private), the default on Linux;
//   portable   a parking lot of mutexes and condition variables keyed by
//              address (internal/futex_portable.h), always used where there
//              is no futex(2), and on Linux when forced with
//              `--config=portable_futex` (`--define=moirai_futex=portable`),
//              which CI does (tools/run_tests.sh, configuration `portable`).
//
// Contract (the futex contract): `FutexWait(word, expected, ...)` atomically
// checks `*word == expected` and, only if so, sleeps until a `FutexWake` on the
// same word, a timeout, or a spurious wake-up. Callers always re-check their
// condition in a loop. Memory ordering: the kernel's check is a plain load;
// callers order their data with their own atomics on `word` (a waker stores
// with release before `FutexWake`, a waiter re-loads with acquire after
// `FutexWait` returns).

#ifndef MOIRAI_CORE_INTERNAL_FUTEX_H_
#define MOIRAI_CORE_INTERNAL_FUTEX_H_

#include <atomic>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "moirai/core/mono_time.h"

namespace moirai::core::internal {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t),
              "futex words must be plain 32-bit integers");

// Why a FutexWait() returned. Callers re-check their condition in all cases.
enum class FutexWaitResult {
  kWoken,         // woken by FutexWake, or spuriously
  kValueChanged,  // *word != expected on entry; did not sleep
  kTimedOut,      // the deadline passed
  kInterrupted,   // a signal interrupted the sleep
};

// FutexWait()
//
// Sleeps while `*word == expected`, until woken or the monotonic `deadline`
// (`MonoTime::Infinite()` for none) passes. Private (process-local) futex.
FutexWaitResult FutexWait(std::atomic<std::uint32_t>* word,
                          std::uint32_t expected,
                          MonoTime deadline = MonoTime::Infinite()) noexcept;

// FutexWait() with a wall-clock deadline: converted to the monotonic clock
// once, here (see core/mono_time.h). A caller that waits in a loop converts
// once before the loop and passes the MonoTime instead.
inline FutexWaitResult FutexWait(std::atomic<std::uint32_t>* word,
                                 std::uint32_t expected,
                                 absl::Time deadline) noexcept {
  return FutexWait(word, expected, MonoTime::FromWall(deadline));
}

// FutexWake()
//
// Wakes up to `count` (>= 1) threads sleeping in FutexWait on `word`, oldest
// first in the portable implementation (Linux promises no order). Returns how
// many it woke, exactly, in both implementations: each of them returns
// kWoken from its FutexWait. Callers in Moirai use it only as a hint (for
// statistics and tests); correctness never depends on it, since every waiter
// re-checks its condition.
int FutexWake(std::atomic<std::uint32_t>* word, int count) noexcept;

// FutexIsPortable(): true when this build uses the portable implementation.
bool FutexIsPortable() noexcept;

// Wake everyone sleeping on `word`.
inline int FutexWakeAll(std::atomic<std::uint32_t>* word) noexcept {
  return FutexWake(word, 1 << 30);
}

}  // namespace moirai::core::internal

#endif  // MOIRAI_CORE_INTERNAL_FUTEX_H_
