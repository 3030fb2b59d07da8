// Copyright 2026 The Moirai Authors.

#include "moirai/core/task_context.h"

#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace moirai::core {
namespace {

TEST(TaskContextTest, NoContextOutsideTasks) {
  EXPECT_EQ(TaskContext::current(), nullptr);
}

TEST(TaskContextTest, DefaultsDescribeNothing) {
  TaskContext ctx;
  EXPECT_FALSE(ctx.id().valid());
  EXPECT_EQ(ctx.priority(), Priority::kNormal);
  EXPECT_EQ(ctx.deadline(), absl::InfiniteFuture());
  EXPECT_FALSE(ctx.cancellation().CanBeCancelled());
  EXPECT_FALSE(ctx.IsCancellationRequested());
  EXPECT_EQ(ctx.metadata(), nullptr);
  EXPECT_FALSE(ctx.DeadlineExceeded());
}

TEST(TaskContextTest, ScopeInstallsAndRestoresNested) {
  TaskContext outer(TaskId(1), Priority::kHigh);
  TaskContext inner(TaskId(2), Priority::kLow);
  {
    TaskContext::Scope s1(&outer);
    EXPECT_EQ(TaskContext::current(), &outer);
    {
      TaskContext::Scope s2(&inner);
      EXPECT_EQ(TaskContext::current(), &inner);
      EXPECT_EQ(TaskContext::current()->id(), TaskId(2));
    }
    EXPECT_EQ(TaskContext::current(), &outer);
  }
  EXPECT_EQ(TaskContext::current(), nullptr);
}

TEST(TaskContextTest, ExchangeSwapsForFiberSwitches) {
  TaskContext a(TaskId(10), Priority::kNormal);
  TaskContext b(TaskId(11), Priority::kNormal);
  EXPECT_EQ(TaskContext::Exchange(&a), nullptr);
  EXPECT_EQ(TaskContext::Exchange(&b), &a);  // "switch" to fiber b
  EXPECT_EQ(TaskContext::current(), &b);
  EXPECT_EQ(TaskContext::Exchange(nullptr), &b);
  EXPECT_EQ(TaskContext::current(), nullptr);
}

TEST(TaskContextTest, CurrentIsPerThread) {
  TaskContext mine(TaskId(5), Priority::kNormal);
  TaskContext::Scope scope(&mine);
  TaskContext* seen_elsewhere = &mine;
  std::thread([&] { seen_elsewhere = TaskContext::current(); }).join();
  EXPECT_EQ(seen_elsewhere, nullptr);
  EXPECT_EQ(TaskContext::current(), &mine);
}

TEST(TaskContextTest, DescribesATaskAndItsCancellation) {
  int ran = 0;
  Task task(
      [&ran] {
        TaskContext* ctx = TaskContext::current();
        ASSERT_NE(ctx, nullptr);
        if (!ctx->IsCancellationRequested()) ++ran;
      },
      Priority::kCritical);
  task.set_metadata({"job", {"tag"}});
  CancellationSource source;
  const absl::Time deadline = absl::Now() + absl::Hours(1);
  TaskContext ctx(task, deadline, source.token());
  EXPECT_EQ(ctx.id(), task.id());
  EXPECT_EQ(ctx.priority(), Priority::kCritical);
  EXPECT_EQ(ctx.deadline(), deadline);
  ASSERT_NE(ctx.metadata(), nullptr);
  EXPECT_EQ(ctx.metadata()->name, "job");
  {
    TaskContext::Scope scope(&ctx);
    task();
    source.RequestCancellation();
    task();
  }
  EXPECT_EQ(ran, 1);
  EXPECT_TRUE(ctx.cancellation().IsCancellationRequested());
}

TEST(TaskContextTest, DeadlineAndSetters) {
  TaskContext ctx;
  const absl::Time now = absl::Now();
  ctx.set_deadline(now);
  EXPECT_TRUE(ctx.DeadlineExceeded(now));
  EXPECT_FALSE(ctx.DeadlineExceeded(now - absl::Seconds(1)));
  ctx.set_id(TaskId(9));
  ctx.set_priority(Priority::kBackground);
  TaskMetadata md{"m", {}};
  ctx.set_metadata(&md);
  CancellationSource source;
  ctx.set_cancellation(source.token());
  EXPECT_EQ(ctx.id(), TaskId(9));
  EXPECT_EQ(ctx.priority(), Priority::kBackground);
  EXPECT_EQ(ctx.metadata(), &md);
  EXPECT_TRUE(ctx.cancellation().CanBeCancelled());
}

}  // namespace
}  // namespace moirai::core
