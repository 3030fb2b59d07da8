// Copyright 2026 The Moirai Authors.
//
// rt/internal/analysis.h
// -----------------------------------------------------------------------------
//
// Helpers shared by the admission tests (rt/admission_*.cc): the
// fixed-priority blocking term, the exact-or-conservative "sum <= 1"
// decision, the floating-point margin for the irrational bounds, and
// Verdict constructors. Not part of the public API.

#ifndef MOIRAI_RT_INTERNAL_ANALYSIS_H_
#define MOIRAI_RT_INTERNAL_ANALYSIS_H_

#include <string>
#include <vector>

#include "absl/types/span.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt::internal {

// kBoundSlack: the relative margin by which a floating-point left side must
// stay below a bound for a sufficient test to accept. Long double sums of
// <= 2^16 terms err by far less (about 1e-15), so a set the margin rejects
// is within a hair of the bound; rejecting it keeps the test sufficient and
// keeps the dominance chains (L&L => HB => RTA, density => QPA) intact.
inline constexpr long double kBoundSlack = 1e-12L;

// WithinBound(): lhs <= bound, with the margin above.
bool WithinBound(long double lhs, long double bound);

// IndicesByRank(): task indices sorted most urgent first (stable on ties).
std::vector<int> IndicesByRank(absl::Span<const int> ranks);

// FixedPriorityBlocking()
//
// B_i = max(tasks[i].blocking, max { NonPreemptiveLength(j) : ranks[j] >
// ranks[i] }) for every i (see the banner of rt/admission.h). O(n log n).
std::vector<Nanos> FixedPriorityBlocking(absl::Span<const TaskSpec> tasks,
                                         absl::Span<const int> ranks);

// SumCheck: the result of deciding sum_i C_i / W_i <= 1.
//
// The sum is first taken in long double: its rounding error is below
// n 2^-63 (about 1e-17 for n = 32), so a sum more than kBoundSlack away
// from 1 decides the question with certainty at O(n) cost. Only a sum
// within that band of 1 is redone with exact 128-bit rationals; if those
// overflow too (huge coprime periods), the question stays open.
struct SumCheck {
  long double approx = 0;  // the sum in long double, for reports
  bool certain = false;    // at_most_one is proven (by margin or exactly)
  bool at_most_one = false;
  // !certain: too close to 1 for long double, too large for rationals.
  // at_most_one is then false.
  bool ambiguous = false;
};

// CheckUtilization(): sum C_i / T_i <= 1.
SumCheck CheckUtilization(absl::Span<const TaskSpec> tasks);

// CheckDensity(): sum C_i / min(D_i - J_i, T_i) <= 1.
SumCheck CheckDensity(absl::Span<const TaskSpec> tasks);

// HasBlocking(): some task has a non-preemptive slice or a blocking term.
bool HasBlocking(absl::Span<const TaskSpec> tasks);

// NotApplicable(): a Verdict with applicable = accepted = false.
Verdict NotApplicable(TestKind test, std::string reason);

// TaskLabel(): "task 'name'".
std::string TaskLabel(const TaskSpec& task);

}  // namespace moirai::rt::internal

#endif  // MOIRAI_RT_INTERNAL_ANALYSIS_H_
