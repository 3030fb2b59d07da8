// Copyright 2026 The Moirai Authors.
//
// rt/admission_fp.cc
// -----------------------------------------------------------------------------
//
// Fixed-priority tests: priority assignment, Liu & Layland, the hyperbolic
// bound and response-time analysis (see rt/admission.h for the formulas).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/internal/analysis.h"
#include "moirai/rt/internal/arith.h"

namespace moirai::rt {
namespace {

using internal::CeilDiv;
using internal::SatAdd;
using internal::SatMul;
using internal::TaskLabel;

// Iteration budget of one response-time fixed point. Each step that does
// not converge adds at least one C_j, so only pathological sets (1 ns WCETs
// against deadlines of hours) get near it; they are rejected, which is safe.
constexpr int kRtaIterationBudget = 1 << 20;

// Steps spent past D_i to report the exact R_i of a failing task (the
// textbook evidence "R = 8 > 7") before giving up with kUnbounded.
constexpr int kRtaStepsPastDeadline = 64;

// n (2^(1/n) - 1) = n expm1(ln 2 / n), accurate for large n. In double:
// its error (~1e-16) is far inside the kBoundSlack margin. 1 for n = 0.
long double LiuLaylandBound(std::size_t n) {
  if (n == 0) return 1.0L;
  const double k = static_cast<double>(n);
  return k * std::expm1(0.69314718055994530942 / k);
}

// Liu & Layland and HB share their preconditions and their RM walk.
absl::StatusOr<Verdict> RmBoundCommon(absl::Span<const TaskSpec> tasks,
                                      TestKind test) {
  if (absl::Status s = ValidateAll(tasks); !s.ok()) return s;
  for (const TaskSpec& t : tasks) {
    if (t.deadline != t.period) {
      return internal::NotApplicable(
          test, absl::StrCat(TaskLabel(t), " has D != T; ", TestName(test),
                             " needs implicit deadlines (use RTA)"));
    }
    if (t.jitter != 0) {
      return internal::NotApplicable(
          test, absl::StrCat(TaskLabel(t), " has release jitter; ",
                             TestName(test), " has no jitter term (use RTA)"));
    }
  }
  Verdict v;
  v.test = test;
  v.accepted = true;
  if (!internal::HasBlocking(tasks)) {
    // Without blocking the per-task conditions reduce to the one for the
    // whole set (k = n): the prefix sums only grow and the L&L bound only
    // falls with k, and the HB product only grows. One O(n) pass, no sort.
    long double sum = 0, product = 1;
    int last = -1;  // the least urgent task under RM (period, deadline, index)
    for (int i = 0; i < static_cast<int>(tasks.size()); ++i) {
      const TaskSpec& t = tasks[i];
      const long double u = static_cast<long double>(t.wcet) / t.period;
      sum += u;
      product *= u + 1;
      if (last < 0 || t.period > tasks[last].period ||
          (t.period == tasks[last].period &&
           t.deadline >= tasks[last].deadline)) {
        last = i;
      }
    }
    const long double lhs = test == TestKind::kLiuLayland ? sum : product;
    const long double bound =
        test == TestKind::kLiuLayland ? LiuLaylandBound(tasks.size()) : 2.0L;
    v.load = static_cast<double>(lhs);
    v.bound = static_cast<double>(bound);
    v.accepted = internal::WithinBound(lhs, bound);
    if (!v.accepted) {
      v.failing_task = last;
      v.reason = absl::StrCat(
          "not proven: ",
          test == TestKind::kLiuLayland ? "U = " : "prod(U+1) = ", v.load,
          " > ", v.bound, " under ", TestName(test));
    } else {
      v.reason = absl::StrCat("accepted: ", v.load, " <= ", v.bound, " under ",
                              TestName(test));
    }
    return v;
  }
  const std::vector<int> ranks =
      PriorityRanks(tasks, PriorityOrder::kRateMonotonic);
  const std::vector<Nanos> blocking =
      internal::FixedPriorityBlocking(tasks, ranks);
  const std::vector<int> order = internal::IndicesByRank(ranks);
  long double prefix_sum = 0;      // L&L: sum of U_j over the first k - 1
  long double prefix_product = 1;  // HB: product of (U_j + 1)
  long double tightest = -1e300L;  // max over k of lhs - bound
  for (std::size_t k = 1; k <= order.size(); ++k) {
    const int i = order[k - 1];
    const TaskSpec& t = tasks[i];
    const long double u = static_cast<long double>(t.wcet) / t.period;
    const long double b = static_cast<long double>(blocking[i]) / t.period;
    long double lhs, bound;
    if (test == TestKind::kLiuLayland) {
      lhs = prefix_sum + u + b;
      bound = LiuLaylandBound(k);
    } else {
      lhs = prefix_product * (u + b + 1);
      bound = 2;
    }
    prefix_sum += u;
    prefix_product *= u + 1;
    if (internal::WithinBound(lhs, bound)) {
      if (lhs - bound > tightest) {  // report the tightest task
        tightest = lhs - bound;
        v.load = static_cast<double>(lhs);
        v.bound = static_cast<double>(bound);
      }
      continue;
    }
    v.accepted = false;
    v.failing_task = i;
    v.load = static_cast<double>(lhs);
    v.bound = static_cast<double>(bound);
    v.reason =
        absl::StrCat(TaskLabel(t), " (RM position ", k, ") is not proven: ",
                     test == TestKind::kLiuLayland ? "sum U + B/T = "
                                                   : "prod(U+1)*(U+B/T+1) = ",
                     v.load, " > ", v.bound, " under ", TestName(test));
    break;
  }
  if (v.accepted) {
    v.reason = absl::StrCat("accepted: ", v.load, " <= ", v.bound, " under ",
                            TestName(test));
  }
  return v;
}

struct ResponseTime {
  Nanos r = 0;  // J_i + w_i, or kUnbounded
  bool converged = false;
  bool budget_exhausted = false;
};

// The fixed point for task i, whose higher-or-equal-priority tasks are
// `hep`.
ResponseTime SolveResponseTime(absl::Span<const TaskSpec> tasks,
                               const std::vector<int>& hep, int i,
                               Nanos blocking) {
  const TaskSpec& ti = tasks[i];
  const Nanos base = SatAdd(blocking, ti.wcet);
  const Nanos limit = ti.deadline - ti.jitter;  // w_i must stay <= this
  Nanos w = base;
  for (int j : hep) w = SatAdd(w, tasks[j].wcet);
  int past_deadline = 0;
  for (int iter = 0; iter < kRtaIterationBudget; ++iter) {
    if (w > kMaxTaskTime) return {kUnbounded, false, false};
    Nanos next = base;
    for (int j : hep) {
      const TaskSpec& tj = tasks[j];
      // w + J_j <= 2^63 - 2: both are <= kMaxTaskTime = 2^62.
      next = SatAdd(next, SatMul(CeilDiv(w + tj.jitter, tj.period), tj.wcet));
    }
    if (next == w) return {SatAdd(ti.jitter, w), true, false};
    w = next;
    if (w > limit && ++past_deadline > kRtaStepsPastDeadline) {
      return {kUnbounded, false, false};
    }
  }
  return {kUnbounded, false, w <= limit};
}

}  // namespace

std::vector<int> PriorityRanks(absl::Span<const TaskSpec> tasks,
                               PriorityOrder order) {
  const int n = static_cast<int>(tasks.size());
  std::vector<int> ranks(n);
  if (order == PriorityOrder::kExplicit) {
    for (int i = 0; i < n; ++i) ranks[i] = tasks[i].priority;
    return ranks;
  }
  std::vector<int> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  const bool rm = order == PriorityOrder::kRateMonotonic;
  std::sort(idx.begin(), idx.end(), [&](int a, int b) {
    const TaskSpec& x = tasks[a];
    const TaskSpec& y = tasks[b];
    const Nanos kx1 = rm ? x.period : x.deadline;
    const Nanos ky1 = rm ? y.period : y.deadline;
    if (kx1 != ky1) return kx1 < ky1;
    const Nanos kx2 = rm ? x.deadline : x.period;
    const Nanos ky2 = rm ? y.deadline : y.period;
    if (kx2 != ky2) return kx2 < ky2;
    return a < b;
  });
  for (int r = 0; r < n; ++r) ranks[idx[r]] = r;
  return ranks;
}

absl::StatusOr<PriorityOrder> PriorityOrderFor(Policy policy) {
  switch (policy) {
    case Policy::kRateMonotonic:
      return PriorityOrder::kRateMonotonic;
    case Policy::kDeadlineMonotonic:
      return PriorityOrder::kDeadlineMonotonic;
    case Policy::kFifo:
    case Policy::kRoundRobin:
      return PriorityOrder::kExplicit;
    case Policy::kEdf:
      break;
  }
  return absl::InvalidArgumentError(
      "policy EDF has no fixed priority order (use QPA)");
}

absl::StatusOr<Verdict> LiuLaylandTest(absl::Span<const TaskSpec> tasks) {
  return RmBoundCommon(tasks, TestKind::kLiuLayland);
}

absl::StatusOr<Verdict> HyperbolicBoundTest(absl::Span<const TaskSpec> tasks) {
  return RmBoundCommon(tasks, TestKind::kHyperbolic);
}

absl::StatusOr<Verdict> ResponseTimeTest(absl::Span<const TaskSpec> tasks,
                                         PriorityOrder order) {
  if (absl::Status s = ValidateAll(tasks); !s.ok()) return s;
  for (const TaskSpec& t : tasks) {
    if (t.deadline > t.period) {
      return internal::NotApplicable(
          TestKind::kResponseTime, absl::StrCat(TaskLabel(t),
                                                " has D > T; this RTA handles "
                                                "constrained deadlines only"));
    }
  }
  const int n = static_cast<int>(tasks.size());
  const std::vector<int> ranks = PriorityRanks(tasks, order);
  Verdict v;
  v.test = TestKind::kResponseTime;
  v.accepted = true;
  v.blocking = internal::FixedPriorityBlocking(tasks, ranks);
  v.response_times.assign(n, 0);
  v.bound = 1;
  for (const TaskSpec& t : tasks) v.load += Utilization(t);

  const std::vector<int> by_rank = internal::IndicesByRank(ranks);
  std::vector<int> hep;
  hep.reserve(n);
  for (int pos = 0; pos < n; ++pos) {
    const int i = by_rank[pos];
    // hep(i): everything at least as urgent, i.e. the prefix of by_rank up
    // to the end of i's group of equal ranks, without i itself.
    hep.clear();
    for (int q = 0; q < n && ranks[by_rank[q]] <= ranks[i]; ++q) {
      if (by_rank[q] != i) hep.push_back(by_rank[q]);
    }
    const ResponseTime rt = SolveResponseTime(tasks, hep, i, v.blocking[i]);
    v.response_times[i] = rt.r;
    const TaskSpec& t = tasks[i];
    if (rt.converged && rt.r <= t.deadline) continue;
    if (!v.accepted) continue;  // report the most urgent failing task only
    v.accepted = false;
    v.failing_task = i;
    if (rt.budget_exhausted) {
      v.reason = absl::StrCat(TaskLabel(t),
                              " is not proven: the response-time iteration "
                              "did not converge within ",
                              kRtaIterationBudget, " steps under RTA");
    } else if (rt.converged) {
      v.reason = absl::StrCat(TaskLabel(t), " misses: R=", FormatNanos(rt.r),
                              " > D=", FormatNanos(t.deadline), " under RTA");
    } else {
      v.reason =
          absl::StrCat(TaskLabel(t), " misses: R > D=", FormatNanos(t.deadline),
                       " (the response time diverges) under RTA");
    }
  }
  if (v.accepted) {
    v.reason =
        absl::StrCat("accepted: R_i <= D_i for all ", n, " tasks under RTA");
  }
  return v;
}

}  // namespace moirai::rt
