// Copyright 2026 The Moirai Authors.

#include "moirai/sync/wait_group.h"

#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "moirai/core/arch.h"
#include "moirai/core/internal/futex.h"
#include "moirai/sync/internal/spin_wait.h"

namespace moirai::sync {
absl::Status WaitGroup::Add(std::int32_t delta) noexcept {
  // A CAS loop rather than fetch_add so that a bad delta leaves the counter
  // untouched. Relaxed initial read: the CAS validates it.
  std::int32_t current = count_.load(std::memory_order_relaxed);
  std::int64_t next;
  do {
    next = static_cast<std::int64_t>(current) + delta;
    if (next < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("WaitGroup: counter would become negative (", current,
                       " + ", delta, ")"));
    }
    if (next > std::numeric_limits<std::int32_t>::max()) {
      return absl::OutOfRangeError(
          absl::StrCat("WaitGroup: counter would exceed INT32_MAX (", current,
                       " + ", delta, ")"));
    }
    // seq_cst: the zeroing update must be ordered (in the single total order)
    // before our generation increment, and after a waiter's generation read
    // that came before its count read (see WaitWithDeadline). Also release
    // (publishes our writes) and acquire (the zeroing update sees every
    // earlier update's writes through the RMW chain).
  } while (!count_.compare_exchange_weak(
      current, static_cast<std::int32_t>(next), std::memory_order_seq_cst,
      std::memory_order_relaxed));
  if (next == 0 && delta != 0) {
    // seq_cst increment and sleepers_ load: Dekker handshake with a waiter
    // that increments sleepers_ and then re-reads generation_ (seq_cst)
    // before sleeping: either it sees the new generation or we see it.
    generation_.fetch_add(1, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) != 0) {
      core::internal::FutexWakeAll(&generation_);
    }
  }
  return absl::OkStatus();
}

bool WaitGroup::WaitWithDeadline(absl::Time deadline) const noexcept {
  // Read the generation first, then the count (both seq_cst). If the count is
  // non-zero, the update that will zero it comes later in the total order, so
  // its generation increment does too: the generation we read is older.
  const std::uint32_t generation = generation_.load(std::memory_order_seq_cst);
  if (count_.load(std::memory_order_seq_cst) == 0) return true;
  if (internal::SpinUntil([&] {
        return generation_.load(std::memory_order_acquire) != generation;
      })) {
    return true;
  }
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  bool zero_seen;
  for (;;) {
    // seq_cst: the waiter half of the handshake in Add(); also the acquire
    // that pairs with the generation increment, which follows the zeroing
    // update in the adder's thread.
    if (generation_.load(std::memory_order_seq_cst) != generation) {
      zero_seen = true;
      break;
    }
    if (core::internal::FutexWait(&generation_, generation, deadline) ==
        core::internal::FutexWaitResult::kTimedOut) {
      zero_seen = generation_.load(std::memory_order_acquire) != generation;
      break;
    }
  }
  // Relaxed: only decides whether later Add()s make a system call.
  sleepers_.fetch_sub(1, std::memory_order_relaxed);
  return zero_seen;
}

}  // namespace moirai::sync
