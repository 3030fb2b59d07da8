// Copyright 2026 The Moirai Authors.
//
// rt/admission_property_test.cc
// -----------------------------------------------------------------------------
//
// Property tests of the admission tests against the reference simulator
// (rt/internal/reference_sim.h), on seeded random sets (RT.md, goal G1):
//
//   1. FP, preemptive, with jitter: RTA is exact. Accepted <=> the critical
//      instant (every task released at 0, later jobs J early) has no miss,
//      and the largest simulated response of each task equals its R_i.
//      Dominance L&L => HB => RTA (RM, implicit deadlines).
//   2. EDF, preemptive, with jitter and arbitrary deadlines: QPA is exact
//      (same pattern); EDF-U == QPA where it applies; density => QPA.
//   3. Limited preemption (random non-preemptive slices): RTA and QPA with
//      blocking never accept a set that misses in a limited-preemptive
//      simulation (synchronous, and each task started 1 ns early to block
//      the others); L&L/HB/density with blocking stay dominated.
//   4. Two cores: GFB and BAK never accept a set that misses under global
//      EDF; FFD/WFD never accept a set one of whose cores misses.
//
// Each property runs kDefaultSets sets (fewer under sanitizers). Periods
// are divisors of 200 ms, so hyperperiods stay small. Every set is a
// function of its seed; a failure prints the seed and the set, and
//   MOIRAI_RT_SEED=<seed> bazel test //rt:admission_property_test
//       --test_filter=<property>
// replays just that set (MOIRAI_RT_SETS=<n> changes the count).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/internal/reference_sim.h"
#include "moirai/rt/partition.h"
#include "moirai/rt/task_model.h"
#include "moirai/rt/taskset_gen.h"

namespace moirai::rt {
namespace {

using internal::SimConfig;
using internal::SimResult;
using internal::SimScheduler;

#if defined(MOIRAI_SANITIZER_ASAN) || defined(MOIRAI_SANITIZER_TSAN)
constexpr int kDefaultSets = 10'000;
#else
constexpr int kDefaultSets = 100'000;
#endif

// The seeds of one property: `base` + i, or only MOIRAI_RT_SEED.
std::vector<std::uint64_t> Seeds(std::uint64_t base) {
  if (const char* s = std::getenv("MOIRAI_RT_SEED")) {
    return {std::strtoull(s, nullptr, 0)};
  }
  int n = kDefaultSets;
  if (const char* s = std::getenv("MOIRAI_RT_SETS")) n = std::atoi(s);
  std::vector<std::uint64_t> seeds(n);
  for (int i = 0; i < n; ++i) seeds[i] = base + static_cast<std::uint64_t>(i);
  return seeds;
}

std::string Describe(std::uint64_t seed, const std::vector<TaskSpec>& tasks) {
  std::string s = absl::StrCat("seed=", seed, " (replay: MOIRAI_RT_SEED=", seed,
                               ") tasks:");
  for (const TaskSpec& t : tasks) {
    absl::StrAppend(&s, " ", t.name, "(C=", t.wcet, " T=", t.period,
                    " D=", t.deadline);
    if (t.jitter) absl::StrAppend(&s, " J=", t.jitter);
    if (t.max_slice) absl::StrAppend(&s, " Q=", t.max_slice);
    absl::StrAppend(&s, ")");
  }
  return s;
}

Verdict Must(absl::StatusOr<Verdict> v) {
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *std::move(v) : Verdict{};
}

// A random set drawn from `rng`: n tasks, utilization in [u_lo, u_hi),
// periods from the divisors of 200 ms, constrained deadlines half the time.
std::vector<TaskSpec> DrawSet(Prng& rng, int n_lo, int n_hi, double u_lo,
                              double u_hi, bool* constrained) {
  GeneratorParams p;
  p.tasks = static_cast<int>(rng.NextInRange(n_lo, n_hi));
  p.utilization =
      std::min(u_lo + (u_hi - u_lo) * rng.NextDouble(), 0.999 * p.tasks);
  static const std::vector<Nanos>* const kMenu = new std::vector<Nanos>(
      DivisorMenu(200 * kMillisecond, 10 * kMillisecond, 200 * kMillisecond));
  p.menu = *kMenu;
  *constrained = rng.NextBelow(2) == 1;
  p.deadlines =
      *constrained ? DeadlineKind::kConstrained : DeadlineKind::kImplicit;
  absl::StatusOr<std::vector<TaskSpec>> s = GenerateTaskSet(p, rng.Next());
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : std::vector<TaskSpec>{};
}

// Gives some tasks release jitter J in [0, (D - C) / 2].
void AddJitter(Prng& rng, std::vector<TaskSpec>& tasks) {
  for (TaskSpec& t : tasks) {
    if (rng.NextBelow(2) == 0)
      t.jitter = rng.NextInRange(0, (t.deadline - t.wcet) / 2);
  }
}

Nanos MaxOf(const std::vector<TaskSpec>& tasks, Nanos TaskSpec::*field) {
  Nanos m = 0;
  for (const TaskSpec& t : tasks) m = std::max(m, t.*field);
  return m;
}

// The critical instant with jitter: job 0 of every task arrives at -J and
// is released at 0; the later jobs arrive (and are released) every T.
SimConfig CriticalInstant(const std::vector<TaskSpec>& tasks, Nanos horizon) {
  SimConfig c;
  c.first_release.assign(tasks.size(), 0);
  for (const TaskSpec& t : tasks) c.arrival_offset.push_back(-t.jitter);
  c.horizon = horizon;
  return c;
}

SimResult MustSim(const std::vector<TaskSpec>& tasks, const SimConfig& c) {
  SimResult r = internal::Simulate(tasks, c);
  EXPECT_EQ(r.error, "");
  return r;
}

TEST(AdmissionPropertyTest, RtaIsExactForPreemptiveFixedPriority) {
  int accepted = 0, rejected = 0;
  for (const std::uint64_t seed : Seeds(1'000'000)) {
    Prng rng(seed);
    bool constrained;
    std::vector<TaskSpec> tasks = DrawSet(rng, 2, 6, 0.4, 1.15, &constrained);
    const bool jitter = rng.NextBelow(3) == 0;
    if (jitter) AddJitter(rng, tasks);
    const PriorityOrder order = constrained && rng.NextBelow(2) == 0
                                    ? PriorityOrder::kDeadlineMonotonic
                                    : PriorityOrder::kRateMonotonic;
    const Verdict rta = Must(ResponseTimeTest(tasks, order));
    SimConfig c = CriticalInstant(tasks, Hyperperiod(tasks).value());
    c.scheduler = SimScheduler::kFixedPriority;
    c.priorities = PriorityRanks(tasks, order);
    const SimResult sim = MustSim(tasks, c);
    ASSERT_EQ(rta.accepted, !sim.missed)
        << rta.reason << "; simulated miss of task " << sim.task << " job "
        << sim.job << "\n"
        << Describe(seed, tasks);
    if (rta.accepted) {
      ++accepted;
      for (std::size_t i = 0; i < tasks.size(); ++i) {
        ASSERT_EQ(rta.response_times[i], sim.max_response[i])
            << "task " << i << "\n"
            << Describe(seed, tasks);
      }
    } else {
      ++rejected;
    }
    if (!constrained && !jitter) {  // RM, implicit deadlines: the chain
      const Verdict ll = Must(LiuLaylandTest(tasks));
      const Verdict hb = Must(HyperbolicBoundTest(tasks));
      const Verdict rm =
          Must(ResponseTimeTest(tasks, PriorityOrder::kRateMonotonic));
      ASSERT_TRUE(!ll.accepted || hb.accepted) << Describe(seed, tasks);
      ASSERT_TRUE(!hb.accepted || rm.accepted) << Describe(seed, tasks);
    }
  }
  std::printf("RTA: %d accepted, %d rejected\n", accepted, rejected);
}

TEST(AdmissionPropertyTest, QpaIsExactForPreemptiveEdf) {
  int accepted = 0, rejected = 0;
  for (const std::uint64_t seed : Seeds(2'000'000)) {
    Prng rng(seed);
    bool constrained;
    std::vector<TaskSpec> tasks = DrawSet(rng, 2, 6, 0.5, 1.1, &constrained);
    const int kind = static_cast<int>(rng.NextBelow(3));
    if (kind == 1) AddJitter(rng, tasks);
    if (kind == 2) {  // arbitrary deadlines: D in [C, 2T]
      for (TaskSpec& t : tasks)
        t.deadline = t.wcet + rng.NextInRange(0, 2 * t.period - t.wcet);
    }
    const Verdict qpa = Must(QpaTest(tasks));
    const Nanos h = Hyperperiod(tasks).value();
    Nanos horizon = 2 * h + MaxOf(tasks, &TaskSpec::jitter) +
                    MaxOf(tasks, &TaskSpec::deadline);
    horizon = std::max(horizon, qpa.failing_point + 1);
    SimConfig c = CriticalInstant(tasks, horizon);
    c.scheduler = SimScheduler::kEdf;
    const SimResult sim = MustSim(tasks, c);
    ASSERT_TRUE(!qpa.accepted || !sim.missed)
        << "false accept: " << qpa.reason << "\n"
        << Describe(seed, tasks);
    // A demand violation must show up as a miss. So must U > 1, unless
    // some D > T lets the backlog's deadlines fall past the horizon.
    bool constrained_all = true;
    for (const TaskSpec& t : tasks) constrained_all &= t.deadline <= t.period;
    const bool decidable = qpa.failing_point >= 0 || constrained_all;
    if (!qpa.accepted && decidable) {
      ASSERT_TRUE(sim.missed) << "false reject: " << qpa.reason << "\n"
                              << Describe(seed, tasks);
    }
    (qpa.accepted ? accepted : rejected)++;
    const Verdict u = Must(EdfUtilizationTest(tasks));
    ASSERT_TRUE(!u.applicable || u.accepted == qpa.accepted)
        << u.reason << " vs " << qpa.reason << "\n"
        << Describe(seed, tasks);
    const Verdict d = Must(EdfDensityTest(tasks));
    ASSERT_TRUE(!d.accepted || qpa.accepted) << Describe(seed, tasks);
  }
  std::printf("QPA: %d accepted, %d rejected\n", accepted, rejected);
}

TEST(AdmissionPropertyTest, BlockingAwareTestsNeverFalselyAcceptSlices) {
  int accepted_fp = 0, accepted_edf = 0, blocking_mattered = 0;
  for (const std::uint64_t seed : Seeds(3'000'000)) {
    Prng rng(seed);
    bool constrained;
    std::vector<TaskSpec> tasks = DrawSet(rng, 2, 5, 0.3, 1.0, &constrained);
    for (TaskSpec& t : tasks) {
      if (rng.NextBelow(2) == 0) t.max_slice = rng.NextInRange(1, t.wcet);
    }
    const PriorityOrder order = constrained ? PriorityOrder::kDeadlineMonotonic
                                            : PriorityOrder::kRateMonotonic;
    const Verdict rta = Must(ResponseTimeTest(tasks, order));
    const Verdict qpa = Must(QpaTest(tasks));
    // Patterns: synchronous, then up to two sliced tasks (drawn at random)
    // arriving 1 ns before the others, so that their first slice blocks
    // every job released at 0.
    std::vector<int> sliced;
    for (int i = 0; i < static_cast<int>(tasks.size()); ++i) {
      if (tasks[i].max_slice > 0) sliced.push_back(i);
    }
    std::vector<int> blockers = {-1};
    for (int k = 0; k < 2 && !sliced.empty(); ++k) {
      const std::size_t pick = rng.NextBelow(sliced.size());
      blockers.push_back(sliced[pick]);
      sliced.erase(sliced.begin() + static_cast<std::ptrdiff_t>(pick));
    }
    bool fp_missed = false;
    for (const int b : blockers) {
      SimConfig c;
      c.limited_preemptive = true;
      c.horizon = Hyperperiod(tasks).value() + 1;
      if (b >= 0) {
        c.arrival_offset.assign(tasks.size(), 0);
        c.arrival_offset[b] = -1;
      }
      c.scheduler = SimScheduler::kFixedPriority;
      c.priorities = PriorityRanks(tasks, order);
      const SimResult fp = MustSim(tasks, c);
      fp_missed |= fp.missed;
      ASSERT_TRUE(!rta.accepted || !fp.missed)
          << "RTA false accept (blocker " << b << "): task " << fp.task
          << " job " << fp.job << " finished " << fp.finish << " > "
          << fp.deadline << "\n"
          << Describe(seed, tasks);
      c.scheduler = SimScheduler::kEdf;
      const SimResult edf = MustSim(tasks, c);
      ASSERT_TRUE(!qpa.accepted || !edf.missed)
          << "QPA false accept (blocker " << b << "): task " << edf.task
          << " job " << edf.job << "\n"
          << Describe(seed, tasks);
    }
    accepted_fp += rta.accepted;
    accepted_edf += qpa.accepted;
    // Teeth: the same set analysed as if fully preemptive passes, yet the
    // slices make it miss.
    std::vector<TaskSpec> preemptive = tasks;
    for (TaskSpec& t : preemptive) t.max_slice = 0;
    if (fp_missed && Must(ResponseTimeTest(preemptive, order)).accepted) {
      ++blocking_mattered;
    }
    ASSERT_TRUE(!Must(EdfDensityTest(tasks)).accepted || qpa.accepted)
        << Describe(seed, tasks);
    if (!constrained) {
      const Verdict ll = Must(LiuLaylandTest(tasks));
      const Verdict hb = Must(HyperbolicBoundTest(tasks));
      ASSERT_TRUE(!ll.accepted || hb.accepted) << Describe(seed, tasks);
      ASSERT_TRUE(!hb.accepted || rta.accepted) << Describe(seed, tasks);
    }
  }
  std::printf(
      "limited preemption: RTA accepted %d, QPA accepted %d, %d sets "
      "miss only because of their slices\n",
      accepted_fp, accepted_edf, blocking_mattered);
  if (Seeds(0).size() >= 1000) {
    EXPECT_GT(accepted_fp, 100);
    EXPECT_GT(accepted_edf, 100);
    EXPECT_GT(blocking_mattered, 0);
  }
}

TEST(AdmissionPropertyTest, GlobalAndPartitionedTestsNeverFalselyAccept) {
  int gfb_ok = 0, bak_ok = 0, part_ok = 0;
  for (const std::uint64_t seed : Seeds(4'000'000)) {
    Prng rng(seed);
    bool constrained;
    std::vector<TaskSpec> tasks = DrawSet(rng, 3, 6, 0.4, 2.0, &constrained);
    const Nanos h = Hyperperiod(tasks).value();
    const Verdict gfb = Must(GfbTest(tasks, 2));
    const Verdict bak = Must(BakTest(tasks, 2));
    if (gfb.accepted || bak.accepted) {
      SimConfig c;
      c.scheduler = SimScheduler::kEdf;
      c.processors = 2;
      c.horizon = h;
      const SimResult sim = MustSim(tasks, c);
      ASSERT_FALSE(sim.missed)
          << (gfb.accepted ? "GFB" : "BAK") << " false accept\n"
          << Describe(seed, tasks);
    }
    gfb_ok += gfb.accepted;
    bak_ok += bak.accepted;
    PartitionOptions o;
    o.cores = 2;
    o.heuristic = rng.NextBelow(2) ? PartitionHeuristic::kFirstFitDecreasing
                                   : PartitionHeuristic::kWorstFitDecreasing;
    o.policy = rng.NextBelow(2) ? Policy::kEdf : Policy::kDeadlineMonotonic;
    absl::StatusOr<PartitionResult> p = PartitionTasks(tasks, o);
    ASSERT_TRUE(p.ok()) << p.status();
    if (!p->verdict.accepted) continue;
    ++part_ok;
    for (const int core : p->core_of_task) ASSERT_GE(core, 0);
    for (int core = 0; core < 2; ++core) {
      std::vector<TaskSpec> mine;
      for (const int i : p->tasks_on_core[core]) {
        ASSERT_EQ(p->core_of_task[i], core);
        mine.push_back(tasks[i]);
      }
      if (mine.empty()) continue;
      SimConfig c;
      c.horizon = Hyperperiod(mine).value();
      c.scheduler = o.policy == Policy::kEdf ? SimScheduler::kEdf
                                             : SimScheduler::kFixedPriority;
      c.priorities = PriorityRanks(mine, PriorityOrder::kDeadlineMonotonic);
      ASSERT_FALSE(MustSim(mine, c).missed)
          << "partitioned false accept on core " << core << "\n"
          << Describe(seed, tasks);
    }
  }
  std::printf("2 cores: GFB accepted %d, BAK %d, partitioned %d\n", gfb_ok,
              bak_ok, part_ok);
}

}  // namespace
}  // namespace moirai::rt
