// Copyright 2026 The Moirai Authors.
//
// sync/barrier.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::sync::Barrier`, a reusable barrier for a fixed
// group of threads that meet repeatedly (one meeting is a "phase"), with an
// optional completion step that runs once per phase.
//
//   moirai::sync::Barrier barrier(kThreads, [&] { SwapBuffers(); });
//   // in each of kThreads threads:
//   for (int step = 0; step < kSteps; ++step) {
//     Compute(step);
//     barrier.ArriveAndWait();  // SwapBuffers() ran once before anyone left
//   }
//
// `ArriveAndWait()` blocks until all `parties` threads of the current phase
// have arrived. The last thread to arrive runs the completion step (if any),
// then starts the next phase and releases the others. `phase()` is the number
// of phases completed so far, so a thread can tell which round it is in.
//
// On a fiber (async), an untimed wait parks the fiber, not its worker
// thread, so the fiber that will release it can run on the same worker; a
// timed wait blocks the thread (core/internal/parking_lot.h).
//
// Memory ordering: everything any participant does before arriving in phase
// N happens before the completion step of phase N, and the completion step
// and every arrival of phase N happen before anything a participant does
// after its `ArriveAndWait()` of phase N returns.
//
// Constructing a Barrier with `parties <= 0` is a programming error and
// crashes with "Barrier: parties must be positive". Calling `ArriveAndWait()`
// from more than `parties` threads in one phase is undefined (as with
// `std::barrier`). The completion step must not throw (ArriveAndWait is
// noexcept, so an exception ends the program).

#ifndef MOIRAI_SYNC_BARRIER_H_
#define MOIRAI_SYNC_BARRIER_H_

#include <atomic>
#include <cstdint>

#include "absl/functional/any_invocable.h"

namespace moirai::sync {

class Barrier {
 public:
  // Barrier::Barrier()
  //
  // A barrier for `parties` threads (> 0) with an optional completion step.
  explicit Barrier(int parties,
                   absl::AnyInvocable<void()> completion = nullptr) noexcept;

  Barrier(const Barrier&) = delete;
  Barrier& operator=(const Barrier&) = delete;

  // Barrier::ArriveAndWait()
  //
  // Arrives at the barrier and waits for the rest of the current phase.
  // Returns true in exactly one thread per phase: the last to arrive, which
  // ran the completion step.
  bool ArriveAndWait() noexcept;

  // Barrier::ArriveAndDrop()
  //
  // Arrives at the current phase without waiting, and leaves the group: later
  // phases wait for one party fewer. Dropping the last party is allowed (the
  // barrier then has no parties and must not be used again).
  void ArriveAndDrop() noexcept;

  // Barrier::phase()
  //
  // The number of completed phases (wraps at 2^32). Reading it inside the
  // completion step gives the number of the phase being completed.
  std::uint32_t phase() const noexcept {
    // Acquire pairs with the release store that completes a phase.
    return phase_.load(std::memory_order_acquire);
  }

  // Barrier::parties()
  //
  // The number of parties the next phase waits for. A snapshot.
  int parties() const noexcept {
    return parties_.load(std::memory_order_relaxed);
  }

 private:
  // Arrives; returns the phase arrived at and whether this call completed it.
  bool Arrive(std::uint32_t* phase) noexcept;

  // The number of parties of future phases (changed by ArriveAndDrop).
  std::atomic<int> parties_;
  // Parties still to arrive in the current phase. Invariant: between phases
  // it equals parties_; it is reset by the last arrival before phase_ moves.
  std::atomic<int> remaining_;
  // Completed phases; the futex word waiters sleep on.
  std::atomic<std::uint32_t> phase_{0};
  // Threads that are (about to be) asleep on phase_. Lets the last arrival
  // skip the wake-up system call when every waiter is still spinning.
  std::atomic<std::uint32_t> sleepers_{0};
  absl::AnyInvocable<void()> completion_;
};

}  // namespace moirai::sync

#endif  // MOIRAI_SYNC_BARRIER_H_
