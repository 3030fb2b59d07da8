// Copyright 2026 The Moirai Authors.
//
// sync/internal/thread_index.h
// -----------------------------------------------------------------------------
//
// ThisThreadIndex(): a small integer per thread, handed out round-robin from
// one process-wide counter the first time a thread asks. The distributed
// primitives (RwLock's reader slots, ShardedCounter's shards) use it to pick
// the cache line a thread writes, so that two threads usually write different
// lines. It is a hint for spreading load, never an identity: indices are not
// reused when threads exit and callers reduce them modulo their slot count,
// so two threads may share a slot and every user stays correct when they do.

#ifndef MOIRAI_SYNC_INTERNAL_THREAD_INDEX_H_
#define MOIRAI_SYNC_INTERNAL_THREAD_INDEX_H_

#include <cstdint>

namespace moirai::sync::internal {

// AssignThreadIndex()
//
// Takes the next index from the process-wide counter, stores it (plus one) in
// this thread's slot and returns it. Out of line: runs once per thread.
std::uint32_t AssignThreadIndex() noexcept;

// ThisThreadIndexSlot()
//
// The calling thread's index plus one; 0 means "not assigned yet"
// (thread_index.cc). Out of line on purpose: the primitives run on fibers,
// which may migrate between two calls (see core/internal/fiber_safe_tls.h).
std::uint32_t* ThisThreadIndexSlot() noexcept;

// ThisThreadIndex()
//
// This thread's index (0, 1, 2, ... in order of first use).
inline std::uint32_t ThisThreadIndex() noexcept {
  const std::uint32_t v = *ThisThreadIndexSlot();
  if (__builtin_expect(v != 0, 1)) return v - 1;
  return AssignThreadIndex();
}

}  // namespace moirai::sync::internal

#endif  // MOIRAI_SYNC_INTERNAL_THREAD_INDEX_H_
