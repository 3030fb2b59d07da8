// Copyright 2026 The Moirai Authors.
//
// Cluster policies under pressure and failure, on a fake clock: deadlines,
// cancellation, admission with priority eviction, node loss (at most once vs.
// retried), the idempotency-key result cache. Remote functions block on test
// gates, so every interleaving is decided by the test, never by timing.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/core/task_context.h"
#include "moirai/distributed/cluster.h"
#include "moirai/distributed/internal/cluster_test_util.h"

namespace moirai::distributed {
namespace {

using testing::Counter;
using testing::Event;
using testing::WaitUntil;

// Shared with the remote functions below (one test at a time).
struct State {
  Event gate;       // Block() waits for it
  Counter started;  // Block() entries
  Counter runs;     // Count() and Block() runs
  std::mutex mu;
  std::vector<int> order;  // Record() arguments, in run order
  Event cancel_seen;
};
State* g = nullptr;

int Block(int x) {
  g->started.Increment();
  g->gate.Wait();
  g->runs.Increment();
  return x;
}
int Count(int x) {
  g->runs.Increment();
  return x;
}
int Record(int x) {
  std::lock_guard<std::mutex> lock(g->mu);
  g->order.push_back(x);
  return x;
}
int WaitForCancel() {
  Event fired;
  core::CancellationRegistration reg =
      core::TaskContext::current()->cancellation().OnCancel(
          [&] { fired.Notify(); });
  g->started.Increment();
  fired.Wait();
  g->cancel_seen.Notify();
  return 1;
}

class ClusterFailureTest : public ::testing::Test {
 protected:
  void Start(int n, ClusterOptions o = {}) {
    o.clock = &clock_;
    auto c = Cluster::Embedded(n, std::move(o));
    ASSERT_TRUE(c.ok()) << c.status();
    cluster_ = std::move(*c);
    ASSERT_TRUE(cluster_->Register<&Block>("block").ok());
    ASSERT_TRUE(cluster_->Register<&Count>("count").ok());
    ASSERT_TRUE(cluster_->Register<&Record>("record").ok());
    ASSERT_TRUE(cluster_->Register<&WaitForCancel>("wait_cancel").ok());
  }
  void SetUp() override { g = &state_; }
  void TearDown() override {
    state_.gate.Notify();  // let any blocked task end before the drain
    cluster_.reset();
    g = nullptr;
  }
  static TaskSpec On(const std::string& node, bool required = true) {
    TaskSpec s;
    s.placement.affinity_node = node;
    s.placement.affinity_required = required;
    return s;
  }

  State state_;
  FakeClock clock_;
  std::unique_ptr<Cluster> cluster_;
};

TEST_F(ClusterFailureTest, DeadlineExpiredInTheQueueNeverStarts) {
  Start(1);
  core::Future<int> blocker = cluster_->Spawn<&Block>(0);
  g->started.WaitAtLeast(1);  // the only worker is busy
  TaskSpec spec;
  spec.timeout = absl::Seconds(1);
  RemoteTask<int> late = cluster_->Submit<&Count>(7, spec);
  clock_.Advance(absl::Seconds(2));
  g->gate.Notify();
  absl::Status s = std::move(late.future).Get().status();
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
  EXPECT_NE(s.message().find("never started"), std::string::npos) << s;
  EXPECT_EQ(cluster_->Describe(late.handle).state,
            TaskState::kDeadlineExceeded);
  EXPECT_EQ(*std::move(blocker).Get(), 0);
  EXPECT_EQ(g->runs.value(), 1);  // the blocker only
}

TEST_F(ClusterFailureTest, ZeroTimeoutIsNeverPlaced) {
  Start(1);
  TaskSpec spec;
  spec.timeout = absl::ZeroDuration();
  EXPECT_TRUE(absl::IsDeadlineExceeded(
      cluster_->Spawn<&Count>(1, spec).Get().status()));
  EXPECT_EQ(g->runs.value(), 0);
}

TEST_F(ClusterFailureTest, CancelledWhileQueuedNeverStarts) {
  Start(1);
  core::Future<int> blocker = cluster_->Spawn<&Block>(0);
  g->started.WaitAtLeast(1);
  core::CancellationSource source;
  TaskSpec spec;
  spec.cancellation = source.token();
  RemoteTask<int> t = cluster_->Submit<&Count>(7, spec);
  EXPECT_EQ(cluster_->Describe(t.handle).state, TaskState::kQueued);
  source.RequestCancellation();
  absl::Status s = std::move(t.future).Get().status();
  EXPECT_TRUE(absl::IsCancelled(s)) << s;
  EXPECT_EQ(cluster_->Describe(t.handle).state, TaskState::kCancelled);
  g->gate.Notify();
  EXPECT_TRUE(std::move(blocker).Get().ok());
  EXPECT_EQ(g->runs.value(), 1);
  EXPECT_EQ(cluster_->Load(0).queued(), 0u);
}

TEST_F(ClusterFailureTest, CancellingARunningTaskFiresItsToken) {
  Start(1);
  core::CancellationSource source;
  TaskSpec spec;
  spec.cancellation = source.token();
  RemoteTask<int> t = cluster_->Submit<&WaitForCancel>(spec);
  g->started.WaitAtLeast(1);
  EXPECT_EQ(cluster_->Describe(t.handle).state, TaskState::kRunning);
  source.RequestCancellation();
  absl::Status s = std::move(t.future).Get().status();
  EXPECT_TRUE(absl::IsCancelled(s)) << s;
  EXPECT_TRUE(g->cancel_seen.IsSet());
}

TEST_F(ClusterFailureTest, AlreadyCancelledTokenNeverPlaces) {
  Start(1);
  core::CancellationSource source;
  source.RequestCancellation();
  TaskSpec spec;
  spec.cancellation = source.token();
  EXPECT_TRUE(
      absl::IsCancelled(cluster_->Spawn<&Count>(1, spec).Get().status()));
  EXPECT_EQ(g->runs.value(), 0);
}

TEST_F(ClusterFailureTest, CriticalEvictsLowAndOvertakesIt) {
  ClusterOptions o;
  o.admission_capacity = 2;
  o.placement.max_hops = 0;  // one node: a refusal is final
  Start(1, o);
  core::Future<int> blocker = cluster_->Spawn<&Block>(0);
  g->started.WaitAtLeast(1);
  TaskSpec low, critical;
  low.priority = core::Priority::kLow;
  critical.priority = core::Priority::kCritical;
  core::Future<int> a = cluster_->Spawn<&Record>(1, low);
  RemoteTask<int> b = cluster_->Submit<&Record>(2, low);
  // Full: another low one is refused at once.
  absl::Status refused = cluster_->Spawn<&Record>(3, low).Get().status();
  EXPECT_TRUE(absl::IsResourceExhausted(refused)) << refused;
  // A critical one evicts the newest low one (b), which nobody else takes.
  core::Future<int> d = cluster_->Spawn<&Record>(4, critical);
  absl::Status evicted = std::move(b.future).Get().status();
  EXPECT_TRUE(absl::IsResourceExhausted(evicted)) << evicted;
  EXPECT_NE(evicted.message().find("evicted"), std::string::npos) << evicted;
  EXPECT_EQ(cluster_->Describe(b.handle).state, TaskState::kFailed);
  g->gate.Notify();
  EXPECT_EQ(*std::move(d).Get(), 4);
  EXPECT_EQ(*std::move(a).Get(), 1);
  EXPECT_TRUE(std::move(blocker).Get().ok());
  std::lock_guard<std::mutex> lock(g->mu);
  EXPECT_EQ(g->order, (std::vector<int>{4, 1}));  // critical first
}

TEST_F(ClusterFailureTest, RefusedTaskSpillsBackToAnotherNode) {
  ClusterOptions o;
  o.admission_capacity = 1;
  Start(2, o);
  core::Future<int> blocker = cluster_->Spawn<&Block>(0, On("node-0"));
  g->started.WaitAtLeast(1);
  core::Future<int> queued = cluster_->Spawn<&Count>(1, On("node-0"));  // fills
  // Prefers node-0, which is full: it spills to node-1.
  RemoteTask<int> t = cluster_->Submit<&Count>(2, On("node-0", false));
  EXPECT_EQ(*std::move(t.future).Get(), 2);
  TaskInfo info = cluster_->Describe(t.handle);
  ASSERT_EQ(info.history.size(), 2u);
  EXPECT_EQ(info.history[0].node, "node-0");
  EXPECT_EQ(info.history[1].node, "node-1");
  EXPECT_EQ(info.attempts, 1);  // it never started on node-0
  g->gate.Notify();
  EXPECT_TRUE(std::move(queued).Get().ok());
}

TEST_F(ClusterFailureTest, NonIdempotentTaskOnADeadNodeIsLost) {
  Start(2);
  RemoteTask<int> t = cluster_->Submit<&Block>(5, On("node-1"));
  g->started.WaitAtLeast(1);
  core::Future<int> queued = cluster_->Spawn<&Count>(6, On("node-1"));
  ASSERT_TRUE(cluster_->MarkDead("node-1").ok());
  absl::Status s = std::move(t.future).Get().status();
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_EQ(LostNode(s), "node-1");
  EXPECT_NE(s.message().find("not idempotent"), std::string::npos) << s;
  EXPECT_EQ(cluster_->Describe(t.handle).state, TaskState::kLost);
  // The queued one is lost too (the caller cannot know it never ran).
  EXPECT_EQ(LostNode(std::move(queued).Get().status()), "node-1");
  // The dead node's late result is not delivered; nothing ran twice.
  g->gate.Notify();
  g->runs.WaitAtLeast(1);
  EXPECT_EQ(LostNode(absl::OkStatus()), std::nullopt);
  // New work goes to the live node.
  RemoteTask<int> after = cluster_->Submit<&Count>(1);
  EXPECT_EQ(*std::move(after.future).Get(), 1);
  EXPECT_EQ(cluster_->Describe(after.handle).history[0].node, "node-0");
}

TEST_F(ClusterFailureTest, IdempotentTaskRetriesOnAnotherNode) {
  Start(2);
  TaskSpec spec = On("node-1", /*required=*/false);
  spec.idempotency_key = "job-1";
  RemoteTask<int> t = cluster_->Submit<&Block>(9, spec);
  g->started.WaitAtLeast(1);
  ASSERT_TRUE(cluster_->MarkDead("node-1").ok());
  g->started.WaitAtLeast(2);  // the retry started on node-0
  g->gate.Notify();
  EXPECT_EQ(*std::move(t.future).Get(), 9);
  TaskInfo info = cluster_->Describe(t.handle);
  EXPECT_EQ(info.state, TaskState::kSucceeded);
  EXPECT_EQ(info.attempts, 2);
  ASSERT_EQ(info.history.size(), 2u);
  EXPECT_EQ(info.history[0].node, "node-1");
  EXPECT_EQ(info.history[0].last_state, TaskState::kRunning);
  EXPECT_EQ(info.history[1].node, "node-0");
  EXPECT_EQ(cluster_->retries(), 1);
}

TEST_F(ClusterFailureTest, RetriesStopAtMaxAttemptsAndBudget) {
  ClusterOptions o;
  o.retry_budget_initial = 1;
  o.retry_budget_ratio = 0;
  Start(3, o);
  TaskSpec once = On("node-2", false);
  once.idempotency_key = "a";
  once.retry.max_attempts = 1;
  RemoteTask<int> t = cluster_->Submit<&Block>(1, once);
  TaskSpec twice = On("node-2", false);
  twice.idempotency_key = "b";
  RemoteTask<int> u = cluster_->Submit<&Count>(2, twice);  // queued on node-2
  g->started.WaitAtLeast(1);
  ASSERT_TRUE(cluster_->MarkDead("node-2").ok());
  absl::Status s = std::move(t.future).Get().status();
  EXPECT_EQ(LostNode(s), "node-2");
  EXPECT_NE(s.message().find("no attempts left"), std::string::npos) << s;
  EXPECT_EQ(*std::move(u.future).Get(), 2);  // retried: the one budget token
  EXPECT_EQ(cluster_->retries(), 1);
  // The budget is spent: the next loss is final.
  RemoteTask<int> v = cluster_->Submit<&Block>(3, twice);
  g->started.WaitAtLeast(2);
  const std::string node = cluster_->Describe(v.handle).history[0].node;
  ASSERT_TRUE(cluster_->MarkDead(node).ok());
  s = std::move(v.future).Get().status();
  EXPECT_EQ(LostNode(s), node);
  EXPECT_NE(s.message().find("budget"), std::string::npos) << s;
}

TEST_F(ClusterFailureTest, IdempotencyKeyRunsOncePerNode) {
  Start(1);
  TaskSpec k;
  k.idempotency_key = "same";
  EXPECT_EQ(*cluster_->Spawn<&Count>(5, k).Get(), 5);
  EXPECT_EQ(*cluster_->Spawn<&Count>(5, k).Get(), 5);  // cached
  EXPECT_EQ(g->runs.value(), 1);
  TaskSpec other;
  other.idempotency_key = "other";
  EXPECT_EQ(*cluster_->Spawn<&Count>(6, other).Get(), 6);
  EXPECT_EQ(g->runs.value(), 2);
  EXPECT_EQ(*cluster_->Spawn<&Count>(6).Get(), 6);  // no key: runs
  EXPECT_EQ(g->runs.value(), 3);
}

TEST_F(ClusterFailureTest, ConcurrentDuplicateWaitsForTheFirst) {
  ClusterOptions o;
  o.workers_per_node = 2;
  Start(1, o);
  TaskSpec k;
  k.idempotency_key = "dup";
  core::Future<int> first = cluster_->Spawn<&Block>(3, k);
  g->started.WaitAtLeast(1);
  RemoteTask<int> second = cluster_->Submit<&Block>(3, k);
  WaitUntil([&] {
    return cluster_->Describe(second.handle).state == TaskState::kRunning;
  });
  g->gate.Notify();
  EXPECT_EQ(*std::move(first).Get(), 3);
  EXPECT_EQ(*std::move(second.future).Get(), 3);
  EXPECT_EQ(g->started.value(), 1);  // F ran once
}

TEST_F(ClusterFailureTest, ResultCacheIsBounded) {
  ClusterOptions o;
  o.result_cache_capacity = 1;
  Start(1, o);
  TaskSpec a, b;
  a.idempotency_key = "a";
  b.idempotency_key = "b";
  ASSERT_TRUE(cluster_->Spawn<&Count>(1, a).Get().ok());
  ASSERT_TRUE(cluster_->Spawn<&Count>(1, b).Get().ok());  // evicts "a"
  ASSERT_TRUE(cluster_->Spawn<&Count>(1, a).Get().ok());  // runs again
  EXPECT_EQ(g->runs.value(), 3);
}

}  // namespace
}  // namespace moirai::distributed
