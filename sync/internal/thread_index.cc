// Copyright 2026 The Moirai Authors.

#include "moirai/sync/internal/thread_index.h"

#include <atomic>

#include "moirai/core/internal/fiber_safe_tls.h"

namespace moirai::sync::internal {
namespace {

// Constant initialised, so reading it needs no TLS guard. Only through the
// accessor.
constinit thread_local std::uint32_t tls_thread_index_plus_one = 0;

}  // namespace

MOIRAI_FIBER_SAFE_TLS_ACCESSOR std::uint32_t* ThisThreadIndexSlot() noexcept {
  return core::internal::HideTlsAddress(&tls_thread_index_plus_one);
}

std::uint32_t AssignThreadIndex() noexcept {
  // Relaxed: the counter only hands out distinct numbers; nothing is published
  // through it. This is a process-wide counter but not shared state in any
  // meaningful sense: two schedulers in one process just get interleaved
  // indices, which only affects which cache line a thread prefers.
  static std::atomic<std::uint32_t> next{0};
  std::uint32_t index = next.fetch_add(1, std::memory_order_relaxed);
  // Keep index + 1 from wrapping to the "unassigned" marker.
  if (index == UINT32_MAX) index = 0;
  *ThisThreadIndexSlot() = index + 1;
  return index;
}

}  // namespace moirai::sync::internal
