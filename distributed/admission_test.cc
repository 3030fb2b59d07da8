// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/admission.h"

#include "gtest/gtest.h"

namespace moirai::distributed {
namespace {

using core::Priority;

TEST(AdmissionQueueTest, CapacityMustBePositive) {
  EXPECT_TRUE(absl::IsInvalidArgument(AdmissionQueue::Create(0).status()));
}

TEST(AdmissionQueueTest, FullQueueRefusesEqualOrLessUrgent) {
  AdmissionQueue q = *AdmissionQueue::Create(2);
  ASSERT_TRUE(q.Admit(1, Priority::kNormal).ok());
  ASSERT_TRUE(q.Admit(2, Priority::kNormal).ok());
  EXPECT_TRUE(
      absl::IsResourceExhausted(q.Admit(3, Priority::kNormal).status()));
  EXPECT_TRUE(absl::IsResourceExhausted(q.Admit(3, Priority::kLow).status()));
  EXPECT_EQ(q.size(), 2);
}

TEST(AdmissionQueueTest, MoreUrgentEvictsTheNewestLeastUrgent) {
  AdmissionQueue q = *AdmissionQueue::Create(3);
  ASSERT_TRUE(q.Admit(1, Priority::kLow).ok());
  ASSERT_TRUE(q.Admit(2, Priority::kBackground).ok());
  ASSERT_TRUE(q.Admit(3, Priority::kBackground).ok());
  auto a = q.Admit(4, Priority::kCritical);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->evicted, 3u);  // newest of the least urgent lane
  a = q.Admit(5, Priority::kHigh);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->evicted, 2u);
  a = q.Admit(6, Priority::kNormal);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->evicted, 1u);
  EXPECT_TRUE(
      absl::IsResourceExhausted(q.Admit(7, Priority::kNormal).status()));
  auto lanes = q.queued_by_priority();
  EXPECT_EQ(lanes[0], 1u);
  EXPECT_EQ(lanes[1], 1u);
  EXPECT_EQ(lanes[2], 1u);
}

TEST(AdmissionQueueTest, RemoveFreesASlot) {
  AdmissionQueue q = *AdmissionQueue::Create(1);
  ASSERT_TRUE(q.Admit(1, Priority::kLow).ok());
  EXPECT_TRUE(q.Remove(1));
  EXPECT_FALSE(q.Remove(1));
  EXPECT_EQ(q.size(), 0);
  auto a = q.Admit(2, Priority::kLow);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->evicted.has_value());
}

}  // namespace
}  // namespace moirai::distributed
