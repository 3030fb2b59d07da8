// Copyright 2026 The Moirai Authors.
//
// rt/core_dispatcher_test.cc
// -----------------------------------------------------------------------------
//
// CoreDispatcher driven by hand on a VirtualClock: pick order per policy,
// grants and preemption points, the CBS budget and every overrun action,
// catch-up of late releases, sporadic releases, removal, and bad input.

#include "moirai/rt/core_dispatcher.h"

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "moirai/rt/clock.h"
#include "moirai/rt/dispatch_stats.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {
namespace {

constexpr Nanos kMs = kMillisecond;

class DispatcherTest : public ::testing::Test {
 protected:
  void Make(DispatcherOptions o) {
    auto d = CoreDispatcher::Create(o, &clock_);
    ASSERT_TRUE(d.ok()) << d.status();
    d_ = *std::move(d);
  }
  TaskId Add(const TaskSpec& spec, TaskOptions o = {}) {
    absl::StatusOr<TaskId> id = d_->AddTask(spec, o);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : TaskId{};
  }
  Slice Next() {
    absl::StatusOr<Slice> s = d_->Next();
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : Slice{};
  }
  // Runs the next slice for `cpu` (or its whole grant) and reports it.
  ReportOutcome Run(Nanos cpu, bool finished) {
    (void)clock_.Advance(cpu);
    absl::StatusOr<ReportOutcome> r = d_->Report({cpu, finished});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : ReportOutcome{};
  }

  VirtualClock clock_;
  std::unique_ptr<CoreDispatcher> d_;
};

TEST_F(DispatcherTest, EdfPicksEarliestDeadlineAndPreemptsAtReleases) {
  Make({});
  const TaskId a = Add(TaskSpec::Periodic("a", 4 * kMs, 20 * kMs));
  const TaskId b = Add(TaskSpec::Periodic("b", 2 * kMs, 10 * kMs));
  Slice s = Next();  // both released at 0; b's deadline is earlier
  EXPECT_EQ(s.task, b);
  EXPECT_EQ(s.deadline, 10 * kMs);
  EXPECT_EQ(s.grant, 2 * kMs);  // the WCET: an overrun is seen at once
  Run(2 * kMs, true);
  s = Next();
  EXPECT_EQ(s.task, a);
  EXPECT_EQ(s.grant, 4 * kMs);
  Run(4 * kMs, true);
  s = Next();  // idle until b's next release
  EXPECT_FALSE(s.has_job());
  EXPECT_EQ(s.next_event, 10 * kMs);
  DispatcherStats st = d_->Stats();
  EXPECT_EQ(st.total_missed(), 0);
  EXPECT_EQ(st.Find("a")->completed, 1);
  EXPECT_EQ(st.Find("a")->response.max(), 6 * kMs);
  EXPECT_EQ(st.Find("b")->exec_max, 2 * kMs);
}

TEST_F(DispatcherTest, PreemptiveGrantEndsAtTheNextRelease) {
  Make({});
  Add(TaskSpec::Periodic("long", 8 * kMs, 20 * kMs));
  TaskOptions later;
  later.start = 3 * kMs;
  const TaskId b = Add(TaskSpec::Periodic("short", 1 * kMs, 5 * kMs), later);
  Slice s = Next();
  EXPECT_EQ(s.grant, 3 * kMs);  // b arrives at 3 ms
  EXPECT_FALSE(s.non_preemptive);
  Run(3 * kMs, false);
  s = Next();
  EXPECT_EQ(s.task, b);
  Run(1 * kMs, true);
  EXPECT_EQ(d_->Stats().preemptions, 1);
}

TEST_F(DispatcherTest, NonPreemptiveSliceIsGrantedAndCountsAsBlocking) {
  Make({});
  TaskSpec lo = TaskSpec::Periodic("lo", 6 * kMs, 30 * kMs);
  lo.max_slice = 3 * kMs;
  Add(lo);
  TaskOptions later;
  later.start = 1 * kMs;
  const TaskId hi = Add(TaskSpec::Periodic("hi", 1 * kMs, 5 * kMs), later);
  Slice s = Next();
  EXPECT_TRUE(s.non_preemptive);
  EXPECT_EQ(s.grant, 3 * kMs);
  Run(3 * kMs, false);  // hi arrived at 1 ms and waited 2 ms
  s = Next();
  EXPECT_EQ(s.task, hi);
  Run(1 * kMs, true);
  EXPECT_EQ(d_->Stats().Find("hi")->blocked_time, 2 * kMs);
}

// A slice that runs past its grant (a missing yield point) delays a more
// urgent job: the slice overrun is counted for the blocker, and the
// victim's miss is tagged kBlocking.
TEST_F(DispatcherTest, SliceOverrunIsBlocking) {
  Make({});
  TaskSpec lo = TaskSpec::Periodic("lo", 10 * kMs, 100 * kMs);
  lo.max_slice = 1 * kMs;
  Add(lo);
  TaskOptions later;
  later.start = 1 * kMs;
  Add(TaskSpec::Periodic("hi", 1 * kMs, 10 * kMs, 5 * kMs), later);
  Slice s = Next();
  EXPECT_EQ(s.grant, 1 * kMs);
  Run(6 * kMs, false);  // 5 ms past the grant
  s = Next();
  Run(1 * kMs, true);  // hi: arrived 1 ms, deadline 6 ms, done at 7 ms
  DispatcherStats st = d_->Stats();
  EXPECT_EQ(st.Find("lo")->slice_overruns, 1);
  EXPECT_EQ(st.Find("hi")->blocked_time, 5 * kMs);
  EXPECT_EQ(st.Find("hi")->misses(MissCause::kBlocking), 1);
  EXPECT_NE(FormatStats(st).find("blocking=1"), std::string::npos)
      << FormatStats(st);
}

TEST_F(DispatcherTest, RateMonotonicAndRoundRobin) {
  Make({.policy = Policy::kRateMonotonic});
  const TaskId slow = Add([] {
    TaskSpec t = TaskSpec::Periodic("slow", 1 * kMs, 50 * kMs);
    t.policy = Policy::kRateMonotonic;
    return t;
  }());
  const TaskId fast = Add([] {
    TaskSpec t = TaskSpec::Periodic("fast", 1 * kMs, 10 * kMs);
    t.policy = Policy::kRateMonotonic;
    return t;
  }());
  EXPECT_EQ(Next().task, fast);
  Run(1 * kMs, true);
  EXPECT_EQ(Next().task, slow);
  Run(1 * kMs, true);

  VirtualClock c2;
  auto rr = CoreDispatcher::Create(
      {.policy = Policy::kRoundRobin, .rr_quantum = 1 * kMs}, &c2);
  ASSERT_TRUE(rr.ok());
  TaskSpec x = TaskSpec::Periodic("x", 3 * kMs, 10 * kMs);
  x.policy = Policy::kRoundRobin;
  TaskSpec y = x;
  y.name = "y";
  const TaskId ix = *(*rr)->AddTask(x);
  const TaskId iy = *(*rr)->AddTask(y);
  // Equal priorities: x, y, x, y, ... one quantum each.
  for (int i = 0; i < 6; ++i) {
    absl::StatusOr<Slice> s = (*rr)->Next();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->task, i % 2 == 0 ? ix : iy) << i;
    EXPECT_EQ(s->grant, 1 * kMs);
    (void)c2.Advance(1 * kMs);
    ASSERT_TRUE((*rr)->Report({1 * kMs, i >= 4}).ok());
  }
  EXPECT_EQ((*rr)->Stats().total_missed(), 0);
}

TEST_F(DispatcherTest, BudgetThrottlesAnOverrunUntilTheNextPeriod) {
  Make({});
  const TaskId hog = Add(TaskSpec::Periodic("hog", 2 * kMs, 10 * kMs));
  Slice s = Next();
  EXPECT_EQ(s.grant, 2 * kMs);
  ReportOutcome o = Run(2 * kMs, false);  // needs more than its WCET
  EXPECT_TRUE(o.overrun);
  EXPECT_TRUE(o.throttled);
  s = Next();
  EXPECT_FALSE(s.has_job());
  EXPECT_EQ(s.next_event, 10 * kMs);  // the replenishment
  (void)clock_.Set(10 * kMs);
  s = Next();  // the postponed server: old job, deadline +T in the queue
  EXPECT_EQ(s.task, hog);
  EXPECT_EQ(s.job, 0);
  Run(1 * kMs, true);  // late: deadline 10 ms, done at 11 ms
  const DispatcherStats snap = d_->Stats();
  const TaskStats* st = snap.Find("hog");
  EXPECT_EQ(st->overruns, 1);
  EXPECT_EQ(st->throttles, 1);
  EXPECT_EQ(st->misses(MissCause::kOverrun), 1);
}

TEST_F(DispatcherTest, OverrunActions) {
  Make({});
  TaskOptions abort;
  abort.on_overrun = OverrunAction::kAbortJob;
  const TaskId a = Add(TaskSpec::Periodic("a", 1 * kMs, 10 * kMs), abort);
  Slice s = Next();
  ASSERT_EQ(s.task, a);
  EXPECT_FALSE(s.token.IsCancellationRequested());
  ReportOutcome o = Run(1 * kMs, false);
  EXPECT_TRUE(o.aborted);
  EXPECT_TRUE(s.token.IsCancellationRequested());
  const DispatcherStats snap = d_->Stats();
  const TaskStats* st = snap.Find("a");
  EXPECT_EQ(st->aborted, 1);
  EXPECT_EQ(st->misses(MissCause::kOverrun), 1);
  (void)clock_.Set(10 * kMs);
  s = Next();
  EXPECT_EQ(s.job, 1);
  EXPECT_FALSE(s.token.IsCancellationRequested());  // a fresh token
  Run(1 * kMs, true);

  TaskOptions demote;
  demote.on_overrun = OverrunAction::kDemote;
  TaskOptions skip;
  skip.on_overrun = OverrunAction::kSkipNextRelease;
  const TaskId dm = Add(TaskSpec::Periodic("dm", 1 * kMs, 10 * kMs), demote);
  const TaskId sk = Add(TaskSpec::Periodic("sk", 1 * kMs, 20 * kMs), skip);
  s = Next();
  ASSERT_EQ(s.task, dm);
  EXPECT_TRUE(Run(1 * kMs, false).demoted);
  s = Next();  // sk (RT) goes before the demoted job
  ASSERT_EQ(s.task, sk);
  EXPECT_TRUE(Run(1 * kMs, false).throttled);
  s = Next();
  ASSERT_EQ(s.task, dm);
  EXPECT_TRUE(s.best_effort);
  Run(2 * kMs, true);          // dm done at 15 ms, before its deadline 21 ms
  (void)clock_.Set(31 * kMs);  // sk replenished at 31; its release skipped
  (void)Next();
  DispatcherStats all = d_->Stats();
  EXPECT_EQ(all.Find("sk")->skipped, 1);
  EXPECT_EQ(all.Find("sk")->released, 1);
  EXPECT_EQ(all.Find("dm")->demoted, 1);
  EXPECT_EQ(all.Find("dm")->completed, 1);
  EXPECT_EQ(all.Find("dm")->missed, 0);
}

TEST_F(DispatcherTest, LateCallerCatchesUpAndDropsPastTheBacklog) {
  Make({.max_pending_jobs = 2});
  Add(TaskSpec::Periodic("p", 1 * kMs, 10 * kMs));
  (void)clock_.Set(1000 * kMs);  // 101 releases are due
  Slice s = Next();
  EXPECT_EQ(s.job, 0);
  EXPECT_EQ(s.arrival, 0);
  const DispatcherStats snap = d_->Stats();
  const TaskStats* st = snap.Find("p");
  EXPECT_EQ(st->released, 2);
  EXPECT_EQ(st->dropped, 99);
  EXPECT_EQ(st->missed, 99);
  Run(1 * kMs, true);
  EXPECT_EQ(d_->Stats().Find("p")->missed, 100);  // and job 0 was late
}

TEST_F(DispatcherTest, SporadicReleases) {
  Make({});
  const TaskId s = Add(TaskSpec::Sporadic("irq", 1 * kMs, 10 * kMs, 5 * kMs));
  const TaskId p = Add(TaskSpec::Periodic("p", 1 * kMs, 10 * kMs));
  (void)clock_.Set(3 * kMs);
  EXPECT_TRUE(d_->Release(s).ok());
  EXPECT_EQ(d_->Release(s, 12 * kMs).code(),
            absl::StatusCode::kInvalidArgument);
  (void)clock_.Set(12 * kMs);
  EXPECT_EQ(d_->Release(s, 10 * kMs).code(),
            absl::StatusCode::kFailedPrecondition);  // 7 ms < T
  EXPECT_EQ(d_->Release(s).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(d_->Release(s, 1 * kMs).code(),
            absl::StatusCode::kFailedPrecondition);  // before the previous
  (void)clock_.Set(13 * kMs);
  EXPECT_TRUE(d_->Release(s).ok());
  EXPECT_EQ(d_->Release(p).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(d_->Release(TaskId{}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(d_->Stats().Find("irq")->released, 2);
}

TEST_F(DispatcherTest, BadInput) {
  EXPECT_EQ(CoreDispatcher::Create({}, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(CoreDispatcher::Create({.max_tasks = 0}, &clock_).ok());
  EXPECT_FALSE(CoreDispatcher::Create({.max_tasks = 5000}, &clock_).ok());
  EXPECT_FALSE(CoreDispatcher::Create({.max_pending_jobs = 0}, &clock_).ok());
  EXPECT_FALSE(
      CoreDispatcher::Create({.policy = Policy::kRoundRobin}, &clock_).ok());
  Make({.max_tasks = 2});
  EXPECT_EQ(d_->AddTask(TaskSpec::Periodic("z", 0, 10)).status().code(),
            absl::StatusCode::kInvalidArgument);
  TaskSpec rm = TaskSpec::Periodic("rm", 1, 10);
  rm.policy = Policy::kRateMonotonic;
  EXPECT_EQ(d_->AddTask(rm).status().code(),
            absl::StatusCode::kInvalidArgument);
  const TaskId a = Add(TaskSpec::Periodic("a", 6 * kMs, 10 * kMs));
  EXPECT_EQ(d_->AddTask(TaskSpec::Periodic("a", 1, 10)).status().code(),
            absl::StatusCode::kAlreadyExists);
  absl::StatusOr<TaskId> over =
      d_->AddTask(TaskSpec::Periodic("b", 5 * kMs, 10 * kMs));
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(over.status().message().find("not admitted"), std::string::npos);
  (void)clock_.Set(5);
  TaskOptions past;
  past.start = 1;
  EXPECT_EQ(d_->AddTask(TaskSpec::Periodic("c", 1, 10), past).status().code(),
            absl::StatusCode::kInvalidArgument);
  TaskOptions far;
  far.start = kNever - 1;
  EXPECT_EQ(d_->AddTask(TaskSpec::Periodic("c", 1, 10), far).status().code(),
            absl::StatusCode::kInvalidArgument);
  Add(TaskSpec::Periodic("d", 1, 10 * kMs));
  EXPECT_EQ(d_->AddTask(TaskSpec::Periodic("e", 1, 10 * kMs)).status().code(),
            absl::StatusCode::kResourceExhausted);  // slots full

  EXPECT_EQ(d_->Report({}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  Slice s = Next();
  EXPECT_EQ(d_->Next().status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(d_->RemoveTask(s.task).status().code(),
            absl::StatusCode::kFailedPrecondition);  // in flight
  EXPECT_EQ(d_->Report({-2, false}).status().code(),
            absl::StatusCode::kInvalidArgument);
  Run(1, false);
  EXPECT_EQ(d_->RemoveTask(a, RemoveMode::kFailIfPending).status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<TaskStats> gone = d_->RemoveTask(a);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->discarded, 1);
  EXPECT_EQ(d_->RemoveTask(a).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(d_->Release(a).code(), absl::StatusCode::kNotFound);
}

TEST(LogHistogramTest, QuantilesWithinOneBucket) {
  LogHistogram h;
  for (Nanos v = 1; v <= 1000; ++v) h.Record(v * 1000);
  EXPECT_EQ(h.count(), 1000);
  EXPECT_EQ(h.max(), 1000000);
  const Nanos p50 = h.Quantile(0.5);
  EXPECT_GE(p50, 500000);
  EXPECT_LE(p50, 625000);
  EXPECT_EQ(h.Quantile(1.0), 1000000);
  for (Nanos v : {Nanos{0}, Nanos{3}, Nanos{4}, Nanos{7}, Nanos{1} << 40,
                  (Nanos{1} << 62) + 5}) {
    const int b = LogHistogram::BucketOf(v);
    EXPECT_LE(v, LogHistogram::BucketUpperBound(b)) << v;
    if (b > 0) {
      EXPECT_GT(v, LogHistogram::BucketUpperBound(b - 1)) << v;
    }
  }
}

}  // namespace
}  // namespace moirai::rt
