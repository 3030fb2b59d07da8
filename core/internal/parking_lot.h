// Copyright 2026 The Moirai Authors.
//
// core/internal/parking_lot.h
// -----------------------------------------------------------------------------
//
// `WaitOnWord()` and `WakeWord()`: FutexWait/FutexWake for code that a fiber
// may call. On a task that runs with a `core::Parker` (a fiber; see
// core/parker.h) an untimed `WaitOnWord()` parks the task, not its thread:
// the worker under it runs other work, so a fiber waiting on a future, latch,
// wait group, barrier or condition variable that another fiber of the same
// worker completes cannot deadlock the worker. Everywhere else (plain
// threads, plain tasks, and timed waits) it is exactly FutexWait.
//
// Parked tasks wait in a process-wide table of buckets keyed by the word's
// address, like the kernel's futex hash (and WebKit's and folly's
// ParkingLot). The table holds no per-scheduler state: any number of
// runtimes share it.
//
// Protocol (why no wake-up is lost): the waiter compares `*word` with
// `expected` under its bucket's lock and enqueues itself under that same
// lock; a waker changes the word first, then takes the bucket lock to dequeue.
// Either the waiter's critical section comes first (the waker finds it), or
// the waker's does, and then the waiter's lock acquisition makes the word's
// change visible to its comparison. A dequeued waiter is claimed: only the
// waker that dequeued it calls its Parker's Unpark(), exactly once.
//
// Timed waits on a fiber still block the thread (documented where each
// primitive says so); the fiber-native timed waits are async's (channels,
// select, async::Mutex, SleepFor).

#ifndef MOIRAI_CORE_INTERNAL_PARKING_LOT_H_
#define MOIRAI_CORE_INTERNAL_PARKING_LOT_H_

#include <atomic>
#include <cstdint>

#include "moirai/core/internal/futex.h"
#include "moirai/core/mono_time.h"

namespace moirai::core::internal {

// WaitOnWord()
//
// Waits while `*word == expected` until a WakeWord() (or a FutexWake, for a
// waiting thread) or `deadline`. May return spuriously: callers loop on
// their own condition, as with FutexWait.
FutexWaitResult WaitOnWord(std::atomic<std::uint32_t>* word,
                           std::uint32_t expected,
                           MonoTime deadline = MonoTime::Infinite()) noexcept;

// WakeWord() / WakeWordAll()
//
// Wakes up to `count` threads and up to `count` parked tasks waiting on
// `word` (each kind counted apart, so a wake may be spurious for one waiter,
// never lost). Call after changing `*word`.
void WakeWord(std::atomic<std::uint32_t>* word, int count) noexcept;
inline void WakeWordAll(std::atomic<std::uint32_t>* word) noexcept {
  WakeWord(word, 1 << 30);
}

// Tasks parked in WaitOnWord() on `word` now. For tests.
int ParkedOnWordForTesting(const std::atomic<std::uint32_t>* word) noexcept;

}  // namespace moirai::core::internal

#endif  // MOIRAI_CORE_INTERNAL_PARKING_LOT_H_
