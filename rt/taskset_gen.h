// Copyright 2026 The Moirai Authors.
//
// rt/taskset_gen.h
// -----------------------------------------------------------------------------
//
// This header defines seeded, reproducible random task-set generators for
// schedulability experiments and property tests (RT.md, section c2):
//
//   * `Prng`: xoshiro256** (Blackman & Vigna 2018) seeded by SplitMix64,
//     implemented here, with its own uniform and bounded-integer draws. The
//     <random> distributions are not used: their output differs between
//     standard libraries, and a failing set must replay anywhere from its
//     seed.
//   * `UUniFast()` (Bini & Buttazzo 2005): n utilizations uniformly
//     distributed on the simplex sum = U.
//   * `UUniFastDiscard()` (Davis & Burns 2009): UUniFast, redrawn while any
//     task exceeds a cap (1 for M cores with sum U > 1).
//   * `LogUniformPeriod()`: exp(uniform(log min, log max)) floored to a
//     granularity (Emberson, Stafford & Davis 2010; SchedCAT's port).
//   * `DivisorMenu()` / `PeriodFromMenu()`: periods that divide a given
//     length (e.g. 1000 ms), so the hyperperiod is bounded by it.
//   * `ConstrainedDeadline()`: D = C + floor(u (T - C)), u in [0, 1).
//   * `GenerateTaskSet()`: all of the above from (GeneratorParams, seed).
//
// Reproducibility: the integer stream is fully specified. The utilizations
// and log-uniform periods also go through std::pow/std::log/std::exp, so
// two C libraries whose libm results differ in the last ulp could, rarely,
// produce a WCET or period 1 ns apart; sets drawn from a period menu are
// affected only in their WCETs.

#ifndef MOIRAI_RT_TASKSET_GEN_H_
#define MOIRAI_RT_TASKSET_GEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {

// Prng
//
// xoshiro256**; the 256-bit state is filled from `seed` with SplitMix64, as
// its authors recommend. Not cryptographic. A value type.
class Prng {
 public:
  explicit Prng(std::uint64_t seed);

  // Prng::Next(): the next 64 random bits.
  std::uint64_t Next();

  // Prng::NextDouble(): uniform in [0, 1), from the top 53 bits.
  double NextDouble();

  // Prng::NextBelow(): uniform in [0, bound) for bound >= 1, unbiased
  // (Lemire's multiply-and-reject).
  std::uint64_t NextBelow(std::uint64_t bound);

  // Prng::NextInRange(): uniform integer in [lo, hi], lo <= hi.
  std::int64_t NextInRange(std::int64_t lo, std::int64_t hi);

 private:
  std::uint64_t s_[4];
};

// SplitMix64(): one step of SplitMix64 (Steele, Lea & Flood 2014) on
// `state`, returning the output. Also handy to derive per-case seeds.
std::uint64_t SplitMix64(std::uint64_t& state);

// UUniFast(): n >= 1 utilizations summing to `total` (>= 0).
std::vector<double> UUniFast(Prng& rng, int n, double total);

// UUniFastDiscard()
//
// UUniFast redrawn until every utilization is <= `max_each`.
// InvalidArgument if n < 1, total < 0, max_each <= 0 or total > n *
// max_each; ResourceExhausted after `max_attempts` draws (a total close to
// n * max_each is rarely hit by chance).
absl::StatusOr<std::vector<double>> UUniFastDiscard(Prng& rng, int n,
                                                    double total,
                                                    double max_each = 1.0,
                                                    int max_attempts = 100000);

// LogUniformPeriod(): a period in [min, max], log-uniform, floored to a
// multiple of `granularity` (and at least one granularity). Requires
// 0 < granularity <= min <= max.
Nanos LogUniformPeriod(Prng& rng, Nanos min, Nanos max, Nanos granularity);

// DivisorMenu(): the divisors of `length` within [min, max], ascending.
std::vector<Nanos> DivisorMenu(Nanos length, Nanos min, Nanos max);

// PeriodFromMenu(): one entry of a non-empty `menu`, uniformly.
Nanos PeriodFromMenu(Prng& rng, absl::Span<const Nanos> menu);

// ConstrainedDeadline(): C + floor(u (T - C)), u uniform in [0, 1); in
// [C, T] for 0 < C <= T.
Nanos ConstrainedDeadline(Prng& rng, Nanos wcet, Nanos period);

enum class PeriodDistribution : std::uint8_t { kLogUniform, kMenu };
enum class DeadlineKind : std::uint8_t { kImplicit, kConstrained };

struct GeneratorParams {
  int tasks = 8;
  // Total utilization, split by UUniFast-Discard with cap
  // `max_task_utilization`.
  double utilization = 0.5;
  double max_task_utilization = 1.0;
  PeriodDistribution periods = PeriodDistribution::kMenu;
  // kLogUniform: the range and granularity. kMenu with an empty `menu`:
  // the divisors of 1 s within [period_min, period_max].
  Nanos period_min = 10 * kMillisecond;
  Nanos period_max = 1000 * kMillisecond;
  Nanos granularity = kMillisecond;
  std::vector<Nanos> menu;
  DeadlineKind deadlines = DeadlineKind::kImplicit;
  Policy policy = Policy::kEdf;
  // Task i is named name_prefix + i.
  std::string name_prefix = "t";
};

// ValidateParams(): InvalidArgument naming the first bad field.
absl::Status ValidateParams(const GeneratorParams& params);

// GenerateTaskSet()
//
// A valid task set drawn from `params` with a Prng seeded by `seed`. The
// draws are, in order: the utilizations; then per task its period and (if
// constrained) its deadline. WCET_i = max(1, round(U_i T_i)) ns, so the set's
// utilization is `utilization` up to rounding. Every set is a function of
// (params, seed) only.
absl::StatusOr<std::vector<TaskSpec>> GenerateTaskSet(
    const GeneratorParams& params, std::uint64_t seed);

}  // namespace moirai::rt

#endif  // MOIRAI_RT_TASKSET_GEN_H_
