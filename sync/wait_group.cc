// Copyright 2026 The Moirai Authors.

#include "moirai/sync/wait_group.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "moirai/core/arch.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/internal/parking_lot.h"
#include "moirai/core/mono_time.h"
#include "moirai/sync/internal/spin_wait.h"

namespace moirai::sync {

// Sleep protocol (Dekker on seq_cst operations). Adder: (A1) the CAS on
// state_ that zeroes the count and moves the generation, (A2) wake_seq_ += 1,
// (A3) load sleepers_, and FutexWake if non-zero. Waiter: (W1) sleepers_ += 1,
// then per round (W2) f = load wake_seq_, (W3) re-check the generation in
// state_, (W4) FutexWait(wake_seq_, f). If A3 reads no sleeper, W1 comes after
// A3, so W3 comes after A1 and sees the move. Otherwise the adder wakes: if W2
// read wake_seq_ before A2, the kernel's check in W4 sees a different value or
// the sleep is ended by the wake (which follows A2); if W2 came after A2, W3
// comes after A1 and sees the move.

absl::Status WaitGroup::Add(std::int32_t delta) noexcept {
  std::int32_t observed = 0;
  switch (state_.Add(delta, &observed)) {
    case internal::WaitGroupAddResult::kOk:
      return absl::OkStatus();
    case internal::WaitGroupAddResult::kReachedZero:
      break;
    case internal::WaitGroupAddResult::kNegative:
      return absl::InvalidArgumentError(
          absl::StrCat("WaitGroup: counter would become negative (", observed,
                       " + ", delta, ")"));
    case internal::WaitGroupAddResult::kOverflow:
      return absl::OutOfRangeError(
          absl::StrCat("WaitGroup: counter would exceed INT32_MAX (", observed,
                       " + ", delta, ")"));
  }
  // A2 and A3 above (seq_cst both).
  wake_seq_.fetch_add(1, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) != 0) {
    core::internal::WakeWordAll(&wake_seq_);
  }
  return absl::OkStatus();
}

bool WaitGroup::WaitWithDeadline(absl::Time wall_deadline) const noexcept {
  // Converted once: the wait runs on the monotonic clock (core/mono_time.h).
  const core::MonoTime deadline = core::MonoTime::FromWall(wall_deadline);
  std::uint32_t generation;
  if (state_.ZeroOrGeneration(&generation)) return true;
  if (internal::SpinUntil([&] { return state_.GenerationMoved(generation); })) {
    return true;
  }
  sleepers_.fetch_add(1, std::memory_order_seq_cst);  // W1
  bool zero_seen;
  for (;;) {
    const std::uint32_t f = wake_seq_.load(std::memory_order_seq_cst);  // W2
    if (state_.GenerationMoved(generation)) {                           // W3
      zero_seen = true;
      break;
    }
    if (core::internal::WaitOnWord(&wake_seq_, f, deadline) ==  // W4
        core::internal::FutexWaitResult::kTimedOut) {
      zero_seen = state_.GenerationMoved(generation);
      break;
    }
  }
  // Relaxed: only decides whether later Add()s make a system call.
  sleepers_.fetch_sub(1, std::memory_order_relaxed);
  return zero_seen;
}

}  // namespace moirai::sync
