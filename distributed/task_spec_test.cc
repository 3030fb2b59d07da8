// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/task_spec.h"

#include "gtest/gtest.h"

namespace moirai::distributed {
namespace {

TEST(BackoffTest, GrowsGeometricallyAndCaps) {
  RetryPolicy p;
  p.jitter = 0;
  EXPECT_EQ(Backoff(p, 1, 0.5), absl::ZeroDuration());
  EXPECT_EQ(Backoff(p, 2, 0.5), absl::Milliseconds(10));
  EXPECT_EQ(Backoff(p, 3, 0.5), absl::Milliseconds(20));
  EXPECT_EQ(Backoff(p, 4, 0.5), absl::Milliseconds(40));
  EXPECT_EQ(Backoff(p, 100, 0.5), absl::Seconds(1));
}

TEST(BackoffTest, JitterStaysInItsBand) {
  RetryPolicy p;  // jitter 0.2
  EXPECT_EQ(Backoff(p, 2, 0.0), absl::Milliseconds(8));
  EXPECT_EQ(Backoff(p, 2, 1.0), absl::Milliseconds(12));
  EXPECT_EQ(Backoff(p, 2, 0.5), absl::Milliseconds(10));
}

TEST(TaskSpecTest, ValidateRefusesBadFields) {
  EXPECT_TRUE(Validate(TaskSpec()).ok());
  TaskSpec s;
  s.retry.max_attempts = 0;
  EXPECT_TRUE(absl::IsInvalidArgument(Validate(s)));
  s = TaskSpec();
  s.timeout = -absl::Seconds(1);
  EXPECT_TRUE(absl::IsInvalidArgument(Validate(s)));
  s = TaskSpec();
  s.placement.affinity_required = true;
  EXPECT_TRUE(absl::IsInvalidArgument(Validate(s)));
  s = TaskSpec();
  s.placement.resources = {{"gpu", -1}};
  EXPECT_TRUE(absl::IsInvalidArgument(Validate(s)));
  s = TaskSpec();
  s.retry.jitter = 2;
  EXPECT_TRUE(absl::IsInvalidArgument(Validate(s)));
  s = TaskSpec();
  s.priority = static_cast<core::Priority>(9);
  EXPECT_TRUE(absl::IsInvalidArgument(Validate(s)));
}

TEST(RetryBudgetTest, SuccessesRefillRetriesSpend) {
  RetryBudget b(/*ratio=*/0.5, /*initial_tokens=*/1, /*max_tokens=*/2);
  EXPECT_TRUE(b.TrySpend());
  EXPECT_FALSE(b.TrySpend());
  b.RecordSuccess();
  EXPECT_FALSE(b.TrySpend());  // 0.5 tokens
  b.RecordSuccess();
  EXPECT_TRUE(b.TrySpend());
  for (int i = 0; i < 100; ++i) b.RecordSuccess();
  EXPECT_DOUBLE_EQ(b.tokens(), 2.0);
}

}  // namespace
}  // namespace moirai::distributed
