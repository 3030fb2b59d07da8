// Copyright 2026 The Moirai Authors.
//
// core/internal/futex_portable.h
// -----------------------------------------------------------------------------
//
// The portable implementation of futex.h's FutexWait/FutexWake, for platforms
// without futex(2): a process-wide table of buckets keyed by the word's
// address (as the kernel's futex hash, WebKit's WTF::ParkingLot and folly's
// ParkingLot do), each bucket an annotated mutex and a FIFO list of the
// threads waiting on words that hash there; each waiter sleeps on its own
// condition variable, so a wake of `count` wakes exactly `count` threads and
// no thread of another word.
//
// futex.cc forwards to these functions on non-Linux platforms, and on Linux
// when the build forces the fallback (`--config=portable_futex`, which sets
// `--define=moirai_futex=portable`). They are built on every platform and
// tested directly (core/futex_test.cc), so the fallback cannot rot on Linux.
// It is part of //core:futex (no target of its own: it shares futex.h).
//
// Contract: exactly futex.h's (see there), with two strengthenings a caller
// must not rely on (Linux does not give them): Wait() never wakes spuriously
// and never returns kInterrupted.
//
// Why no wake-up is lost: Wait() compares `*word` with `expected` and
// enqueues itself under its bucket's lock; a waker changes the word first,
// then takes the same lock to dequeue. Either the waiter's critical section
// comes first (the waker finds it in the list), or the waker's does, and then
// the waiter's lock acquisition makes the change visible to its comparison.
//
// The table holds no per-runtime state: any number of schedulers and runtimes
// in one process share it, as they share the kernel's.

#ifndef MOIRAI_CORE_INTERNAL_FUTEX_PORTABLE_H_
#define MOIRAI_CORE_INTERNAL_FUTEX_PORTABLE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "moirai/core/internal/futex.h"
#include "moirai/core/mono_time.h"

namespace moirai::core::internal::futex_portable {

// futex_portable::Wait(): futex.h's FutexWait().
FutexWaitResult Wait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
                     MonoTime deadline) noexcept;

// futex_portable::Wake(): futex.h's FutexWake(); the count is exact.
int Wake(std::atomic<std::uint32_t>* word, int count) noexcept;

// For tests: how many threads wait on `word` now, and the bucket `word`
// hashes to (two words with the same bucket share a lock and a list).
int WaitersForTesting(const std::atomic<std::uint32_t>* word) noexcept;
std::size_t BucketForTesting(const void* word) noexcept;

}  // namespace moirai::core::internal::futex_portable

#endif  // MOIRAI_CORE_INTERNAL_FUTEX_PORTABLE_H_
