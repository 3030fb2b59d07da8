// Copyright 2026 The Moirai Authors.
//
// sync/internal/spin_wait.h
// -----------------------------------------------------------------------------
//
// SpinUntil(): the bounded busy-wait that the blocking primitives (Barrier,
// Latch, WaitGroup) run before they park in the kernel. First a short run of
// CPU pauses (the event is often a few hundred cycles away), then a few
// `sched_yield()`s: on a machine with more runnable threads than CPUs the
// thread we wait for may be queued behind us, and yielding lets it run
// instead of burning our time slice (std::barrier/std::latch in libstdc++
// spin the same way). Only then does the caller sleep on a futex. The
// budget is small on purpose: on the loaded 2-core CI machine a 2-thread
// barrier phase took ~0.3-0.45 us with 16 pauses before yielding, ~0.85 us
// with 64 and ~16 us with 2000 (sync_benchmark, barrier_2t).

#ifndef MOIRAI_SYNC_INTERNAL_SPIN_WAIT_H_
#define MOIRAI_SYNC_INTERNAL_SPIN_WAIT_H_

#include <sched.h>

#include "moirai/core/arch.h"

namespace moirai::sync::internal {

inline constexpr int kSpinPauses = 16;
inline constexpr int kSpinYields = 8;

// SpinUntil()
//
// Returns true as soon as `done()` does, or false after the pause and yield
// budget is spent.
template <typename Done>
bool SpinUntil(Done done, int pauses = kSpinPauses,
               int yields = kSpinYields) noexcept {
  for (int i = 0; i < pauses; ++i) {
    if (done()) return true;
    core::CpuRelax();
  }
  for (int i = 0; i < yields; ++i) {
    if (done()) return true;
    sched_yield();
  }
  return done();
}

}  // namespace moirai::sync::internal

#endif  // MOIRAI_SYNC_INTERNAL_SPIN_WAIT_H_
