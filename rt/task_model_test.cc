// Copyright 2026 The Moirai Authors.
//
// rt/task_model_test.cc
// -----------------------------------------------------------------------------
//
// TaskSpec validation (one case per rule, each message checked for the task
// and field it names) and TaskSet's utilization, density and hyperperiod.

#include "moirai/rt/task_model.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moirai::rt {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr Nanos kMs = kMillisecond;

TaskSpec Good() { return TaskSpec::Periodic("ctl", 2 * kMs, 10 * kMs); }

TEST(TaskSpecTest, FactoriesFillTheModel) {
  const TaskSpec p = TaskSpec::Periodic("a", 1, 5);
  EXPECT_EQ(p.deadline, 5);
  EXPECT_EQ(p.arrival, Arrival::kPeriodic);
  EXPECT_EQ(p.policy, Policy::kEdf);
  const TaskSpec c = TaskSpec::Periodic("b", 1, 5, 4);
  EXPECT_EQ(c.deadline, 4);
  const TaskSpec s = TaskSpec::Sporadic("c", 1, 5, 3);
  EXPECT_EQ(s.arrival, Arrival::kSporadic);
  EXPECT_EQ(s.period, 5);
  EXPECT_EQ(s.deadline, 3);
  EXPECT_TRUE(Validate(p).ok());
  EXPECT_TRUE(Validate(c).ok());
  EXPECT_TRUE(Validate(s).ok());
}

TEST(TaskSpecTest, NonPreemptiveLengthIsCappedByWcet) {
  TaskSpec t = Good();
  EXPECT_EQ(NonPreemptiveLength(t), 0);
  t.max_slice = kMs;
  EXPECT_EQ(NonPreemptiveLength(t), kMs);
  t.max_slice = 100 * kMs;  // longer than the job: the whole job
  EXPECT_EQ(NonPreemptiveLength(t), t.wcet);
}

struct BadCase {
  std::string what;
  std::function<void(TaskSpec&)> mutate;
  std::vector<std::string> message;  // substrings the message must contain
};

TEST(ValidateTest, RejectsEachBrokenRuleWithTaskAndField) {
  const std::vector<BadCase> cases = {
      {"empty name", [](TaskSpec& t) { t.name.clear(); }, {"name"}},
      {"zero period",
       [](TaskSpec& t) { t.period = 0; },
       {"'ctl'", "period", "> 0"}},
      {"negative period",
       [](TaskSpec& t) { t.period = -5; },
       {"'ctl'", "period", "-5ns"}},
      {"zero deadline",
       [](TaskSpec& t) { t.deadline = 0; },
       {"'ctl'", "deadline"}},
      {"zero wcet", [](TaskSpec& t) { t.wcet = 0; }, {"'ctl'", "wcet", "> 0"}},
      {"negative wcet", [](TaskSpec& t) { t.wcet = -1; }, {"'ctl'", "wcet"}},
      {"negative phase",
       [](TaskSpec& t) { t.phase = -1; },
       {"'ctl'", "phase", ">= 0"}},
      {"negative jitter",
       [](TaskSpec& t) { t.jitter = -1; },
       {"'ctl'", "jitter", ">= 0"}},
      {"negative slice",
       [](TaskSpec& t) { t.max_slice = -1; },
       {"'ctl'", "max_slice"}},
      {"negative blocking",
       [](TaskSpec& t) { t.blocking = -1; },
       {"'ctl'", "blocking"}},
      {"wcet > deadline",
       [](TaskSpec& t) { t.wcet = 11 * kMs; },
       {"'ctl'", "wcet 11ms exceeds deadline 10ms"}},
      {"jitter + wcet > deadline",
       [](TaskSpec& t) { t.jitter = 9 * kMs; },
       {"'ctl'", "jitter 9ms + wcet 2ms exceeds deadline 10ms"}},
      {"D > T under FP",
       [](TaskSpec& t) {
         t.policy = Policy::kRateMonotonic;
         t.deadline = 12 * kMs;
       },
       {"'ctl'", "deadline 12ms exceeds period 10ms", "RM", "D <= T"}},
      {"period near INT64_MAX",
       [](TaskSpec& t) { t.period = INT64_MAX - 1; },
       {"'ctl'", "period", "supported range"}},
      {"phase near INT64_MAX",
       [](TaskSpec& t) { t.phase = kMaxTaskTime + 1; },
       {"'ctl'", "phase", "supported range"}},
      {"huge deadline",
       [](TaskSpec& t) {
         t.deadline = INT64_MAX;
         t.period = INT64_MAX;
       },
       {"'ctl'", "supported range"}},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.what);
    TaskSpec t = Good();
    c.mutate(t);
    const absl::Status s = Validate(t);
    ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    for (const std::string& m : c.message) {
      EXPECT_THAT(s.message(), HasSubstr(m));
    }
  }
}

TEST(ValidateTest, AcceptsEdgeCases) {
  TaskSpec t = Good();
  t.wcet = t.deadline;  // C = D: tight but feasible
  EXPECT_TRUE(Validate(t).ok());
  t = Good();
  t.policy = Policy::kEdf;
  t.deadline = 25 * kMs;  // EDF takes arbitrary deadlines
  EXPECT_TRUE(Validate(t).ok());
  t = Good();
  t.period = kMaxTaskTime;
  t.deadline = kMaxTaskTime;
  EXPECT_TRUE(Validate(t).ok());
  t = Good();
  t.jitter = 8 * kMs;  // J + C = D
  EXPECT_TRUE(Validate(t).ok());
}

TEST(ValidateTest, ValidateAllReportsTheFirstBadTask) {
  std::vector<TaskSpec> tasks = {Good(), TaskSpec::Periodic("bad", 0, 5)};
  const absl::Status s = ValidateAll(tasks);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("'bad'"));
}

TEST(TaskSetTest, CreateValidates) {
  absl::StatusOr<TaskSet> bad =
      TaskSet::Create({Good(), TaskSpec::Periodic("x", 5, 4)});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              AllOf(HasSubstr("'x'"), HasSubstr("wcet")));
  TaskSet set;
  EXPECT_FALSE(set.Add(TaskSpec::Periodic("", 1, 2)).ok());
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.Add(Good()).ok());
  EXPECT_EQ(set.size(), 1u);
}

TEST(TaskSetTest, UtilizationAndDensity) {
  TaskSpec a = TaskSpec::Periodic("a", 2, 5);
  TaskSpec b = TaskSpec::Periodic("b", 4, 7);
  absl::StatusOr<TaskSet> set = TaskSet::Create({a, b});
  ASSERT_TRUE(set.ok());
  EXPECT_NEAR(set->Utilization(), 2.0 / 5 + 4.0 / 7, 1e-12);
  EXPECT_NEAR(set->Density(), set->Utilization(), 1e-12);
  EXPECT_NEAR(set->MaxUtilization(), 4.0 / 7, 1e-12);
  // Density uses min(D - J, T): (50, 50, 100), (10, 100, 100) -> 1.1.
  TaskSpec c = TaskSpec::Periodic("c", 50, 100, 50);
  TaskSpec d = TaskSpec::Periodic("d", 10, 100, 100);
  d.jitter = 50;  // window 50: density 0.2
  set = TaskSet::Create({c, d});
  ASSERT_TRUE(set.ok());
  EXPECT_NEAR(set->Density(), 1.0 + 0.2, 1e-12);
  EXPECT_NEAR(set->Utilization(), 0.6, 1e-12);
}

TEST(TaskSetTest, Hyperperiod) {
  absl::StatusOr<TaskSet> set = TaskSet::Create(
      {TaskSpec::Periodic("a", 1, 4 * kMs), TaskSpec::Periodic("b", 1, 6 * kMs),
       TaskSpec::Periodic("c", 1, 10 * kMs)});
  ASSERT_TRUE(set.ok());
  absl::StatusOr<Nanos> h = set->Hyperperiod();
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, 60 * kMs);
  EXPECT_EQ(TaskSet().Hyperperiod().status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TaskSetTest, HyperperiodOverflowIsAStatusNamingTheTask) {
  // Three large pairwise-coprime periods: the lcm needs ~ 2^93.
  absl::StatusOr<TaskSet> set =
      TaskSet::Create({TaskSpec::Periodic("p1", 1, (Nanos{1} << 31) - 1),
                       TaskSpec::Periodic("p2", 1, (Nanos{1} << 31) + 11),
                       TaskSpec::Periodic("p3", 1, (Nanos{1} << 31) + 15)});
  ASSERT_TRUE(set.ok());
  const absl::StatusOr<Nanos> h = set->Hyperperiod();
  ASSERT_EQ(h.status().code(), absl::StatusCode::kOutOfRange) << h.status();
  EXPECT_THAT(h.status().message(), HasSubstr("'p3'"));
}

TEST(FormatTest, NamesAndDurations) {
  EXPECT_EQ(FormatNanos(8 * kMs), "8ms");
  EXPECT_EQ(FormatNanos(1500), "1.5us");
  EXPECT_EQ(FormatNanos(250), "250ns");
  EXPECT_EQ(PolicyName(Policy::kEdf), "EDF");
  EXPECT_EQ(PolicyName(Policy::kRateMonotonic), "RM");
  EXPECT_EQ(PolicyName(Policy::kDeadlineMonotonic), "DM");
  EXPECT_EQ(PolicyName(Policy::kFifo), "FIFO");
  EXPECT_EQ(PolicyName(Policy::kRoundRobin), "RR");
  EXPECT_TRUE(IsFixedPriority(Policy::kFifo));
  EXPECT_FALSE(IsFixedPriority(Policy::kEdf));
}

}  // namespace
}  // namespace moirai::rt
