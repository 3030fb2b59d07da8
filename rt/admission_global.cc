// Copyright 2026 The Moirai Authors.
//
// rt/admission_global.cc
// -----------------------------------------------------------------------------
//
// Global EDF on M identical processors: the GFB and BAK sufficient tests
// (see rt/admission.h). Both are evaluated in long double with the margin
// of internal::WithinBound, which only ever rejects more.

#include <algorithm>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/internal/analysis.h"

namespace moirai::rt {
namespace {

using internal::TaskLabel;

// The preconditions GFB and BAK share: InvalidArgument for bad input;
// otherwise OK, with `not_applicable` set when the test does not apply.
absl::Status CheckGlobal(absl::Span<const TaskSpec> tasks, int processors,
                         TestKind test,
                         std::optional<Verdict>& not_applicable) {
  if (processors < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        TestName(test), ": processors must be >= 1 (got ", processors, ")"));
  }
  if (absl::Status s = ValidateAll(tasks); !s.ok()) return s;
  for (const TaskSpec& t : tasks) {
    if (t.jitter != 0 || t.blocking != 0 || NonPreemptiveLength(t) != 0) {
      not_applicable = internal::NotApplicable(
          test, absl::StrCat(TaskLabel(t),
                             " has jitter, blocking or a non-preemptive "
                             "slice; ",
                             TestName(test),
                             " is for preemptive global EDF without them"));
      return absl::OkStatus();
    }
    if (t.deadline > t.period) {
      not_applicable = internal::NotApplicable(
          test, absl::StrCat(TaskLabel(t), " has D > T; ", TestName(test),
                             " needs constrained deadlines"));
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

long double LambdaOf(const TaskSpec& t) {
  return static_cast<long double>(t.wcet) / t.deadline;  // D <= T here
}

}  // namespace

absl::StatusOr<Verdict> GfbTest(absl::Span<const TaskSpec> tasks,
                                int processors) {
  std::optional<Verdict> not_applicable;
  if (absl::Status s = CheckGlobal(tasks, processors, TestKind::kGlobalEdfGfb,
                                   not_applicable);
      !s.ok()) {
    return s;
  }
  if (not_applicable.has_value()) return *std::move(not_applicable);
  long double sum = 0, max_lambda = 0;
  int heaviest = -1;
  for (int i = 0; i < static_cast<int>(tasks.size()); ++i) {
    const long double l = LambdaOf(tasks[i]);
    sum += l;
    if (l > max_lambda) {
      max_lambda = l;
      heaviest = i;
    }
  }
  const long double m = processors;
  const long double bound = m - (m - 1) * max_lambda;
  Verdict v;
  v.test = TestKind::kGlobalEdfGfb;
  v.load = static_cast<double>(sum);
  v.bound = static_cast<double>(bound);
  v.accepted = internal::WithinBound(sum, bound);
  if (v.accepted) {
    v.reason =
        absl::StrCat("accepted: sum lambda = ", v.load,
                     " <= M - (M-1) lambda_max = ", v.bound, " under GFB");
  } else {
    v.failing_task = heaviest;
    v.reason = absl::StrCat("not proven: sum lambda = ", v.load,
                            " > M - (M-1) lambda_max = ", v.bound,
                            " (M=", processors, ") under GFB");
  }
  return v;
}

absl::StatusOr<Verdict> BakTest(absl::Span<const TaskSpec> tasks,
                                int processors) {
  std::optional<Verdict> not_applicable;
  if (absl::Status s = CheckGlobal(tasks, processors, TestKind::kGlobalEdfBak,
                                   not_applicable);
      !s.ok()) {
    return s;
  }
  if (not_applicable.has_value()) return *std::move(not_applicable);
  const long double m = processors;
  Verdict v;
  v.test = TestKind::kGlobalEdfBak;
  v.accepted = true;
  long double tightest = -1e300L;
  for (int k = 0; k < static_cast<int>(tasks.size()); ++k) {
    const TaskSpec& tk = tasks[k];
    const long double lambda = LambdaOf(tk);
    long double sum = 0;
    for (const TaskSpec& ti : tasks) {
      const long double u = static_cast<long double>(ti.wcet) / ti.period;
      long double beta =
          u * (1.0L +
               static_cast<long double>(ti.period - ti.deadline) / tk.deadline);
      if (lambda < u) {
        beta += (static_cast<long double>(ti.wcet) - lambda * ti.period) /
                tk.deadline;
      }
      sum += std::min(1.0L, beta);
    }
    const long double bound = m - (m - 1) * lambda;
    if (internal::WithinBound(sum, bound)) {
      if (sum - bound > tightest) {
        tightest = sum - bound;
        v.load = static_cast<double>(sum);
        v.bound = static_cast<double>(bound);
      }
      continue;
    }
    v.accepted = false;
    v.failing_task = k;
    v.load = static_cast<double>(sum);
    v.bound = static_cast<double>(bound);
    v.reason = absl::StrCat(
        TaskLabel(tk), " is not proven: sum min(1, beta) = ", v.load,
        " > M - (M-1) lambda_k = ", v.bound, " (M=", processors, ") under BAK");
    return v;
  }
  v.reason = absl::StrCat("accepted: every task passes (tightest ", v.load,
                          " <= ", v.bound, ") under BAK");
  return v;
}

}  // namespace moirai::rt
