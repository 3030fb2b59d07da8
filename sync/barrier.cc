// Copyright 2026 The Moirai Authors.

#include "moirai/sync/barrier.h"

#include <utility>

#include "moirai/core/arch.h"
#include "moirai/core/internal/check.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/internal/parking_lot.h"
#include "moirai/sync/internal/spin_wait.h"

namespace moirai::sync {
Barrier::Barrier(int parties, absl::AnyInvocable<void()> completion) noexcept
    : parties_(parties),
      remaining_(parties),
      completion_(std::move(completion)) {
  MOIRAI_INTERNAL_CHECK(parties > 0, "Barrier: parties must be positive");
}

bool Barrier::Arrive(std::uint32_t* phase) noexcept {
  // The phase cannot move before we arrive (it needs our arrival), so this
  // read names the phase we are arriving at. Relaxed: only an identifier.
  *phase = phase_.load(std::memory_order_relaxed);
  // acq_rel: the arrivals form one release sequence on remaining_, so the
  // last arrival's acquire sees every earlier participant's writes (they are
  // then visible to the completion step and, via phase_, to everyone).
  if (remaining_.fetch_sub(1, std::memory_order_acq_rel) != 1) return false;
  if (completion_) completion_();
  // Reset before publishing the new phase: a thread that sees the new phase
  // (acquire) and arrives again must find the full count. Relaxed: ordered
  // by the release store below.
  remaining_.store(parties_.load(std::memory_order_relaxed),
                   std::memory_order_relaxed);
  // seq_cst (store and the sleepers_ load): Dekker handshake with a waiter
  // that increments sleepers_ and then re-reads phase_ (both seq_cst) before
  // sleeping: either it sees the new phase, or we see it and wake it. The
  // store is also the release that pairs with the waiters' acquire loads.
  phase_.store(*phase + 1, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) != 0) {
    core::internal::WakeWordAll(&phase_);
  }
  return true;
}

bool Barrier::ArriveAndWait() noexcept {
  std::uint32_t phase;
  if (Arrive(&phase)) return true;
  // Acquire pairs with the release (seq_cst) store in Arrive().
  if (internal::SpinUntil(
          [&] { return phase_.load(std::memory_order_acquire) != phase; })) {
    return false;
  }
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  while (phase_.load(std::memory_order_seq_cst) == phase) {
    core::internal::WaitOnWord(&phase_, phase);
  }
  // Relaxed: only decides whether later arrivals make a system call.
  sleepers_.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

void Barrier::ArriveAndDrop() noexcept {
  // Sequenced before our acq_rel arrival, so the last arrival (which reads
  // parties_ after acquiring every arrival) sees the decrement.
  parties_.fetch_sub(1, std::memory_order_relaxed);
  std::uint32_t phase;
  Arrive(&phase);
}

}  // namespace moirai::sync
