// Copyright 2026 The Moirai Authors.

#include "moirai/sync/latch.h"

#include "moirai/core/arch.h"
#include "moirai/sync/internal/check.h"
#include "moirai/sync/internal/futex.h"

namespace moirai::sync {
namespace {

constexpr int kSpinLimit = 100;

}  // namespace

Latch::Latch(std::int32_t count) noexcept
    : count_(static_cast<std::uint32_t>(count)) {
  MOIRAI_SYNC_CHECK(count >= 0, "Latch: negative initial count");
}

void Latch::CountDown(std::int32_t n) noexcept {
  MOIRAI_SYNC_CHECK(n >= 0, "Latch: negative CountDown() argument");
  if (n == 0) return;
  const auto un = static_cast<std::uint32_t>(n);
  // acq_rel: release publishes our writes; acquire makes the decrement that
  // reaches zero see all earlier count-downs' writes (they form a release
  // sequence), which the waiters then acquire through count_.
  const std::uint32_t previous =
      count_.fetch_sub(un, std::memory_order_acq_rel);
  MOIRAI_SYNC_CHECK(previous >= un, "Latch: counted down below zero");
  if (previous == un) internal::FutexWakeAll(&count_);
}

bool Latch::WaitWithDeadline(absl::Time deadline) const noexcept {
  for (int i = 0; i < kSpinLimit; ++i) {
    if (TryWait()) return true;
    core::CpuRelax();
  }
  for (;;) {
    // Acquire pairs with the acq_rel decrement that reached zero.
    const std::uint32_t c = count_.load(std::memory_order_acquire);
    if (c == 0) return true;
    // Sleeps only while the count is still `c`; a count-down in between
    // changes it and we re-check. Only the count-down that reaches zero wakes.
    if (internal::FutexWait(&count_, c, deadline) ==
        internal::FutexWaitResult::kTimedOut) {
      return TryWait();
    }
  }
}

}  // namespace moirai::sync
