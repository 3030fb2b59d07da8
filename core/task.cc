// Copyright 2026 The Moirai Authors.

#include "moirai/core/task.h"

#include <algorithm>

namespace moirai::core {

bool TaskMetadata::HasTag(absl::string_view tag) const noexcept {
  return std::any_of(tags.begin(), tags.end(),
                     [tag](const std::string& t) { return t == tag; });
}

void Task::set_metadata(TaskMetadata metadata) {
  if (metadata_ != nullptr) {
    *metadata_ = std::move(metadata);
  } else {
    metadata_ = new TaskMetadata(std::move(metadata));
  }
}

}  // namespace moirai::core
