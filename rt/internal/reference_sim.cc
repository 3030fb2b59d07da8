// Copyright 2026 The Moirai Authors.
//
// rt/internal/reference_sim.cc
// -----------------------------------------------------------------------------

#include "moirai/rt/internal/reference_sim.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

namespace moirai::rt::internal {
namespace {

constexpr Nanos kNever = std::numeric_limits<Nanos>::max();

struct Job {
  int task;
  std::int64_t index;
  Nanos arrival;
  Nanos release;
  Nanos deadline;
  Nanos remaining;
  Nanos np_until = 0;  // while running: not preemptible before this instant
  bool running = false;
};

}  // namespace

SimResult Simulate(absl::Span<const TaskSpec> tasks, const SimConfig& config) {
  SimResult result;
  const int n = static_cast<int>(tasks.size());
  const int m = config.processors;
  const bool fp = config.scheduler == SimScheduler::kFixedPriority;
  if (m < 1) {
    result.error = "processors must be >= 1";
    return result;
  }
  if (m > 1 && (fp || config.limited_preemptive)) {
    result.error = "several processors: preemptive EDF only";
    return result;
  }
  if (fp && static_cast<int>(config.priorities.size()) != n) {
    result.error = "fixed priority needs one priority per task";
    return result;
  }
  if ((!config.arrival_offset.empty() &&
       static_cast<int>(config.arrival_offset.size()) != n) ||
      (!config.first_release.empty() &&
       static_cast<int>(config.first_release.size()) != n)) {
    result.error = "offsets must be empty or one per task";
    return result;
  }

  // Expand every job that arrives before the horizon.
  std::vector<Job> jobs;
  for (int i = 0; i < n; ++i) {
    const TaskSpec& t = tasks[i];
    const Nanos a0 =
        config.arrival_offset.empty() ? 0 : config.arrival_offset[i];
    const Nanos r0 =
        config.first_release.empty() ? a0 : config.first_release[i];
    if (r0 < a0 || r0 > a0 + t.jitter) {
      result.error = "first release outside [arrival, arrival + jitter]";
      return result;
    }
    for (std::int64_t k = 0;; ++k) {
      const Nanos a = a0 + k * t.period;
      if (a >= config.horizon) break;
      jobs.push_back({i, k, a, k == 0 ? r0 : a, a + t.deadline, t.wcet});
    }
  }
  std::sort(jobs.begin(), jobs.end(), [](const Job& x, const Job& y) {
    return std::tie(x.release, x.task, x.index) <
           std::tie(y.release, y.task, y.index);
  });
  result.jobs = static_cast<std::int64_t>(jobs.size());
  if (jobs.empty()) return result;

  // Smaller key = dispatched first.
  auto key = [&](const Job& j) {
    const Nanos primary = fp ? config.priorities[j.task] : j.deadline;
    return std::make_tuple(primary, fp ? j.release : j.arrival, j.task,
                           j.index);
  };

  std::vector<int> pending;  // released, unfinished jobs
  std::vector<int> chosen;
  std::size_t next = 0;  // the first job not yet released
  Nanos now = jobs[0].release;
  while (next < jobs.size() || !pending.empty()) {
    while (next < jobs.size() && jobs[next].release <= now) {
      pending.push_back(static_cast<int>(next++));
    }
    if (pending.empty()) {
      now = jobs[next].release;
      continue;
    }
    // A job still pending past its deadline will finish late (caught at the
    // first event after its deadline; an early exit, not needed for
    // correctness: every job is run to completion otherwise).
    for (const int p : pending) {
      if (jobs[p].deadline < now) {
        const Job& j = jobs[p];
        result.missed = true;
        result.task = j.task;
        result.job = j.index;
        result.arrival = j.arrival;
        result.deadline = j.deadline;
        result.finish = now;  // a lower bound: it has not finished yet
        return result;
      }
    }

    // Choose what runs in [now, next event): jobs inside a non-preemptive
    // chunk keep their processor; the rest go to the most urgent jobs.
    chosen.clear();
    for (const int p : pending) {
      if (jobs[p].running && jobs[p].np_until > now) chosen.push_back(p);
    }
    std::vector<int> rest;
    for (const int p : pending) {
      if (!(jobs[p].running && jobs[p].np_until > now)) rest.push_back(p);
    }
    std::sort(rest.begin(), rest.end(),
              [&](int x, int y) { return key(jobs[x]) < key(jobs[y]); });
    for (std::size_t k = 0; k < rest.size() && chosen.size() < std::size_t(m);
         ++k) {
      Job& j = jobs[rest[k]];
      // A job (re)dispatched at a scheduling point starts a new chunk.
      const Nanos slice = config.limited_preemptive
                              ? std::min(tasks[j.task].max_slice, j.remaining)
                              : 0;
      j.np_until = now + slice;
      chosen.push_back(rest[k]);
    }
    for (const int p : pending) jobs[p].running = false;
    for (const int c : chosen) jobs[c].running = true;

    Nanos event = next < jobs.size() ? jobs[next].release : kNever;
    for (const int c : chosen) {
      event = std::min(event, now + jobs[c].remaining);
      if (jobs[c].np_until > now) event = std::min(event, jobs[c].np_until);
    }
    const Nanos dt = event - now;
    for (const int c : chosen) jobs[c].remaining -= dt;
    now = event;

    for (const int c : chosen) {
      const Job& j = jobs[c];
      if (j.remaining != 0) continue;
      if (now > j.deadline) {
        result.missed = true;
        result.task = j.task;
        result.job = j.index;
        result.arrival = j.arrival;
        result.deadline = j.deadline;
        result.finish = now;
        return result;
      }
    }
    pending.erase(std::remove_if(pending.begin(), pending.end(),
                                 [&](int p) { return jobs[p].remaining == 0; }),
                  pending.end());
  }
  return result;
}

}  // namespace moirai::rt::internal
