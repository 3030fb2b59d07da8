// Copyright 2026 The Moirai Authors.

#include "moirai/core/priority.h"

#include <sstream>

#include "gtest/gtest.h"

namespace moirai::core {
namespace {

TEST(PriorityTest, OrderedByUrgency) {
  EXPECT_TRUE(MoreUrgent(Priority::kCritical, Priority::kHigh));
  EXPECT_TRUE(MoreUrgent(Priority::kHigh, Priority::kNormal));
  EXPECT_TRUE(MoreUrgent(Priority::kNormal, Priority::kLow));
  EXPECT_TRUE(MoreUrgent(Priority::kLow, Priority::kBackground));
  EXPECT_FALSE(MoreUrgent(Priority::kNormal, Priority::kNormal));
  EXPECT_FALSE(MoreUrgent(Priority::kBackground, Priority::kCritical));
}

// The header once claimed an urgency-ordered operator<=> that did not
// exist; what it documents now is the built-in value order.
TEST(PriorityTest, BuiltInComparisonsCompareLaneIndices) {
  static_assert(Priority::kCritical < Priority::kLow);
  static_assert(!(Priority::kCritical > Priority::kLow));
  EXPECT_TRUE(Priority::kHigh < Priority::kNormal);
  EXPECT_EQ(MoreUrgent(Priority::kHigh, Priority::kNormal),
            Priority::kHigh < Priority::kNormal);
}

TEST(PriorityTest, IndexRoundTrip) {
  for (int i = 0; i < kNumPriorities; ++i) {
    auto p = PriorityFromIndex(i);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(PriorityIndex(*p), i);
  }
  EXPECT_FALSE(PriorityFromIndex(-1).has_value());
  EXPECT_FALSE(PriorityFromIndex(kNumPriorities).has_value());
}

TEST(PriorityTest, PrintsAndParses) {
  std::ostringstream os;
  os << Priority::kBackground;
  EXPECT_EQ(os.str(), "background");
  for (int i = 0; i < kNumPriorities; ++i) {
    Priority p = *PriorityFromIndex(i);
    EXPECT_EQ(ParsePriority(PriorityName(p)), p);
  }
  EXPECT_EQ(ParsePriority("urgent"), std::nullopt);
  EXPECT_EQ(ParsePriority(""), std::nullopt);
  EXPECT_EQ(PriorityName(static_cast<Priority>(9)), "invalid");
}

}  // namespace
}  // namespace moirai::core
