// Copyright 2026 The Moirai Authors.
//
// tools/cli/goals.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/goals.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace moirai::cli {
namespace {

Goal Ratio(std::string case_name, std::vector<std::string> peers, double target,
           std::string text) {
  return Goal{
      GoalKind::kRatio, std::move(case_name), std::move(peers), target, "",
      std::move(text)};
}

Goal NsPerItem(std::string case_name, double target, std::string text) {
  return Goal{GoalKind::kNsPerItem, std::move(case_name), {}, target, "",
              std::move(text)};
}

Goal Speedup(std::string case_name, std::string base_case, double target,
             std::string text) {
  return Goal{GoalKind::kSpeedup,   std::move(case_name), {}, target,
              std::move(base_case), std::move(text)};
}

}  // namespace

bool MatchesGoalCase(absl::string_view case_name, absl::string_view variant,
                     absl::string_view goal_case) {
  if (case_name != goal_case) return false;
  if (variant.empty()) return true;
  // `->Threads(N)` on a case already named `<...>_<N>t` repeats the count.
  return absl::StartsWith(variant, "threads:") &&
         absl::EndsWith(case_name, absl::StrCat("_", variant.substr(8), "t"));
}

absl::string_view GoalKindName(GoalKind kind) {
  switch (kind) {
    case GoalKind::kRatio:
      return "ratio";
    case GoalKind::kNsPerItem:
      return "ns_per_item";
    case GoalKind::kSpeedup:
      return "speedup";
  }
  return "invalid";
}

std::optional<GoalKind> ParseGoalKind(absl::string_view name) {
  for (GoalKind k :
       {GoalKind::kRatio, GoalKind::kNsPerItem, GoalKind::kSpeedup}) {
    if (GoalKindName(k) == name) return k;
  }
  return std::nullopt;
}

absl::string_view GoalStatusName(GoalStatus status) {
  switch (status) {
    case GoalStatus::kMet:
      return "met";
    case GoalStatus::kNotMet:
      return "not_met";
    case GoalStatus::kNotMeasured:
      return "not_measured";
  }
  return "invalid";
}

std::optional<GoalStatus> ParseGoalStatus(absl::string_view name) {
  for (GoalStatus s :
       {GoalStatus::kMet, GoalStatus::kNotMet, GoalStatus::kNotMeasured}) {
    if (GoalStatusName(s) == name) return s;
  }
  return std::nullopt;
}

const std::vector<Goal>& PerformanceGoals() {
  // Peer aliases: the impl names a package's benchmark may use for the peer.
  const std::vector<std::string> kStd = {"std"};
  const std::vector<std::string> kTbb = {"tbb", "onetbb"};
  const std::vector<std::string> kBoost = {"boost"};
  const std::vector<std::string> kBoostFiber = {"boost", "boost_fiber"};
  static const auto* const kGoals = new std::vector<Goal>{
      Ratio("mutex_uncontended", kStd, 0.8,
            "uncontended mutex lock+unlock <= 0.8x std::mutex"),
      Ratio("mutex_uncontended", {"absl"}, 1.0,
            "uncontended mutex lock+unlock <= absl::Mutex"),
      Ratio("mutex_uncontended", {"floor"}, 1.5,
            "uncontended mutex within 1.5x of the bare-atomic floor"),
      Ratio("mutex_contended_2t", kStd, 1 / 1.5,
            "contended mutex, 2 threads: >= 1.5x std::mutex throughput"),
      Ratio("rwlock_readers_2t", kStd, 0.5,
            "rwlock, readers only, 2 threads: >= 2x std::shared_mutex "
            "throughput"),
      Ratio("queue_mpmc_1p1c", {"moodycamel"}, 1.0,
            "MPMC queue 1p1c: >= moodycamel throughput"),
      Ratio("queue_mpmc_1p1c", kBoost, 1 / 3.0,
            "MPMC queue 1p1c: >= 3x boost::lockfree::queue"),
      Ratio("queue_mpmc_2p2c", {"moodycamel"}, 1.0,
            "MPMC queue 2p2c: >= moodycamel throughput"),
      Ratio("queue_mpmc_2p2c", kBoost, 1 / 3.0,
            "MPMC queue 2p2c: >= 3x boost::lockfree::queue"),
      Ratio("stack_push_pop", kBoost, 1 / 1.5,
            "stack push/pop: >= 1.5x boost::lockfree::stack"),
      NsPerItem("deque_owner_push_pop", 3.0,
                "work-stealing deque, owner push+pop: <= 3 ns per operation"),
      Ratio("map_read90_2t", kTbb, 1 / 1.5,
            "hash map, 90% reads, 2 threads: >= 1.5x "
            "tbb::concurrent_hash_map"),
      Ratio("map_read90_2t", {"libcuckoo"}, 1.0,
            "hash map, 90% reads, 2 threads: >= libcuckoo"),
      NsPerItem("map_find_10k", 15.0,
                "hash map find in a cache-resident table <= 15 ns"),
      NsPerItem("alloc_free_64", 5.0,
                "pool allocate+free, 64 B, one thread: <= 5 ns per pair"),
      Ratio("alloc_free_64", {"glibc", "malloc"}, 0.5,
            "pool allocate+free, 64 B: >= 2x glibc malloc"),
      Ratio("alloc_free_64", {"mimalloc"}, 1.0,
            "pool allocate+free, 64 B: >= mimalloc"),
      Ratio("fib30_1t", kTbb, 0.5,
            "fork-join fib(30), 1 thread: <= 0.5x oneTBB task_group"),
      Ratio("fib30_1t", {"serial"}, 10.0,
            "fork-join fib(30), 1 thread: <= 10x the serial call"),
      Speedup("fib30_2t", "fib30_1t", 1.85,
              "fork-join fib(30), 2 threads: speedup over 1 thread >= 1.85x"),
      Ratio("skynet_1m", kTbb, 0.5, "skynet (1M tasks): <= 0.5x oneTBB"),
      Ratio("skynet_1m", kBoostFiber, 0.25,
            "skynet (1M tasks): <= 0.25x Boost.Fiber"),
      Ratio("fiber_spawn_join", kBoostFiber, 0.33,
            "fiber spawn+join: <= 0.33x Boost.Fiber"),
      Ratio("fiber_yield", kBoostFiber, 0.5,
            "fiber switch (yield): <= 0.5x Boost.Fiber yield"),
      Ratio("fiber_yield", {"floor"}, 4.0,
            "fiber switch: within 4x of a raw jump_fcontext"),
      Ratio("channel_pingpong", kBoostFiber, 0.5,
            "channel ping-pong between fibers: <= 0.5x Boost.Fiber "
            "buffered_channel"),
      Ratio("echo_tcp", {"asio"}, 1 / 0.9,
            "TCP echo over loopback: >= 0.9x a hand-written Asio callback "
            "server"),
  };
  return *kGoals;
}

std::vector<GoalResult> EvaluateGoals(absl::Span<const Goal> goals,
                                      absl::Span<const PackageResults> results,
                                      std::vector<Comparison>& comparisons) {
  std::vector<GoalResult> out;
  for (const Goal& goal : goals) {
    GoalResult base;
    base.kind = goal.kind;
    base.case_name = goal.case_name;
    base.target = goal.target;
    base.text = goal.text;
    const size_t before = out.size();
    switch (goal.kind) {
      case GoalKind::kRatio: {
        base.against = goal.peers.front();
        for (Comparison& c : comparisons) {
          if (!MatchesGoalCase(c.case_name, c.variant, goal.case_name) ||
              std::find(goal.peers.begin(), goal.peers.end(), c.peer) ==
                  goal.peers.end()) {
            continue;
          }
          const bool met = c.ratio <= goal.target;
          c.goal_ratio = goal.target;
          c.goal_met = met;
          GoalResult r = base;
          r.against = c.peer;
          r.package = c.package;
          r.moirai_impl = c.moirai_impl;
          r.measured = c.ratio;
          r.status = met ? GoalStatus::kMet : GoalStatus::kNotMet;
          out.push_back(std::move(r));
        }
        break;
      }
      case GoalKind::kNsPerItem: {
        base.against = "ns/item";
        for (const PackageResults& pkg : results) {
          for (const CaseResult& cr : *pkg.results) {
            if (!MatchesGoalCase(cr.case_name, cr.variant, goal.case_name) ||
                !IsMoiraiImpl(cr.impl) || !cr.median_ns) {
              continue;
            }
            GoalResult r = base;
            r.package = pkg.package;
            r.moirai_impl = cr.impl;
            if (cr.ns_per_item) {
              r.measured = cr.ns_per_item;
            } else {
              r.measured = cr.median_ns;
              r.note =
                  "per iteration: the benchmark reports no items_per_second";
            }
            r.status = *r.measured <= goal.target ? GoalStatus::kMet
                                                  : GoalStatus::kNotMet;
            out.push_back(std::move(r));
          }
        }
        break;
      }
      case GoalKind::kSpeedup: {
        base.against = goal.base_case;
        for (const PackageResults& pkg : results) {
          for (const CaseResult& cr : *pkg.results) {
            if (!MatchesGoalCase(cr.case_name, cr.variant, goal.case_name) ||
                !IsMoiraiImpl(cr.impl) || !cr.median_ns) {
              continue;
            }
            for (const CaseResult& b : *pkg.results) {
              if (!MatchesGoalCase(b.case_name, b.variant, goal.base_case) ||
                  b.impl != cr.impl || !b.median_ns || !(*cr.median_ns > 0)) {
                continue;
              }
              GoalResult r = base;
              r.package = pkg.package;
              r.moirai_impl = cr.impl;
              r.measured = *b.median_ns / *cr.median_ns;
              r.status = *r.measured >= goal.target ? GoalStatus::kMet
                                                    : GoalStatus::kNotMet;
              out.push_back(std::move(r));
            }
          }
        }
        break;
      }
    }
    if (out.size() == before) out.push_back(std::move(base));
  }
  return out;
}

}  // namespace moirai::cli
