// Copyright 2026 The Moirai Authors.
//
// core/task_id.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::core::TaskId`, the 64-bit identity of a task.
// Ids are unique for the life of the process (never reused) and 0 is the
// invalid id that a default-constructed `TaskId` holds.
//
// `TaskId::Next()` is on every task's construction path, so it does not touch a
// shared counter per call: each thread takes a block of `kBlockSize` ids from
// one process-wide atomic counter and hands them out from thread-local storage
// (reached through an out-of-line accessor, so that a fiber that migrated
// between two calls uses its new thread's block: see
// core/internal/fiber_safe_tls.h).
// Consequently ids are unique but only roughly ordered across threads (within
// one thread they increase). With 2^64 ids and blocks of 1024, exhausting the
// space would take centuries at any realistic rate; it is checked anyway.

#ifndef MOIRAI_CORE_TASK_ID_H_
#define MOIRAI_CORE_TASK_ID_H_

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>

namespace moirai::core {
namespace internal {

// The ids [next, end) belong to this thread. Both 0 until the first call.
struct TaskIdBlock {
  std::uint64_t next;
  std::uint64_t end;
};

// ThisThreadTaskIdBlock()
//
// The calling thread's block (task_id.cc). Out of line on purpose: see
// core/internal/fiber_safe_tls.h.
TaskIdBlock* ThisThreadTaskIdBlock() noexcept;

// Takes a fresh block from the process-wide counter (task_id.cc).
void RefillTaskIdBlock(TaskIdBlock& block) noexcept;

}  // namespace internal

class TaskId {
 public:
  // Ids handed to a thread at a time by `Next()`.
  static constexpr std::uint64_t kBlockSize = 1024;

  // TaskId::TaskId()
  //
  // The invalid id (value 0).
  constexpr TaskId() noexcept = default;

  // TaskId::TaskId(value)
  //
  // Rebuilds an id from `value()`, for example after it crossed a wire. Does
  // not reserve anything: only `Next()` makes new ids.
  constexpr explicit TaskId(std::uint64_t value) noexcept : value_(value) {}

  // TaskId::Next()
  //
  // Returns an id never returned before in this process. Thread-safe, and
  // safe on fibers that migrate between threads; the common case is a call
  // to the TLS accessor and a thread-local increment (see the file comment).
  static TaskId Next() noexcept {
    internal::TaskIdBlock* block = internal::ThisThreadTaskIdBlock();
    if (__builtin_expect(block->next == block->end, 0)) {
      internal::RefillTaskIdBlock(*block);
    }
    return TaskId(block->next++);
  }

  // TaskId::value()
  constexpr std::uint64_t value() const noexcept { return value_; }

  // TaskId::valid()
  //
  // False only for the default-constructed (0) id.
  constexpr bool valid() const noexcept { return value_ != 0; }

  friend constexpr bool operator==(TaskId, TaskId) = default;
  friend constexpr std::strong_ordering operator<=>(TaskId, TaskId) = default;

  template <typename H>
  friend H AbslHashValue(H h, TaskId id) {
    return H::combine(std::move(h), id.value_);
  }

  // Prints `task#<value>` (or `task#invalid`).
  friend std::ostream& operator<<(std::ostream& os, TaskId id);

 private:
  std::uint64_t value_ = 0;
};

}  // namespace moirai::core

template <>
struct std::hash<moirai::core::TaskId> {
  std::size_t operator()(moirai::core::TaskId id) const noexcept {
    return std::hash<std::uint64_t>()(id.value());
  }
};

#endif  // MOIRAI_CORE_TASK_ID_H_
