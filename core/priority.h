// Copyright 2026 The Moirai Authors.
//
// core/priority.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::core::Priority`, the five scheduling levels
// every Moirai scheduler understands, from `kCritical` (runs first) to
// `kBackground` (runs when nothing else is ready). Priorities are totally
// ordered by urgency: a smaller enumerator value is more urgent. There is no
// urgency-ordered `operator<=>`: the built-in comparisons of the enum compare
// the values, so `Priority::kCritical < Priority::kLow` holds and reads as
// "lane 0 before lane 3". Say `MoreUrgent(a, b)` where urgency is meant.

#ifndef MOIRAI_CORE_PRIORITY_H_
#define MOIRAI_CORE_PRIORITY_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>

#include "absl/strings/string_view.h"

namespace moirai::core {

// Priority
//
// The enumerator values are the lane indices schedulers use (0 is the most
// urgent lane); they are part of the API and will not change.
enum class Priority : std::uint8_t {
  kCritical = 0,
  kHigh = 1,
  kNormal = 2,
  kLow = 3,
  kBackground = 4,
};

// The number of priority levels, for sizing per-priority arrays.
inline constexpr int kNumPriorities = 5;

// MoreUrgent()
//
// True when `a` should run before `b`.
constexpr bool MoreUrgent(Priority a, Priority b) noexcept { return a < b; }

// PriorityIndex()
//
// Returns the lane index of `p` in [0, kNumPriorities), 0 being most urgent.
constexpr int PriorityIndex(Priority p) noexcept { return static_cast<int>(p); }

// PriorityFromIndex()
//
// Returns the priority of lane `index`, or `std::nullopt` if `index` is not in
// [0, kNumPriorities).
constexpr std::optional<Priority> PriorityFromIndex(int index) noexcept {
  if (index < 0 || index >= kNumPriorities) return std::nullopt;
  return static_cast<Priority>(index);
}

// PriorityName()
//
// Returns "critical", "high", "normal", "low" or "background". A value outside
// the enumeration (only reachable through a cast) yields "invalid".
constexpr absl::string_view PriorityName(Priority p) noexcept {
  switch (p) {
    case Priority::kCritical:
      return "critical";
    case Priority::kHigh:
      return "high";
    case Priority::kNormal:
      return "normal";
    case Priority::kLow:
      return "low";
    case Priority::kBackground:
      return "background";
  }
  return "invalid";
}

// ParsePriority()
//
// The inverse of `PriorityName()`; `std::nullopt` for any other string.
std::optional<Priority> ParsePriority(absl::string_view name) noexcept;

std::ostream& operator<<(std::ostream& os, Priority p);

}  // namespace moirai::core

#endif  // MOIRAI_CORE_PRIORITY_H_
