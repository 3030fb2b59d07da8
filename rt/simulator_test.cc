// Copyright 2026 The Moirai Authors.
//
// rt/simulator_test.cc
// -----------------------------------------------------------------------------
//
// Simulate() on hand-built sets: exact counters, the miss causes
// (interference, not admitted, overrun, blocking), sporadic arrivals,
// determinism, and bad input.

#include "moirai/rt/simulator.h"

#include <cstdio>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "moirai/rt/core_dispatcher.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {
namespace {

constexpr Nanos kMs = kMillisecond;

SimTask Task(TaskSpec spec, int core = 0) {
  SimTask t;
  t.spec = std::move(spec);
  t.core = core;
  return t;
}

SimOptions Horizon(Nanos h) {
  SimOptions o;
  o.horizon = h;
  return o;
}

TEST(SimulatorTest, EdfAtFullUtilizationMeetsEveryDeadline) {
  // U = 2/5 + 3/10 + 3/10 = 1: schedulable by EDF, not by RM.
  const std::vector<SimTask> set = {
      Task(TaskSpec::Periodic("a", 2 * kMs, 5 * kMs)),
      Task(TaskSpec::Periodic("b", 3 * kMs, 10 * kMs)),
      Task(TaskSpec::Periodic("c", 3 * kMs, 10 * kMs))};
  absl::StatusOr<SimResult> r = Simulate(set, Horizon(100 * kMs));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total_missed(), 0) << r->Format();
  EXPECT_EQ(r->Find("a")->released, 20);
  EXPECT_EQ(r->Find("b")->completed, 10);
  EXPECT_EQ(r->cores[0].busy_time, 100 * kMs);  // no idle time at U = 1
  EXPECT_EQ(r->end_time, 100 * kMs);
  // The same run again gives the same numbers (deterministic).
  absl::StatusOr<SimResult> again = Simulate(set, Horizon(100 * kMs));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Format(), r->Format());
}

// The README's example: "log" runs 3x its WCET on every other job.
TEST(SimulatorTest, ReadmeExample) {
  std::vector<SimTask> set(2);
  set[0].spec = TaskSpec::Periodic("ctl", 2 * kMs, 5 * kMs);
  set[1].spec = TaskSpec::Periodic("log", 3 * kMs, 10 * kMs);
  set[1].exec_times = {3 * kMs, 9 * kMs};
  SimOptions options;
  options.horizon = 100 * kMs;
  absl::StatusOr<SimResult> r = Simulate(set, options);
  ASSERT_TRUE(r.ok()) << r.status();
  std::printf("%s", r->Format().c_str());
  EXPECT_EQ(r->Find("ctl")->missed, 0);
  const TaskStats* log = r->Find("log");
  // log needs 0.6 of the core and is budgeted 0.3: its backlog grows
  // (one release dropped at max_pending_jobs = 4), ctl does not notice.
  EXPECT_EQ(log->overruns, 4);
  EXPECT_EQ(log->released, 9);
  EXPECT_EQ(log->dropped, 1);
  EXPECT_EQ(log->missed, 9);  // 8 late, 1 dropped; job 0 was on time
  EXPECT_EQ(log->misses(MissCause::kOverrun), log->missed);
}

TEST(SimulatorTest, NotAdmittedSetMissesWithThatCause) {
  SimOptions o = Horizon(100 * kMs);
  o.dispatcher.admission = AdmissionMode::kNone;
  const std::vector<SimTask> set = {
      Task(TaskSpec::Periodic("a", 6 * kMs, 10 * kMs)),
      Task(TaskSpec::Periodic("b", 6 * kMs, 10 * kMs))};
  absl::StatusOr<SimResult> r = Simulate(set, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->cores[0].admitted);
  EXPECT_GT(r->total_missed(), 0);
  for (const TaskStats& t : r->cores[0].tasks) {
    EXPECT_EQ(t.misses(MissCause::kNotAdmitted), t.missed) << r->Format();
  }
  // The same set is refused with admission on.
  o.dispatcher.admission = AdmissionMode::kExact;
  EXPECT_EQ(Simulate(set, o).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(SimulatorTest, PlatformInterferenceIsTheCause) {
  SimOptions o = Horizon(10 * kMs);
  o.stalls = {{{1 * kMs, 2 * kMs}}};  // 2 ms stolen at 1 ms
  const std::vector<SimTask> set = {
      Task(TaskSpec::Periodic("a", 2 * kMs, 10 * kMs)),
      Task(TaskSpec::Periodic("b", 7 * kMs, 10 * kMs, 10 * kMs))};
  absl::StatusOr<SimResult> r = Simulate(set, o);
  ASSERT_TRUE(r.ok()) << r.status();
  const TaskStats* b = r->Find("b");
  EXPECT_EQ(b->missed, 1) << r->Format();
  EXPECT_EQ(b->misses(MissCause::kInterference), 1);
  EXPECT_EQ(b->max_lateness, 1 * kMs);
  EXPECT_EQ(r->cores[0].interference_time, 2 * kMs);
  EXPECT_EQ(r->Find("a")->interference_time, 2 * kMs);
}

TEST(SimulatorTest, OverrunnerIsThrottledAndOthersKeepTheirDeadlines) {
  SimTask hog = Task(TaskSpec::Periodic("hog", 2 * kMs, 10 * kMs));
  hog.exec_times = {8 * kMs};  // 4x its WCET, every job
  const std::vector<SimTask> set = {
      hog, Task(TaskSpec::Periodic("ctl", 5 * kMs, 10 * kMs))};
  absl::StatusOr<SimResult> r = Simulate(set, Horizon(100 * kMs));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->Find("ctl")->missed, 0) << r->Format();
  const TaskStats* h = r->Find("hog");
  EXPECT_GT(h->missed, 0);
  EXPECT_EQ(h->misses(MissCause::kOverrun), h->missed);
  EXPECT_GT(h->throttles, 0);
  // Without budgets the hog's overrun makes ctl miss too.
  SimOptions o = Horizon(100 * kMs);
  o.dispatcher.budgets = false;
  r = Simulate(set, o);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->Find("ctl")->missed, 0) << r->Format();
  EXPECT_EQ(r->Find("ctl")->misses(MissCause::kOverrun),
            r->Find("ctl")->missed);
}

TEST(SimulatorTest, AbortedJobsCountAsOverrunMisses) {
  SimTask hog = Task(TaskSpec::Periodic("hog", 2 * kMs, 10 * kMs));
  hog.exec_times = {5 * kMs, 1 * kMs};
  hog.options.on_overrun = OverrunAction::kAbortJob;
  absl::StatusOr<SimResult> r = Simulate({hog}, Horizon(100 * kMs));
  ASSERT_TRUE(r.ok()) << r.status();
  const TaskStats* h = r->Find("hog");
  EXPECT_EQ(h->released, 10);
  EXPECT_EQ(h->aborted, 5);
  EXPECT_EQ(h->completed, 5);
  EXPECT_EQ(h->missed, 5);
  EXPECT_EQ(h->exec_max, 1 * kMs);
}

TEST(SimulatorTest, SporadicArrivalsPreemptAndAreChecked) {
  SimTask irq = Task(TaskSpec::Sporadic("irq", 1 * kMs, 10 * kMs, 2 * kMs));
  irq.arrivals = {3 * kMs, 15 * kMs, 40 * kMs};
  const std::vector<SimTask> set = {
      irq, Task(TaskSpec::Periodic("bg", 8 * kMs, 20 * kMs))};
  absl::StatusOr<SimResult> r = Simulate(set, Horizon(60 * kMs));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->Find("irq")->released, 3);
  EXPECT_EQ(r->Find("irq")->response.max(), 1 * kMs);  // preempts bg at once
  EXPECT_EQ(r->total_missed(), 0);
  irq.arrivals = {3 * kMs, 5 * kMs};  // 2 ms apart, T = 10 ms
  absl::Status s = Simulate({irq}, Horizon(60 * kMs)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("core 0"), std::string::npos);
}

TEST(SimulatorTest, TwoPartitionedCores) {
  const std::vector<SimTask> set = {
      Task(TaskSpec::Periodic("a", 9 * kMs, 10 * kMs), 0),
      Task(TaskSpec::Periodic("b", 9 * kMs, 10 * kMs), 1)};
  SimOptions o = Horizon(50 * kMs);
  o.cores = 2;
  absl::StatusOr<SimResult> r = Simulate(set, o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->cores.size(), 2u);
  EXPECT_EQ(r->total_missed(), 0);
  EXPECT_EQ(r->cores[1].tasks[0].name, "b");
}

TEST(SimulatorTest, BadInput) {
  const SimTask ok = Task(TaskSpec::Periodic("a", 1 * kMs, 10 * kMs));
  SimOptions o = Horizon(10 * kMs);
  o.cores = 0;
  EXPECT_EQ(Simulate({ok}, o).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Simulate({ok}, Horizon(0)).status().code(),
            absl::StatusCode::kInvalidArgument);
  SimTask bad = ok;
  bad.core = 1;
  EXPECT_EQ(Simulate({bad}, Horizon(10)).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad = ok;
  bad.exec_times = {0};
  EXPECT_EQ(Simulate({bad}, Horizon(10)).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad = ok;
  bad.arrivals = {5, 1};
  EXPECT_EQ(Simulate({bad}, Horizon(10)).status().code(),
            absl::StatusCode::kInvalidArgument);
  o = Horizon(10);
  o.stalls = {{{5, 1}, {1, 1}}};
  EXPECT_EQ(Simulate({ok}, o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o = Horizon(10);
  o.max_slices = 0;
  EXPECT_EQ(Simulate({ok}, o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o = Horizon(100 * kMs);
  o.max_slices = 3;
  EXPECT_EQ(Simulate({ok}, o).status().code(),
            absl::StatusCode::kResourceExhausted);
  bad = ok;
  bad.spec.wcet = 0;  // the dispatcher's Validate()
  EXPECT_EQ(Simulate({bad}, Horizon(10)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moirai::rt
