// Copyright 2026 The Moirai Authors.

#include "moirai/sync/latch.h"

#include "moirai/core/arch.h"
#include "moirai/core/internal/check.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/internal/parking_lot.h"
#include "moirai/sync/internal/spin_wait.h"

namespace moirai::sync {
Latch::Latch(std::int32_t count) noexcept
    : count_(static_cast<std::uint32_t>(count)) {
  MOIRAI_INTERNAL_CHECK(count >= 0, "Latch: negative initial count");
}

void Latch::CountDown(std::int32_t n) noexcept {
  MOIRAI_INTERNAL_CHECK(n >= 0, "Latch: negative CountDown() argument");
  if (n == 0) return;
  const auto un = static_cast<std::uint32_t>(n);
  // acq_rel: release publishes our writes; acquire makes the decrement that
  // reaches zero see all earlier count-downs' writes (they form a release
  // sequence), which the waiters then acquire through count_.
  // The waiters bit is in the same word, so this RMW sees whether a waiter
  // announced itself before the count reached zero (and a waiter that comes
  // later sees zero): no lost wake-up.
  const std::uint32_t previous =
      count_.fetch_sub(un, std::memory_order_acq_rel);
  MOIRAI_INTERNAL_CHECK((previous & kCountMask) >= un,
                        "Latch: counted down below zero");
  if ((previous & kCountMask) == un && (previous & kWaitersBit) != 0) {
    core::internal::WakeWordAll(&count_);
  }
}

bool Latch::WaitUntilMono(core::MonoTime deadline) const noexcept {
  if (internal::SpinUntil([this] { return TryWait(); })) return true;
  // Acquire pairs with the acq_rel decrement that reached zero.
  std::uint32_t c = count_.load(std::memory_order_acquire);
  for (;;) {
    if ((c & kCountMask) == 0) return true;
    if ((c & kWaitersBit) == 0) {
      // Announce a sleeper. On failure `c` is reloaded and re-checked.
      if (!count_.compare_exchange_weak(c, c | kWaitersBit,
                                        std::memory_order_acquire,
                                        std::memory_order_acquire)) {
        continue;
      }
      c |= kWaitersBit;
    }
    // Sleeps only while the word is still `c`; a count-down in between
    // changes it and we re-check. Only the count-down that reaches zero wakes.
    if (core::internal::WaitOnWord(&count_, c, deadline) ==
        core::internal::FutexWaitResult::kTimedOut) {
      return TryWait();
    }
    c = count_.load(std::memory_order_acquire);
  }
}

}  // namespace moirai::sync
