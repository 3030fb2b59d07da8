// Copyright 2026 The Moirai Authors.
//
// rt/admission_controller_test.cc
// -----------------------------------------------------------------------------
//
// Incremental Admit/Remove on one and several cores, the rejection
// messages, and bad input.

#include "moirai/rt/admission_controller.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr Nanos kMs = kMillisecond;

TaskSpec Task(const char* name, Nanos c, Nanos t, Policy p = Policy::kEdf) {
  TaskSpec s = TaskSpec::Periodic(name, c * kMs, t * kMs);
  s.policy = p;
  return s;
}

AdmissionController Make(int cores, Policy policy,
                         Placement placement = Placement::kFirstFit) {
  absl::StatusOr<AdmissionController> c =
      AdmissionController::Create({cores, policy, placement});
  EXPECT_TRUE(c.ok()) << c.status();
  return *std::move(c);
}

TEST(AdmissionControllerTest, EdfAdmitsUpToFullUtilizationThenRefuses) {
  AdmissionController ac = Make(1, Policy::kEdf);
  absl::StatusOr<Admission> a = ac.Admit(Task("a", 2, 5));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->handle.core, 0);
  EXPECT_EQ(a->verdict.test, TestKind::kQpa);
  absl::StatusOr<Admission> b = ac.Admit(Task("b", 4, 7));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_NE(a->handle.id, b->handle.id);
  EXPECT_NEAR(ac.CoreUtilization(0), 0.4 + 4.0 / 7, 1e-12);

  const absl::StatusOr<Admission> c = ac.Admit(Task("c", 1, 10));
  ASSERT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(c.status().message(), HasSubstr("task 'c' not admitted"));
  EXPECT_THAT(c.status().message(), HasSubstr("U = "));
  EXPECT_THAT(c.status().message(), HasSubstr("> 1 (exact) under QPA"));
  EXPECT_EQ(ac.size(), 2u);  // a refusal changes nothing

  ASSERT_TRUE(ac.Remove(b->handle).ok());
  EXPECT_EQ(ac.size(), 1u);
  EXPECT_NEAR(ac.CoreUtilization(0), 0.4, 1e-12);
  absl::StatusOr<Admission> c2 = ac.Admit(Task("c", 1, 10));
  ASSERT_TRUE(c2.ok()) << c2.status();
  EXPECT_GT(c2->handle.id, b->handle.id);  // ids are never reused
  EXPECT_THAT(ac.TasksOnCore(0), SizeIs(2));
  EXPECT_EQ(ac.Find(c2->handle)->name, "c");
  EXPECT_EQ(ac.Find(b->handle), nullptr);
}

TEST(AdmissionControllerTest, RtaRefusalNamesTheMissingTask) {
  AdmissionController ac = Make(1, Policy::kRateMonotonic);
  ASSERT_TRUE(ac.Admit(Task("a", 2, 5, Policy::kRateMonotonic)).ok());
  const absl::StatusOr<Admission> ctl =
      ac.Admit(Task("ctl", 4, 7, Policy::kRateMonotonic));
  ASSERT_EQ(ctl.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ctl.status().message(),
            "task 'ctl' not admitted: task 'ctl' misses: R=8ms > D=7ms under "
            "RTA");
}

TEST(AdmissionControllerTest, ASliceOfALowerPriorityTaskCanBreakAnother) {
  // hi (C=2, T=4) is fine alone; lo's 3 ms non-preemptive slice blocks it:
  // R_hi = 3 + 2 = 5 > 4. The message names the task that would miss.
  AdmissionController ac = Make(1, Policy::kRateMonotonic);
  ASSERT_TRUE(ac.Admit(Task("hi", 2, 4, Policy::kRateMonotonic)).ok());
  TaskSpec lo = Task("lo", 5, 20, Policy::kRateMonotonic);
  lo.max_slice = 3 * kMs;
  const absl::StatusOr<Admission> r = ac.Admit(lo);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "task 'lo' not admitted: task 'hi' misses: R=5ms > D=4ms under "
            "RTA");
  lo.max_slice = 2 * kMs;  // R_hi = 4 = D_hi
  absl::StatusOr<Admission> ok = ac.Admit(lo);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->verdict.response_times[0], 4 * kMs);
  EXPECT_EQ(ok->verdict.blocking[0], 2 * kMs);
}

TEST(AdmissionControllerTest, FirstFitPacksLowCores) {
  AdmissionController ac = Make(2, Policy::kEdf);
  std::vector<int> cores;
  for (const char* name : {"a", "b", "c", "d"}) {
    absl::StatusOr<Admission> r = ac.Admit(Task(name, 4, 10));
    ASSERT_TRUE(r.ok()) << r.status();
    cores.push_back(r->handle.core);
  }
  EXPECT_EQ(cores, (std::vector<int>{0, 0, 1, 1}));
  const absl::StatusOr<Admission> e = ac.Admit(Task("e", 4, 10));
  ASSERT_EQ(e.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(e.status().message(),
              HasSubstr("task 'e' not admitted on any of 2 cores: core 0: "));
  EXPECT_THAT(e.status().message(), HasSubstr("; core 1: "));
}

TEST(AdmissionControllerTest, WorstFitSpreads) {
  AdmissionController ac = Make(3, Policy::kEdf, Placement::kWorstFit);
  std::vector<int> cores;
  for (const char* name : {"a", "b", "c", "d"}) {
    absl::StatusOr<Admission> r = ac.Admit(Task(name, 1, 10));
    ASSERT_TRUE(r.ok()) << r.status();
    cores.push_back(r->handle.core);
  }
  EXPECT_EQ(cores, (std::vector<int>{0, 1, 2, 0}));
}

TEST(AdmissionControllerTest, FifoAndRoundRobinShareExplicitPriorities) {
  AdmissionController ac = Make(1, Policy::kFifo);
  TaskSpec hi = Task("hi", 1, 4, Policy::kFifo);
  hi.priority = 0;
  TaskSpec rr = Task("rr", 1, 8, Policy::kRoundRobin);
  rr.priority = 3;
  ASSERT_TRUE(ac.Admit(hi).ok());
  absl::StatusOr<Admission> r = ac.Admit(rr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->verdict.response_times[1], 2 * kMs);
}

TEST(AdmissionControllerTest, BadInput) {
  EXPECT_EQ(AdmissionController::Create({0, Policy::kEdf}).status().code(),
            absl::StatusCode::kInvalidArgument);
  AdmissionController ac = Make(1, Policy::kEdf);
  // Invalid spec.
  absl::StatusOr<Admission> r = ac.Admit(Task("neg", 0, 10));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("task 'neg': wcet"));
  // Policy mismatch.
  r = ac.Admit(Task("rm", 1, 10, Policy::kRateMonotonic));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "task 'rm' asks for policy RM but this controller schedules EDF");
  // Duplicate name.
  ASSERT_TRUE(ac.Admit(Task("x", 1, 10)).ok());
  r = ac.Admit(Task("x", 1, 20));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kAlreadyExists);
  // Unknown handles.
  EXPECT_EQ(ac.Remove({12345, 0}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ac.Remove({1, 7}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ac.size(), 1u);
  EXPECT_TRUE(ac.TasksOnCore(5).empty());
  EXPECT_EQ(ac.CoreUtilization(-1), 0);
}

TEST(AdmissionControllerTest, RemoveTwiceIsNotFound) {
  AdmissionController ac = Make(1, Policy::kDeadlineMonotonic);
  absl::StatusOr<Admission> r =
      ac.Admit(Task("a", 1, 10, Policy::kDeadlineMonotonic));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(ac.Remove(r->handle).ok());
  EXPECT_EQ(ac.Remove(r->handle).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ac.size(), 0u);
}

TEST(AdmissionControllerTest, ManyAdmitRemoveCyclesKeepTheBookkeeping) {
  AdmissionController ac = Make(2, Policy::kEdf, Placement::kWorstFit);
  std::vector<TaskHandle> live;
  for (int round = 0; round < 200; ++round) {
    const std::string name = "t" + std::to_string(round);
    absl::StatusOr<Admission> r =
        ac.Admit(TaskSpec::Periodic(name, (1 + round % 3) * kMs, 10 * kMs));
    if (r.ok()) live.push_back(r->handle);
    if (live.size() > 5) {
      ASSERT_TRUE(ac.Remove(live.front()).ok());
      live.erase(live.begin());
    }
    for (int c = 0; c < ac.cores(); ++c) {
      double u = 0;
      for (const TaskSpec& t : ac.TasksOnCore(c)) u += Utilization(t);
      EXPECT_NEAR(ac.CoreUtilization(c), u, 1e-9);
      EXPECT_LE(u, 1.0 + 1e-12);
    }
    EXPECT_EQ(ac.size(), live.size());
  }
}

}  // namespace
}  // namespace moirai::rt
