// Copyright 2026 The Moirai Authors.

#include "moirai/core/priority.h"

namespace moirai::core {

std::optional<Priority> ParsePriority(absl::string_view name) noexcept {
  for (int i = 0; i < kNumPriorities; ++i) {
    const Priority p = static_cast<Priority>(i);
    if (PriorityName(p) == name) return p;
  }
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, Priority p) {
  const absl::string_view name = PriorityName(p);
  return os.write(name.data(), static_cast<std::streamsize>(name.size()));
}

}  // namespace moirai::core
