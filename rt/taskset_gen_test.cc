// Copyright 2026 The Moirai Authors.
//
// rt/taskset_gen_test.cc
// -----------------------------------------------------------------------------
//
// The generators: golden PRNG outputs (so a seed means the same set on any
// standard library), the invariants of each draw, reproducibility, and bad
// parameters.

#include "moirai/rt/taskset_gen.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr Nanos kMs = kMillisecond;

// Golden values from an independent Python implementation of SplitMix64
// and xoshiro256**; the SplitMix64 stream for seed 1234567 is the one its
// reference implementation documents.
TEST(PrngTest, GoldenOutputs) {
  std::uint64_t state = 1234567;
  std::vector<std::uint64_t> sm;
  for (int i = 0; i < 5; ++i) sm.push_back(SplitMix64(state));
  EXPECT_THAT(sm, ElementsAre(6457827717110365317ULL, 3203168211198807973ULL,
                              9817491932198370423ULL, 4593380528125082431ULL,
                              16408922859458223821ULL));
  Prng rng(42);
  std::vector<std::uint64_t> x;
  for (int i = 0; i < 4; ++i) x.push_back(rng.Next());
  EXPECT_THAT(x, ElementsAre(1546998764402558742ULL, 6990951692964543102ULL,
                             12544586762248559009ULL, 17057574109182124193ULL));
}

TEST(PrngTest, DrawsStayInRange) {
  Prng rng(7);
  std::vector<int> hist(10, 0);
  for (int i = 0; i < 100000; ++i) {
    const double d = rng.NextDouble();
    ASSERT_GE(d, 0.0);
    ASSERT_LT(d, 1.0);
    const std::uint64_t b = rng.NextBelow(10);
    ASSERT_LT(b, 10u);
    ++hist[b];
    const std::int64_t r = rng.NextInRange(-3, 3);
    ASSERT_GE(r, -3);
    ASSERT_LE(r, 3);
  }
  // Roughly uniform (each bucket 10000 +- 5 sigma).
  for (const int h : hist) EXPECT_NEAR(h, 10000, 500);
  EXPECT_EQ(rng.NextBelow(1), 0u);
}

TEST(UUniFastTest, SumsToTheTotalWithinTheSimplex) {
  Prng rng(1);
  for (int n = 1; n <= 32; ++n) {
    const std::vector<double> u = UUniFast(rng, n, 0.9);
    ASSERT_EQ(static_cast<int>(u.size()), n);
    EXPECT_NEAR(std::accumulate(u.begin(), u.end(), 0.0), 0.9, 1e-12);
    for (const double x : u) {
      EXPECT_GE(x, 0.0);
      EXPECT_LE(x, 0.9 + 1e-12);
    }
  }
}

TEST(UUniFastTest, DiscardCapsEachTask) {
  Prng rng(2);
  for (int trial = 0; trial < 200; ++trial) {
    absl::StatusOr<std::vector<double>> u = UUniFastDiscard(rng, 4, 1.8);
    ASSERT_TRUE(u.ok()) << u.status();
    EXPECT_NEAR(std::accumulate(u->begin(), u->end(), 0.0), 1.8, 1e-12);
    for (const double x : *u) EXPECT_LE(x, 1.0);
  }
  EXPECT_EQ(UUniFastDiscard(rng, 2, 2.5).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(UUniFastDiscard(rng, 0, 0.5).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Total = n * cap: only the exact corner qualifies, so it is not found.
  EXPECT_EQ(UUniFastDiscard(rng, 3, 2.999, 1.0, 10).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(PeriodTest, LogUniformRespectsRangeAndGranularity) {
  Prng rng(3);
  Nanos lo = kMaxTaskTime, hi = 0;
  for (int i = 0; i < 10000; ++i) {
    const Nanos t = LogUniformPeriod(rng, 10 * kMs, 100 * kMs, kMs);
    ASSERT_GE(t, 10 * kMs);
    ASSERT_LE(t, 100 * kMs);
    ASSERT_EQ(t % kMs, 0);
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  EXPECT_EQ(lo, 10 * kMs);
  EXPECT_GE(hi, 95 * kMs);
}

TEST(PeriodTest, DivisorMenuBoundsTheHyperperiod) {
  const std::vector<Nanos> menu = DivisorMenu(1000, 10, 1000);
  EXPECT_THAT(menu,
              ElementsAre(10, 20, 25, 40, 50, 100, 125, 200, 250, 500, 1000));
  Prng rng(4);
  std::vector<TaskSpec> tasks;
  for (int i = 0; i < 16; ++i) {
    tasks.push_back(
        TaskSpec::Periodic("t", 1, PeriodFromMenu(rng, menu) * kMs));
  }
  absl::StatusOr<Nanos> h = Hyperperiod(tasks);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(1000 * kMs % *h, 0);
}

TEST(DeadlineTest, ConstrainedDeadlinesLieBetweenWcetAndPeriod) {
  Prng rng(5);
  for (int i = 0; i < 10000; ++i) {
    const Nanos d = ConstrainedDeadline(rng, 3, 100);
    ASSERT_GE(d, 3);
    ASSERT_LE(d, 100);
  }
  EXPECT_EQ(ConstrainedDeadline(rng, 7, 7), 7);
}

TEST(GenerateTaskSetTest, ReproducibleFromParamsAndSeed) {
  GeneratorParams p;
  p.tasks = 6;
  p.utilization = 0.8;
  p.deadlines = DeadlineKind::kConstrained;
  absl::StatusOr<std::vector<TaskSpec>> a = GenerateTaskSet(p, 99);
  absl::StatusOr<std::vector<TaskSpec>> b = GenerateTaskSet(p, 99);
  absl::StatusOr<std::vector<TaskSpec>> c = GenerateTaskSet(p, 100);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_EQ(a->size(), 6u);
  bool differs = false;
  for (std::size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].name, "t" + std::to_string(i));
    EXPECT_EQ((*a)[i].period, (*b)[i].period);
    EXPECT_EQ((*a)[i].wcet, (*b)[i].wcet);
    EXPECT_EQ((*a)[i].deadline, (*b)[i].deadline);
    differs |= (*a)[i].wcet != (*c)[i].wcet;
  }
  EXPECT_TRUE(differs);
}

TEST(GenerateTaskSetTest, SetsAreValidAndNearTheTargetUtilization) {
  for (const PeriodDistribution dist :
       {PeriodDistribution::kMenu, PeriodDistribution::kLogUniform}) {
    for (const DeadlineKind dk :
         {DeadlineKind::kImplicit, DeadlineKind::kConstrained}) {
      GeneratorParams p;
      p.tasks = 8;
      p.utilization = 0.75;
      p.periods = dist;
      p.deadlines = dk;
      p.policy = Policy::kRateMonotonic;
      for (std::uint64_t seed = 0; seed < 200; ++seed) {
        absl::StatusOr<std::vector<TaskSpec>> s = GenerateTaskSet(p, seed);
        ASSERT_TRUE(s.ok()) << s.status();
        ASSERT_TRUE(ValidateAll(*s).ok());
        double u = 0;
        for (const TaskSpec& t : *s) {
          u += Utilization(t);
          EXPECT_EQ(t.policy, Policy::kRateMonotonic);
          if (dk == DeadlineKind::kImplicit) {
            EXPECT_EQ(t.deadline, t.period);
          }
          EXPECT_LE(t.deadline, t.period);
        }
        // Rounding each WCET to 1 ns moves U by at most n / T_min.
        EXPECT_NEAR(u, 0.75, 1e-5);
      }
    }
  }
}

TEST(GenerateTaskSetTest, BadParams) {
  GeneratorParams p;
  p.tasks = 0;
  EXPECT_THAT(GenerateTaskSet(p, 1).status().message(), HasSubstr("tasks"));
  p = GeneratorParams();
  p.utilization = 9;  // 8 tasks, cap 1
  EXPECT_THAT(GenerateTaskSet(p, 1).status().message(),
              HasSubstr("utilization"));
  p = GeneratorParams();
  p.max_task_utilization = 0;
  EXPECT_EQ(GenerateTaskSet(p, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  p = GeneratorParams();
  p.periods = PeriodDistribution::kLogUniform;
  p.granularity = 0;
  EXPECT_EQ(GenerateTaskSet(p, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  p = GeneratorParams();
  p.period_min = 3200 * kMicrosecond;  // no divisor of 1 s in [3.2, 3.3] ms
  p.period_max = 3300 * kMicrosecond;
  EXPECT_THAT(GenerateTaskSet(p, 1).status().message(), HasSubstr("divisor"));
  p = GeneratorParams();
  p.menu = {10 * kMs, -1};
  EXPECT_THAT(GenerateTaskSet(p, 1).status().message(), HasSubstr("menu"));
}

}  // namespace
}  // namespace moirai::rt
