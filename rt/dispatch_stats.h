// Copyright 2026 The Moirai Authors.
//
// rt/dispatch_stats.h
// -----------------------------------------------------------------------------
//
// This header defines what the rt dispatcher counts (RT.md, goal G11):
//
//   * `MissCause`: why a job missed its deadline, the first that applies:
//       kOverrun       the job ran past its WCET, or was served in a budget
//                      period its task's earlier overrun postponed, or a
//                      job on the core overran in the same busy period
//                      (since the core last had no pending job: the
//                      backlog an overrun leaves lasts until then; with
//                      budgets off, this is the domino effect);
//       kNotAdmitted   the core's task set failed its exact admission test
//                      (possible only with AdmissionMode::kNone);
//       kInterference  the platform stole at least the lateness (wall time
//                      minus the CPU time the caller reported, summed over
//                      the core's slices while the job was pending);
//       kBlocking      the job waited, as the most urgent ready job, for a
//                      less urgent job's non-preemptive slice;
//       kInterference  (again) some interference, less than the lateness;
//       kUnexplained   none of these: a bug, in the set or in Moirai.
//   * `LogHistogram`: response times in log-linear buckets (4 per octave,
//     so a quantile is reported within 25 % above the true value; the
//     maximum is exact).
//   * `TaskStats` / `DispatcherStats`: a pull-style snapshot, as
//     sched::Scheduler::Stats().
//   * `FormatStats()`: the miss report, one line per task.

#ifndef MOIRAI_RT_DISPATCH_STATS_H_
#define MOIRAI_RT_DISPATCH_STATS_H_

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {

enum class MissCause : std::uint8_t {
  kOverrun,
  kNotAdmitted,
  kInterference,
  kBlocking,
  kUnexplained,
};
inline constexpr int kMissCauses = 5;

// MissCauseName(): "overrun", "not-admitted", "interference", "blocking",
// "unexplained".
absl::string_view MissCauseName(MissCause cause);

// LogHistogram
//
// Counts of non-negative nanosecond values. Value v lands in bucket
// (octave e = floor(log2 v), quarter q = the two bits below the top one);
// values 0..3 have their own buckets. Record() is a few instructions.
class LogHistogram {
 public:
  static constexpr int kSubBits = 2;
  static constexpr int kBuckets = 64 << kSubBits;

  void Record(Nanos v) noexcept;

  // LogHistogram::Quantile(): the upper bound of the bucket that holds the
  // q-quantile (0 < q <= 1), capped at max(); 0 when empty.
  Nanos Quantile(double q) const noexcept;

  std::int64_t count() const noexcept { return count_; }
  Nanos max() const noexcept { return max_; }

  static int BucketOf(Nanos v) noexcept;
  static Nanos BucketUpperBound(int bucket) noexcept;

 private:
  std::array<std::int64_t, kBuckets> counts_{};
  std::int64_t count_ = 0;
  Nanos max_ = 0;
};

// kNoValue: a min/max that has no sample yet.
inline constexpr Nanos kNoValue = std::numeric_limits<Nanos>::min();

// TaskStats: one task's counters since it was added.
struct TaskStats {
  std::string name;
  std::uint32_t slot = 0;
  // Jobs released (after skips), completed (even late), missed (completed
  // late, aborted or dropped).
  std::int64_t released = 0;
  std::int64_t completed = 0;
  std::int64_t missed = 0;
  std::array<std::int64_t, kMissCauses> misses_by_cause{};
  // Jobs that ran past their WCET; of those, the ones aborted (kAbortJob)
  // or demoted (kDemote); releases skipped (kSkipNextRelease).
  std::int64_t overruns = 0;
  std::int64_t aborted = 0;
  std::int64_t demoted = 0;
  std::int64_t skipped = 0;
  // Releases dropped because max_pending_jobs were already pending.
  std::int64_t dropped = 0;
  // Pending jobs discarded by RemoveTask (only in its returned stats).
  std::int64_t discarded = 0;
  // Times the budget ran out and the server was throttled.
  std::int64_t throttles = 0;
  // Non-preemptive slices that ran longer than granted (the watchdog).
  std::int64_t slice_overruns = 0;
  // Over completed jobs: max(finish - deadline) (kNoValue if none), the
  // response time (finish - arrival) histogram, execution time.
  Nanos max_lateness = kNoValue;
  LogHistogram response;
  Nanos exec_min = kNoValue;
  Nanos exec_max = kNoValue;
  Nanos exec_total = 0;
  // Time its jobs waited for less urgent non-preemptive slices, and the
  // platform interference (wall - cpu) of its own slices.
  Nanos blocked_time = 0;
  Nanos interference_time = 0;

  double exec_avg() const {
    return completed == 0 ? 0.0 : static_cast<double>(exec_total) / completed;
  }
  std::int64_t misses(MissCause c) const {
    return misses_by_cause[static_cast<int>(c)];
  }
};

// DispatcherStats: a snapshot of one core.
struct DispatcherStats {
  std::vector<TaskStats> tasks;  // by slot
  // The current task set passes the exact test of the dispatcher's policy.
  bool admitted = true;
  std::int64_t dispatches = 0;   // slices granted
  std::int64_t preemptions = 0;  // a pending, started job lost the core
  Nanos busy_time = 0;           // CPU time reported
  Nanos interference_time = 0;   // wall - cpu, summed over slices

  std::int64_t total_missed() const {
    std::int64_t n = 0;
    for (const TaskStats& t : tasks) n += t.missed;
    return n;
  }
  // The stats of the task named `name`, or nullptr.
  const TaskStats* Find(absl::string_view name) const;
};

// FormatStats(): a header and one line per task, e.g.
//   ctl  released=100 completed=100 missed=0 max_late=-1.2ms
//        resp p50=1.5ms p99=2ms max=1.9ms exec 0.9ms/1ms/1ms overruns=0
std::string FormatStats(const DispatcherStats& stats);

}  // namespace moirai::rt

#endif  // MOIRAI_RT_DISPATCH_STATS_H_
