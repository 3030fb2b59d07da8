// Copyright 2026 The Moirai Authors.
//
// rt/taskset_gen.cc
// -----------------------------------------------------------------------------

#include "moirai/rt/taskset_gen.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace moirai::rt {
namespace {

std::uint64_t Rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Prng::Prng(std::uint64_t seed) {
  for (std::uint64_t& s : s_) s = SplitMix64(seed);
}

std::uint64_t Prng::Next() {
  const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Prng::NextDouble() {
  return static_cast<double>(Next() >> 11) * 0x1.0p-53;
}

std::uint64_t Prng::NextBelow(std::uint64_t bound) {
  // Lemire (2019), "Fast random integer generation in an interval": the
  // high word of x * bound is uniform once the low word clears the
  // threshold 2^64 mod bound.
  using U128 = unsigned __int128;
  U128 product = static_cast<U128>(Next()) * bound;
  std::uint64_t low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<U128>(Next()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

std::int64_t Prng::NextInRange(std::int64_t lo, std::int64_t hi) {
  const std::uint64_t span =
      static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span == ~std::uint64_t{0}) return static_cast<std::int64_t>(Next());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) +
                                   NextBelow(span + 1));
}

std::vector<double> UUniFast(Prng& rng, int n, double total) {
  std::vector<double> u(n > 0 ? n : 0);
  if (n <= 0) return u;
  double sum = total;
  for (int i = 1; i < n; ++i) {
    const double next =
        sum * std::pow(rng.NextDouble(), 1.0 / static_cast<double>(n - i));
    u[i - 1] = sum - next;
    sum = next;
  }
  u[n - 1] = sum;
  return u;
}

absl::StatusOr<std::vector<double>> UUniFastDiscard(Prng& rng, int n,
                                                    double total,
                                                    double max_each,
                                                    int max_attempts) {
  if (n < 1 || !(total >= 0) || !(max_each > 0) || total > n * max_each) {
    return absl::InvalidArgumentError(absl::StrCat(
        "UUniFast-Discard: need n >= 1, total >= 0, max_each > 0 and total <= "
        "n * max_each (got n=",
        n, ", total=", total, ", max_each=", max_each, ")"));
  }
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    std::vector<double> u = UUniFast(rng, n, total);
    if (std::all_of(u.begin(), u.end(),
                    [&](double x) { return x <= max_each; })) {
      return u;
    }
  }
  return absl::ResourceExhaustedError(absl::StrCat(
      "UUniFast-Discard: no draw with every utilization <= ", max_each, " in ",
      max_attempts, " attempts (n=", n, ", total=", total, ")"));
}

Nanos LogUniformPeriod(Prng& rng, Nanos min, Nanos max, Nanos granularity) {
  const double lo = std::log(static_cast<double>(min));
  const double hi = std::log(static_cast<double>(max));
  const double x = std::exp(lo + rng.NextDouble() * (hi - lo));
  Nanos p =
      static_cast<Nanos>(x / static_cast<double>(granularity)) * granularity;
  const Nanos first = (min + granularity - 1) / granularity * granularity;
  return std::clamp(p, std::min(first, max), max);
}

std::vector<Nanos> DivisorMenu(Nanos length, Nanos min, Nanos max) {
  // Factor `length` by trial division, stopping once the cofactor is 1:
  // instant for the smooth lengths menus use (1 s = 2^9 5^9 ns), and
  // O(sqrt(length)) only for lengths with a large prime factor.
  std::vector<std::pair<Nanos, int>> factors;
  Nanos rest = length;
  for (Nanos p = 2; rest > 1 && p <= rest / p; ++p) {
    int e = 0;
    while (rest % p == 0) {
      rest /= p;
      ++e;
    }
    if (e > 0) factors.push_back({p, e});
  }
  if (rest > 1) factors.push_back({rest, 1});
  std::vector<Nanos> divisors = {1};
  for (const auto& [p, e] : factors) {
    const std::size_t count = divisors.size();
    Nanos power = 1;
    for (int k = 1; k <= e; ++k) {
      power *= p;  // divides `length`, so it fits
      for (std::size_t i = 0; i < count; ++i) {
        divisors.push_back(divisors[i] * power);
      }
    }
  }
  std::vector<Nanos> menu;
  for (const Nanos d : divisors) {
    if (d >= min && d <= max) menu.push_back(d);
  }
  std::sort(menu.begin(), menu.end());
  return menu;
}

Nanos PeriodFromMenu(Prng& rng, absl::Span<const Nanos> menu) {
  return menu[rng.NextBelow(menu.size())];
}

Nanos ConstrainedDeadline(Prng& rng, Nanos wcet, Nanos period) {
  const double slack = static_cast<double>(period - wcet);
  const Nanos extra = static_cast<Nanos>(rng.NextDouble() * slack);
  return std::min(wcet + extra, period);
}

absl::Status ValidateParams(const GeneratorParams& p) {
  auto bad = [](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("GeneratorParams: ", what));
  };
  if (p.tasks < 1)
    return bad(absl::StrCat("tasks must be >= 1 (got ", p.tasks, ")"));
  if (!(p.max_task_utilization > 0) || p.max_task_utilization > 1) {
    return bad("max_task_utilization must be in (0, 1]");
  }
  if (!(p.utilization >= 0) ||
      p.utilization > p.tasks * p.max_task_utilization) {
    return bad(
        absl::StrCat("utilization must be in [0, tasks * "
                     "max_task_utilization] (got ",
                     p.utilization, ")"));
  }
  if (p.periods == PeriodDistribution::kLogUniform) {
    if (p.granularity <= 0 || p.period_min < p.granularity ||
        p.period_max < p.period_min || p.period_max > kMaxTaskTime ||
        p.period_min % p.granularity != 0) {
      return bad(
          "log-uniform periods need 0 < granularity <= period_min <= "
          "period_max <= kMaxTaskTime, period_min a multiple of granularity");
    }
  } else if (p.menu.empty()) {
    if (p.period_min <= 0 || p.period_max < p.period_min ||
        DivisorMenu(kSecond, p.period_min, p.period_max).empty()) {
      return bad("no divisor of 1s lies in [period_min, period_max]");
    }
  } else {
    for (const Nanos t : p.menu) {
      if (t <= 0 || t > kMaxTaskTime) {
        return bad(absl::StrCat("menu period out of range: ", t, "ns"));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<TaskSpec>> GenerateTaskSet(
    const GeneratorParams& params, std::uint64_t seed) {
  if (absl::Status s = ValidateParams(params); !s.ok()) return s;
  Prng rng(seed);
  absl::StatusOr<std::vector<double>> u = UUniFastDiscard(
      rng, params.tasks, params.utilization, params.max_task_utilization);
  if (!u.ok()) return u.status();
  std::vector<Nanos> menu = params.menu;
  if (params.periods == PeriodDistribution::kMenu && menu.empty()) {
    menu = DivisorMenu(kSecond, params.period_min, params.period_max);
  }
  std::vector<TaskSpec> tasks;
  tasks.reserve(params.tasks);
  for (int i = 0; i < params.tasks; ++i) {
    TaskSpec t;
    t.name = absl::StrCat(params.name_prefix, i);
    t.policy = params.policy;
    t.period = params.periods == PeriodDistribution::kMenu
                   ? PeriodFromMenu(rng, menu)
                   : LogUniformPeriod(rng, params.period_min, params.period_max,
                                      params.granularity);
    const double c = std::round((*u)[i] * static_cast<double>(t.period));
    t.wcet = std::clamp(static_cast<Nanos>(c), Nanos{1}, t.period);
    t.deadline = params.deadlines == DeadlineKind::kConstrained
                     ? ConstrainedDeadline(rng, t.wcet, t.period)
                     : t.period;
    tasks.push_back(std::move(t));
  }
  return tasks;
}

}  // namespace moirai::rt
