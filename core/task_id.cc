// Copyright 2026 The Moirai Authors.

#include "moirai/core/task_id.h"

#include <atomic>

#include "moirai/core/internal/check.h"
#include "moirai/core/internal/fiber_safe_tls.h"

namespace moirai::core {
namespace internal {
namespace {

// The first id of the next unclaimed block. Starts at 1 so that 0 stays
// invalid. Relaxed is enough: uniqueness comes from the atomicity of
// fetch_add alone, and no other data is published through this counter.
std::atomic<std::uint64_t> g_next_block_start{1};

// This thread's block. Constant-initialised with a trivial destructor, so
// access needs no TLS guard or wrapper call. Only through the accessor.
constinit thread_local TaskIdBlock tls_task_id_block = {0, 0};

}  // namespace

MOIRAI_FIBER_SAFE_TLS_ACCESSOR TaskIdBlock* ThisThreadTaskIdBlock() noexcept {
  return HideTlsAddress(&tls_task_id_block);
}

void RefillTaskIdBlock(TaskIdBlock& block) noexcept {
  const std::uint64_t start = g_next_block_start.fetch_add(
      TaskId::kBlockSize, std::memory_order_relaxed);
  // Wrapping around would hand out ids again (and 0); refuse loudly. The
  // process aborts here, so nobody uses a block from after the wrap.
  MOIRAI_INTERNAL_CHECK(start <= UINT64_MAX - TaskId::kBlockSize,
                        "TaskId space exhausted");
  block.next = start;
  block.end = start + TaskId::kBlockSize;
}

}  // namespace internal

std::ostream& operator<<(std::ostream& os, TaskId id) {
  if (!id.valid()) return os << "task#invalid";
  return os << "task#" << id.value_;
}

}  // namespace moirai::core
