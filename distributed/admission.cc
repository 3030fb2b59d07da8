// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/admission.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace moirai::distributed {

absl::StatusOr<AdmissionQueue> AdmissionQueue::Create(int capacity) {
  if (capacity < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "AdmissionQueue: capacity is ", capacity, ", must be >= 1"));
  }
  return AdmissionQueue(capacity);
}

absl::StatusOr<AdmissionQueue::Admitted> AdmissionQueue::Admit(
    std::uint64_t ticket, core::Priority priority) {
  const int lane = core::PriorityIndex(priority);
  Admitted out;
  if (size_ >= capacity_) {
    int worst = core::kNumPriorities - 1;
    while (worst >= 0 && lanes_[worst].empty()) --worst;
    if (worst <= lane) {
      return absl::ResourceExhaustedError(
          absl::StrCat("admission: the queue is full (", capacity_,
                       " remote tasks) and none queued is less urgent than ",
                       core::PriorityName(priority)));
    }
    out.evicted = lanes_[worst].back();
    lanes_[worst].pop_back();
    --size_;
  }
  lanes_[lane].push_back(ticket);
  ++size_;
  return out;
}

bool AdmissionQueue::Remove(std::uint64_t ticket) noexcept {
  for (auto& lane : lanes_) {
    auto it = std::find(lane.begin(), lane.end(), ticket);
    if (it != lane.end()) {
      lane.erase(it);
      --size_;
      return true;
    }
  }
  return false;
}

std::array<std::uint32_t, core::kNumPriorities>
AdmissionQueue::queued_by_priority() const noexcept {
  std::array<std::uint32_t, core::kNumPriorities> out{};
  for (int i = 0; i < core::kNumPriorities; ++i) {
    out[i] = static_cast<std::uint32_t>(lanes_[i].size());
  }
  return out;
}

}  // namespace moirai::distributed
