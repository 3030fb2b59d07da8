// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/lifecycle.h"

#include "gtest/gtest.h"

namespace moirai::distributed {
namespace {

TEST(LifecycleTest, HappyPath) {
  TaskLifecycle l;
  EXPECT_EQ(l.state(), TaskState::kCreated);
  ASSERT_TRUE(l.Place("a").ok());
  ASSERT_TRUE(l.Transition(TaskState::kQueued).ok());
  ASSERT_TRUE(l.Transition(TaskState::kRunning).ok());
  ASSERT_TRUE(l.Transition(TaskState::kSucceeded).ok());
  EXPECT_EQ(l.attempts(), 1);
  ASSERT_EQ(l.history().size(), 1u);
  EXPECT_EQ(l.history()[0].node, "a");
  EXPECT_EQ(l.history()[0].last_state, TaskState::kSucceeded);
}

TEST(LifecycleTest, SpillBackKeepsTheAttemptRetryAddsOne) {
  TaskLifecycle l;
  ASSERT_TRUE(l.Place("a").ok());
  ASSERT_TRUE(l.Place("b").ok());  // a refused it
  ASSERT_TRUE(l.Transition(TaskState::kQueued).ok());
  ASSERT_TRUE(l.Place("c").ok());  // evicted from b
  EXPECT_EQ(l.attempts(), 1);
  ASSERT_TRUE(l.Transition(TaskState::kQueued).ok());
  ASSERT_TRUE(l.Transition(TaskState::kRunning).ok());
  ASSERT_TRUE(l.Place("d").ok());  // c died: retry
  EXPECT_EQ(l.attempts(), 2);
  ASSERT_EQ(l.history().size(), 4u);
  EXPECT_EQ(l.history()[2].last_state, TaskState::kRunning);
  EXPECT_EQ(l.node(), "d");
}

TEST(LifecycleTest, IllegalTransitionsAreLoudAndChangeNothing) {
  TaskLifecycle l;
  absl::Status s = l.Transition(TaskState::kRunning);
  EXPECT_TRUE(absl::IsFailedPrecondition(s));
  EXPECT_NE(s.message().find("created -> running"), std::string::npos) << s;
  EXPECT_EQ(l.state(), TaskState::kCreated);
  EXPECT_TRUE(absl::IsFailedPrecondition(l.Transition(TaskState::kSucceeded)));
  EXPECT_TRUE(absl::IsFailedPrecondition(l.Transition(TaskState::kLost)));
  EXPECT_TRUE(absl::IsInvalidArgument(l.Place("")));
  ASSERT_TRUE(l.Place("a").ok());
  ASSERT_TRUE(l.Transition(TaskState::kLost).ok());
  // Terminal: nothing leaves it.
  for (TaskState to :
       {TaskState::kQueued, TaskState::kRunning, TaskState::kSucceeded,
        TaskState::kFailed, TaskState::kCancelled, TaskState::kDeadlineExceeded,
        TaskState::kLost}) {
    EXPECT_TRUE(absl::IsFailedPrecondition(l.Transition(to))) << to;
  }
  EXPECT_TRUE(absl::IsFailedPrecondition(l.Place("b")));
  EXPECT_EQ(l.state(), TaskState::kLost);
}

TEST(LifecycleTest, CancelAndDeadlineFromAnyLiveState) {
  for (TaskState end : {TaskState::kFailed, TaskState::kCancelled,
                        TaskState::kDeadlineExceeded}) {
    TaskLifecycle created;
    EXPECT_TRUE(created.Transition(end).ok());
    TaskLifecycle queued;
    ASSERT_TRUE(queued.Place("a").ok());
    ASSERT_TRUE(queued.Transition(TaskState::kQueued).ok());
    EXPECT_TRUE(queued.Transition(end).ok());
    EXPECT_TRUE(IsTerminal(queued.state()));
  }
}

}  // namespace
}  // namespace moirai::distributed
