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
  Nanos key = 0;  // dispatch order: priority (FP) or absolute deadline
  Nanos tie = 0;  // then release (FP, FIFO) or arrival (EDF)
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
  result.max_response.assign(n, -1);
  if (jobs.empty()) return result;

  // Dispatch order: smaller (key, tie, task, index) first. FP: (priority,
  // release); EDF: (absolute deadline, arrival).
  for (Job& j : jobs) {
    j.key = fp ? config.priorities[j.task] : j.deadline;
    j.tie = fp ? j.release : j.arrival;
  }
  auto before = [&](int x, int y) {
    const Job& a = jobs[x];
    const Job& b = jobs[y];
    if (a.key != b.key) return a.key < b.key;
    if (a.tie != b.tie) return a.tie < b.tie;
    if (a.task != b.task) return a.task < b.task;
    return a.index < b.index;
  };

  std::vector<int> pending;  // released, unfinished jobs
  std::vector<int> chosen;   // what runs until the next event
  std::vector<int> rest;     // pending jobs free to be (re)dispatched
  std::size_t next = 0;      // the first job not yet released
  Nanos now = jobs[0].release;
  auto miss = [&](const Job& j, Nanos finish) {
    result.missed = true;
    result.task = j.task;
    result.job = j.index;
    result.arrival = j.arrival;
    result.deadline = j.deadline;
    result.finish = finish;
  };
  while (next < jobs.size() || !pending.empty()) {
    while (next < jobs.size() && jobs[next].release <= now) {
      pending.push_back(static_cast<int>(next++));
    }
    if (pending.empty()) {
      now = jobs[next].release;
      continue;
    }
    // Jobs inside a non-preemptive chunk keep their processor; the others
    // compete for the rest. A job still pending past its deadline will
    // finish late: stop early (an optimization; every job would otherwise
    // run to completion and be checked there).
    chosen.clear();
    rest.clear();
    for (const int p : pending) {
      Job& j = jobs[p];
      if (j.deadline < now) {
        miss(j, now);  // `finish` is a lower bound here
        return result;
      }
      if (j.running && j.np_until > now) {
        chosen.push_back(p);
      } else {
        rest.push_back(p);
      }
      j.running = false;
    }
    const std::size_t free_slots =
        chosen.size() < static_cast<std::size_t>(m) ? m - chosen.size() : 0;
    const std::size_t take = std::min(free_slots, rest.size());
    if (take == 1) {
      std::iter_swap(rest.begin(),
                     std::min_element(rest.begin(), rest.end(), before));
    } else if (take > 1) {
      std::partial_sort(rest.begin(), rest.begin() + take, rest.end(), before);
    }
    for (std::size_t k = 0; k < take; ++k) {
      Job& j = jobs[rest[k]];
      // A job (re)dispatched at a scheduling point starts a new chunk.
      j.np_until = now + (config.limited_preemptive
                              ? std::min(tasks[j.task].max_slice, j.remaining)
                              : 0);
      chosen.push_back(rest[k]);
    }

    Nanos event = next < jobs.size() ? jobs[next].release : kNever;
    for (const int c : chosen) {
      Job& j = jobs[c];
      j.running = true;
      event = std::min(event, now + j.remaining);
      if (j.np_until > now) event = std::min(event, j.np_until);
    }
    const Nanos dt = event - now;
    now = event;
    bool finished = false;
    for (const int c : chosen) {
      Job& j = jobs[c];
      j.remaining -= dt;
      if (j.remaining != 0) continue;
      finished = true;
      result.max_response[j.task] =
          std::max(result.max_response[j.task], now - j.arrival);
      if (now > j.deadline) {
        miss(j, now);
        return result;
      }
    }
    if (finished) {
      pending.erase(
          std::remove_if(pending.begin(), pending.end(),
                         [&](int p) { return jobs[p].remaining == 0; }),
          pending.end());
    }
  }
  return result;
}

}  // namespace moirai::rt::internal
