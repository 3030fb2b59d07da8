// Copyright 2026 The Moirai Authors.
//
// rt/admission.cc
// -----------------------------------------------------------------------------
//
// The pieces every test shares (rt/internal/analysis.h), TestName() and
// ExactTest(). The tests themselves live in admission_fp.cc (L&L, HB,
// RTA), admission_edf.cc (EDF-U, density, QPA) and admission_global.cc
// (GFB, BAK).

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/internal/analysis.h"
#include "moirai/rt/internal/arith.h"

namespace moirai::rt {
namespace internal {

bool WithinBound(long double lhs, long double bound) {
  return lhs <= bound - kBoundSlack * std::max(1.0L, std::fabs(bound));
}

std::vector<int> IndicesByRank(absl::Span<const int> ranks) {
  std::vector<int> order(ranks.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return ranks[a] < ranks[b]; });
  return order;
}

std::vector<Nanos> FixedPriorityBlocking(absl::Span<const TaskSpec> tasks,
                                         absl::Span<const int> ranks) {
  const int n = static_cast<int>(tasks.size());
  const std::vector<int> order = IndicesByRank(ranks);
  std::vector<Nanos> blocking(n, 0);
  // Walk from the least urgent group upwards; `below` is the longest
  // non-preemptive region among the strictly less urgent tasks seen so far.
  // Equal ranks form a group that does not block itself.
  Nanos below = 0;
  for (int end = n; end > 0;) {
    int begin = end - 1;
    while (begin > 0 && ranks[order[begin - 1]] == ranks[order[end - 1]]) {
      --begin;
    }
    Nanos group_max = 0;
    for (int k = begin; k < end; ++k) {
      const TaskSpec& t = tasks[order[k]];
      blocking[order[k]] = std::max(t.blocking, below);
      group_max = std::max(group_max, NonPreemptiveLength(t));
    }
    below = std::max(below, group_max);
    end = begin;
  }
  return blocking;
}

namespace {

template <typename WindowFn>
SumCheck CheckSum(absl::Span<const TaskSpec> tasks, WindowFn window) {
  SumCheck c;
  for (const TaskSpec& t : tasks) {
    c.approx += static_cast<long double>(t.wcet) / window(t);
  }
  if (c.approx < 1.0L - kBoundSlack || c.approx > 1.0L + kBoundSlack) {
    c.certain = true;
    c.at_most_one = c.approx < 1.0L;
    return c;
  }
  ExactFractionSum exact;
  for (const TaskSpec& t : tasks) {
    exact.Add(static_cast<std::uint64_t>(t.wcet),
              static_cast<std::uint64_t>(window(t)));
  }
  if (const std::optional<int> cmp = exact.CompareToOne(); cmp.has_value()) {
    c.certain = true;
    c.at_most_one = *cmp <= 0;
    return c;
  }
  c.ambiguous = true;
  return c;
}

}  // namespace

SumCheck CheckUtilization(absl::Span<const TaskSpec> tasks) {
  return CheckSum(tasks, [](const TaskSpec& t) { return t.period; });
}

SumCheck CheckDensity(absl::Span<const TaskSpec> tasks) {
  return CheckSum(tasks, [](const TaskSpec& t) {
    return std::min(t.deadline - t.jitter, t.period);
  });
}

bool HasBlocking(absl::Span<const TaskSpec> tasks) {
  return std::any_of(tasks.begin(), tasks.end(), [](const TaskSpec& t) {
    return t.blocking > 0 || NonPreemptiveLength(t) > 0;
  });
}

Verdict NotApplicable(TestKind test, std::string reason) {
  Verdict v;
  v.test = test;
  v.accepted = false;
  v.applicable = false;
  v.reason = absl::StrCat("not applicable: ", reason);
  return v;
}

std::string TaskLabel(const TaskSpec& task) {
  return absl::StrCat("task '", task.name, "'");
}

}  // namespace internal

absl::string_view TestName(TestKind test) {
  switch (test) {
    case TestKind::kLiuLayland:
      return "L&L";
    case TestKind::kHyperbolic:
      return "HB";
    case TestKind::kResponseTime:
      return "RTA";
    case TestKind::kEdfUtilization:
      return "EDF-U";
    case TestKind::kEdfDensity:
      return "EDF-density";
    case TestKind::kQpa:
      return "QPA";
    case TestKind::kGlobalEdfGfb:
      return "GFB";
    case TestKind::kGlobalEdfBak:
      return "BAK";
    case TestKind::kPartitioned:
      return "partitioned";
  }
  return "?";
}

absl::StatusOr<Verdict> ExactTest(absl::Span<const TaskSpec> tasks,
                                  Policy policy) {
  if (policy == Policy::kEdf) return QpaTest(tasks);
  absl::StatusOr<PriorityOrder> order = PriorityOrderFor(policy);
  if (!order.ok()) return order.status();
  return ResponseTimeTest(tasks, *order);
}

}  // namespace moirai::rt
