// Copyright 2026 The Moirai Authors.
//
// rt/admission_edf.cc
// -----------------------------------------------------------------------------
//
// Uniprocessor EDF tests: utilization, density and the exact
// processor-demand test walked with QPA (see rt/admission.h).

#include <algorithm>
#include <cmath>
#include <cstdint>
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

// Iteration budgets. The busy-period iteration grows by at least one C_i
// per step, the QPA walk falls by at least 1 ns per step; both stay far
// below these budgets for any sane set (n = 32 needs tens of steps). A set
// that exhausts one is rejected, which is the safe side.
constexpr int kBusyPeriodBudget = 1 << 20;
constexpr int kQpaBudget = 1 << 22;

// The demand-bound function of the set and the blocking step function B(t)
// of rt/admission.h. Effective deadlines D' = D - J (a job that becomes
// ready J late has J less time; Spuri 1996).
class Demand {
 public:
  explicit Demand(absl::Span<const TaskSpec> tasks)
      : tasks_(tasks), has_blocking_(internal::HasBlocking(tasks)) {}

  bool has_blocking() const { return has_blocking_; }

  // h(t): the work of the jobs with arrival and deadline inside a window of
  // length t, saturated.
  Nanos H(Nanos t) const {
    Nanos h = 0;
    for (const TaskSpec& x : tasks_) {
      const Nanos d = x.deadline - x.jitter;
      if (t < d) continue;
      h = SatAdd(h, SatMul((t - d) / x.period + 1, x.wcet));
    }
    return h;
  }

  // B(t), as in the banner of rt/admission.h.
  Nanos B(Nanos t) const {
    if (!has_blocking_) return 0;
    bool later = false;
    Nanos np = 0, wcet = 0, inside = 0;
    for (const TaskSpec& x : tasks_) {
      if (x.deadline > t) {
        later = true;
        np = std::max(np, NonPreemptiveLength(x));
        wcet = std::max(wcet, x.wcet);
      }
      if (x.deadline - x.jitter <= t) inside = std::max(inside, x.blocking);
    }
    if (!later) return 0;
    return std::max(np, std::min(inside, wcet));
  }

  // The start of the step of B that holds t: the largest point <= t where
  // B can change (some D_j or D_j - J_j), or 0.
  Nanos StepStart(Nanos t) const {
    if (!has_blocking_) return 0;
    Nanos lo = 0;
    for (const TaskSpec& x : tasks_) {
      if (x.deadline <= t) lo = std::max(lo, x.deadline);
      if (x.deadline - x.jitter <= t) lo = std::max(lo, x.deadline - x.jitter);
    }
    return lo;
  }

  // The largest absolute deadline point d_{i,k} = D'_i + k T_i below x, or
  // -1 if there is none.
  Nanos MaxDeadlineBelow(Nanos x) const {
    Nanos best = -1;
    for (const TaskSpec& t : tasks_) {
      const Nanos d = t.deadline - t.jitter;
      if (d >= x) continue;
      best = std::max(best, d + (x - 1 - d) / t.period * t.period);
    }
    return best;
  }

  // A task with an absolute deadline point at t (the lowest index).
  int TaskWithDeadlineAt(Nanos t) const {
    for (int i = 0; i < static_cast<int>(tasks_.size()); ++i) {
      const Nanos d = tasks_[i].deadline - tasks_[i].jitter;
      if (t >= d && (t - d) % tasks_[i].period == 0) return i;
    }
    return -1;
  }

 private:
  absl::Span<const TaskSpec> tasks_;
  bool has_blocking_;
};

Verdict UtilizationVerdict(TestKind test, const internal::SumCheck& c,
                           absl::string_view what) {
  Verdict v;
  v.test = test;
  v.accepted = c.at_most_one;
  v.load = static_cast<double>(c.approx);
  v.bound = 1;
  if (c.ambiguous) {
    v.reason =
        absl::StrCat("not proven: ", what, " = ", v.load,
                     " is too close to 1 to decide under ", TestName(test));
  } else {
    v.reason = absl::StrCat(c.at_most_one ? "accepted: " : "rejected: ", what,
                            " = ", v.load, c.at_most_one ? " <= 1" : " > 1",
                            " (exact) under ", TestName(test));
  }
  return v;
}

}  // namespace

absl::StatusOr<Verdict> EdfUtilizationTest(absl::Span<const TaskSpec> tasks) {
  if (absl::Status s = ValidateAll(tasks); !s.ok()) return s;
  for (const TaskSpec& t : tasks) {
    if (t.deadline < t.period || t.jitter != 0 || t.blocking != 0 ||
        NonPreemptiveLength(t) != 0) {
      return internal::NotApplicable(
          TestKind::kEdfUtilization,
          absl::StrCat(TaskLabel(t),
                       " has D < T, jitter, blocking or a non-preemptive "
                       "slice; U <= 1 is exact only without them (use QPA)"));
    }
  }
  return UtilizationVerdict(TestKind::kEdfUtilization,
                            internal::CheckUtilization(tasks), "U");
}

absl::StatusOr<Verdict> EdfDensityTest(absl::Span<const TaskSpec> tasks) {
  if (absl::Status s = ValidateAll(tasks); !s.ok()) return s;
  const internal::SumCheck c = internal::CheckDensity(tasks);
  Verdict v = UtilizationVerdict(TestKind::kEdfDensity, c, "density");
  if (!v.accepted || !internal::HasBlocking(tasks)) return v;
  // B(t) <= (1 - density) t on every step of B, checked at the step's
  // first possible deadline point max(step start, d_min): then h(t) + B(t)
  // <= density t + B(t) <= t at every deadline point.
  const Demand demand(tasks);
  Nanos d_min = kMaxTaskTime;
  for (const TaskSpec& t : tasks)
    d_min = std::min(d_min, t.deadline - t.jitter);
  std::vector<Nanos> starts = {d_min};
  for (const TaskSpec& t : tasks) {
    starts.push_back(t.deadline);
    starts.push_back(t.deadline - t.jitter);
  }
  const long double slack = 1.0L - c.approx;
  for (const Nanos s : starts) {
    if (s < d_min) continue;
    const Nanos b = demand.B(s);
    if (b == 0) continue;
    if (!internal::WithinBound(static_cast<long double>(b), slack * s)) {
      v.accepted = false;
      v.failing_point = s;
      v.demand_blocking = b;
      v.reason = absl::StrCat("not proven: blocking B(t)=", FormatNanos(b),
                              " > (1 - density) t at t=", FormatNanos(s),
                              " under EDF-density");
      return v;
    }
  }
  return v;
}

absl::StatusOr<Verdict> QpaTest(absl::Span<const TaskSpec> tasks) {
  if (absl::Status s = ValidateAll(tasks); !s.ok()) return s;
  Verdict v;
  v.test = TestKind::kQpa;
  v.bound = 1;
  const internal::SumCheck u = internal::CheckUtilization(tasks);
  v.load = static_cast<double>(u.approx);
  if (!u.at_most_one && !u.ambiguous) {
    v.reason = absl::StrCat("rejected: U = ", v.load, " > 1",
                            u.certain ? " (exact)" : "", " under QPA");
    return v;
  }
  if (tasks.empty()) {
    v.accepted = true;
    v.reason = "accepted: no tasks under QPA";
    return v;
  }
  const Demand demand(tasks);
  Nanos d_max = 0;
  for (const TaskSpec& t : tasks) d_max = std::max(d_max, t.deadline);

  // L_a (only for U clearly below 1, where 1 / (1 - U) is well
  // conditioned): a safe upper bound, rounded up with margins.
  Nanos l_a = -1;
  if (u.approx < 1.0L - 1e-9L) {
    long double num = 0;
    for (const TaskSpec& t : tasks) {
      num += static_cast<long double>(t.period - t.deadline + t.jitter) *
             t.wcet / t.period;
    }
    const long double bound = std::max<long double>(0, num) /
                                  (1.0L - u.approx - 1e-12L) * (1.0L + 1e-12L) +
                              1.0L;
    if (bound < static_cast<long double>(kMaxTaskTime)) {
      l_a = std::max(d_max, static_cast<Nanos>(std::ceil(bound)));
    }
  }
  // L_b: the synchronous busy period w = sum ceil((w + J_i) / T_i) C_i, cut
  // short once it passes L_a. Its convergence also proves U <= 1 when the
  // rational check was inexact (W(w) = w needs U w <= w).
  Nanos w = 0;
  for (const TaskSpec& t : tasks) w = SatAdd(w, t.wcet);
  bool converged = false;
  for (int iter = 0; iter < kBusyPeriodBudget; ++iter) {
    if (w > kMaxTaskTime || (l_a >= 0 && w >= l_a)) break;
    Nanos next = 0;
    for (const TaskSpec& t : tasks) {
      next = SatAdd(next, SatMul(CeilDiv(w + t.jitter, t.period), t.wcet));
    }
    if (next == w) {
      converged = true;
      break;
    }
    w = next;
  }
  Nanos l;
  if (converged) {
    l = l_a >= 0 ? std::min(w, l_a) : w;
  } else if (l_a >= 0 && u.at_most_one) {
    l = l_a;
  } else {
    v.reason = absl::StrCat(
        "not proven: the synchronous busy period did not converge below ",
        FormatNanos(std::min(w, kMaxTaskTime)), " (U = ", v.load,
        ") under QPA");
    return v;
  }
  const Nanos upper = std::max(l, d_max);

  // The walk (Zhang & Burns 2009, Theorem 5), generalized to h + B: on a
  // step of B starting at `lo`, h(t') + B <= h(t) + B = v for t' <= t, so
  // every deadline point in [max(v, lo), t] passes once t does, and the
  // walk continues below max(v, lo). With B = 0 (one step from 0) this is
  // QPA exactly: t <- h(t), or the previous deadline when h(t) = t.
  Nanos t = demand.MaxDeadlineBelow(upper);
  int steps = 0;
  while (t >= 0) {
    if (++steps > kQpaBudget) {
      v.reason = absl::StrCat("not proven: QPA walk exceeded ", kQpaBudget,
                              " steps (at t=", FormatNanos(t), ")");
      return v;
    }
    const Nanos h = demand.H(t);
    const Nanos b = demand.B(t);
    const Nanos need = SatAdd(h, b);
    if (need > t) {
      v.failing_point = t;
      v.demand = h;
      v.demand_blocking = b;
      v.failing_task = demand.TaskWithDeadlineAt(t);
      const std::string who =
          v.failing_task >= 0 ? TaskLabel(tasks[v.failing_task]) : "a job";
      v.reason = absl::StrCat(
          who, " misses: demand h(t)=", FormatNanos(h),
          b > 0 ? absl::StrCat(" + blocking B(t)=", FormatNanos(b)) : "",
          " > t=", FormatNanos(t), " under QPA");
      return v;
    }
    t = demand.MaxDeadlineBelow(std::max(need, demand.StepStart(t)));
  }
  v.accepted = true;
  v.reason = absl::StrCat("accepted: h(t) + B(t) <= t for every deadline t < ",
                          FormatNanos(upper), " under QPA");
  return v;
}

}  // namespace moirai::rt
