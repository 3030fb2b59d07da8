// Copyright 2026 The Moirai Authors.
//
// distributed/admission.h
// -----------------------------------------------------------------------------
//
// This header defines `AdmissionQueue`, a node's admission control for
// remote tasks: at most `capacity` of them wait in the node's queue (the
// scheduler's five lanes) at once. When the queue is full:
//
//   * an arrival that is not more urgent than every queued task is refused
//     (ResourceExhausted: it never started, so its submitter may place it
//     elsewhere);
//   * a more urgent arrival is admitted and evicts the newest of the least
//     urgent queued tasks; the caller hands the evicted one back to its
//     submitter with ResourceExhausted ("evicted by a more urgent task"),
//     which may re-place it. So a critical task is never refused because low
//     ones filled the queue.
//
// Tasks leave the count when they start (or are cancelled): `Remove`.
//
// Pure bookkeeping, no clock; not synchronised (the node locks).

#ifndef MOIRAI_DISTRIBUTED_ADMISSION_H_
#define MOIRAI_DISTRIBUTED_ADMISSION_H_

#include <array>
#include <cstdint>
#include <deque>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "moirai/core/priority.h"

namespace moirai::distributed {

class AdmissionQueue {
 public:
  // AdmissionQueue::Create(): InvalidArgument unless capacity >= 1.
  static absl::StatusOr<AdmissionQueue> Create(int capacity);

  struct Admitted {
    // The ticket evicted to make room, if any.
    std::optional<std::uint64_t> evicted;
  };

  // AdmissionQueue::Admit()
  //
  // Admits `ticket` (unique among queued tickets) at `priority`, or returns
  // ResourceExhausted (see the file comment).
  absl::StatusOr<Admitted> Admit(std::uint64_t ticket, core::Priority priority);

  // AdmissionQueue::Remove(): false if `ticket` is not queued (already
  // evicted or removed).
  bool Remove(std::uint64_t ticket) noexcept;

  int size() const noexcept { return size_; }
  int capacity() const noexcept { return capacity_; }
  // Queued tickets per priority lane.
  std::array<std::uint32_t, core::kNumPriorities> queued_by_priority()
      const noexcept;

 private:
  explicit AdmissionQueue(int capacity) : capacity_(capacity) {}

  int capacity_;
  int size_ = 0;
  // Admission order per lane (the back is the newest).
  std::array<std::deque<std::uint64_t>, core::kNumPriorities> lanes_;
};

}  // namespace moirai::distributed

#endif  // MOIRAI_DISTRIBUTED_ADMISSION_H_
