// Copyright 2026 The Moirai Authors.
//
// rt/simulator.cc
// -----------------------------------------------------------------------------

#include "moirai/rt/simulator.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "moirai/rt/clock.h"

namespace moirai::rt {
namespace {

absl::Status Prefixed(int core, const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat("core ", core, ": ", s.message()));
}

absl::Status CheckInput(absl::Span<const SimTask> tasks, const SimOptions& o) {
  if (o.cores < 1) return absl::InvalidArgumentError("sim: cores must be >= 1");
  if (o.horizon <= 0) return absl::InvalidArgumentError("sim: horizon <= 0");
  if (o.max_slices < 1) {
    return absl::InvalidArgumentError("sim: max_slices must be >= 1");
  }
  if (static_cast<int>(o.stalls.size()) > o.cores) {
    return absl::InvalidArgumentError("sim: stalls for more cores than exist");
  }
  for (const auto& core : o.stalls) {
    for (std::size_t i = 0; i < core.size(); ++i) {
      if (core[i].at < 0 || core[i].length < 0 ||
          (i > 0 && core[i].at < core[i - 1].at)) {
        return absl::InvalidArgumentError(
            "sim: stalls must be non-negative and ascending");
      }
    }
  }
  for (const SimTask& t : tasks) {
    if (t.core < 0 || t.core >= o.cores) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sim: task '", t.spec.name, "' on core ", t.core, " of ", o.cores));
    }
    for (const Nanos e : t.exec_times) {
      if (e <= 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "sim: task '", t.spec.name, "': execution times must be > 0"));
      }
    }
    if (!std::is_sorted(t.arrivals.begin(), t.arrivals.end())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sim: task '", t.spec.name, "': arrivals must be ascending"));
    }
  }
  return absl::OkStatus();
}

struct Running {
  const SimTask* task = nullptr;
  TaskId id;
  std::int64_t job = -1;  // the job whose remaining time is below
  Nanos remaining = 0;
  std::size_t next_arrival = 0;  // sporadic cursor
};

absl::StatusOr<DispatcherStats> SimulateCore(absl::Span<const SimTask> tasks,
                                             const SimOptions& o, int core,
                                             std::int64_t* slices, Nanos* end) {
  VirtualClock clock(0);
  absl::StatusOr<std::unique_ptr<CoreDispatcher>> made =
      CoreDispatcher::Create(o.dispatcher, &clock);
  if (!made.ok()) return made.status();
  CoreDispatcher& d = **made;
  std::vector<Running> run;  // the tasks of this core
  std::vector<int> by_slot(o.dispatcher.max_tasks, -1);
  for (const SimTask& t : tasks) {
    if (t.core != core) continue;
    TaskOptions opts = t.options;
    if (opts.start == kNever) opts.start = 0;
    absl::StatusOr<TaskId> id = d.AddTask(t.spec, opts);
    if (!id.ok()) return Prefixed(core, id.status());
    by_slot[id->slot] = static_cast<int>(run.size());
    run.push_back({&t, *id});
  }
  d.StopReleasesAt(o.horizon);
  static const std::vector<Stall> kNoStalls;
  const std::vector<Stall>& stalls =
      core < static_cast<int>(o.stalls.size()) ? o.stalls[core] : kNoStalls;
  std::size_t stall = 0;

  for (std::int64_t n = 0;; ++n) {
    if (n == o.max_slices) {
      return absl::ResourceExhaustedError(
          absl::StrCat("sim: core ", core, " ran past max_slices"));
    }
    const Nanos now = clock.Now();
    // Sporadic arrivals due; the earliest one still ahead.
    Nanos next_arrival = kNever;
    for (Running& r : run) {
      const auto& a = r.task->arrivals;
      if (r.task->spec.arrival != Arrival::kSporadic) continue;
      while (r.next_arrival < a.size() && a[r.next_arrival] <= now &&
             a[r.next_arrival] < o.horizon) {
        if (absl::Status s = d.Release(r.id, a[r.next_arrival]); !s.ok()) {
          return Prefixed(core, s);
        }
        ++r.next_arrival;
      }
      if (r.next_arrival < a.size() && a[r.next_arrival] < o.horizon) {
        next_arrival = std::min(next_arrival, a[r.next_arrival]);
      }
    }
    absl::StatusOr<Slice> s = d.Next();
    if (!s.ok()) return Prefixed(core, s.status());
    if (!s->has_job()) {
      const Nanos t = std::min(s->next_event, next_arrival);
      if (t == kNever) break;
      (void)clock.Set(t);
      continue;
    }
    Running& r = run[by_slot[s->task.slot]];
    if (r.job != s->job) {
      const auto& ex = r.task->exec_times;
      r.job = s->job;
      r.remaining = ex.empty()
                        ? r.task->spec.wcet
                        : ex[static_cast<std::size_t>(s->job) % ex.size()];
    }
    Nanos cpu = std::min(s->grant, r.remaining);
    if (!s->non_preemptive && next_arrival != kNever) {
      cpu = std::min(cpu, next_arrival - now);  // a preemption point
    }
    Nanos wall = cpu;
    while (stall < stalls.size() && stalls[stall].at < now) ++stall;  // idle
    while (stall < stalls.size() && stalls[stall].at < now + cpu) {
      wall += stalls[stall++].length;
    }
    (void)clock.Advance(wall);
    r.remaining -= cpu;
    absl::StatusOr<ReportOutcome> out =
        d.Report({.cpu = cpu, .finished = r.remaining == 0});
    if (!out.ok()) return Prefixed(core, out.status());
    if (out->aborted || out->completed) r.job = -1;
    ++*slices;
  }
  *end = std::max(*end, clock.Now());
  return d.Stats();
}

}  // namespace

absl::StatusOr<SimResult> Simulate(absl::Span<const SimTask> tasks,
                                   const SimOptions& options) {
  if (absl::Status s = CheckInput(tasks, options); !s.ok()) return s;
  SimResult result;
  for (int c = 0; c < options.cores; ++c) {
    absl::StatusOr<DispatcherStats> st =
        SimulateCore(tasks, options, c, &result.slices, &result.end_time);
    if (!st.ok()) return st.status();
    result.cores.push_back(*std::move(st));
  }
  return result;
}

std::int64_t SimResult::total_missed() const {
  std::int64_t n = 0;
  for (const DispatcherStats& c : cores) n += c.total_missed();
  return n;
}

const TaskStats* SimResult::Find(absl::string_view name) const {
  for (const DispatcherStats& c : cores) {
    if (const TaskStats* t = c.Find(name)) return t;
  }
  return nullptr;
}

std::string SimResult::Format() const {
  std::string out;
  for (std::size_t c = 0; c < cores.size(); ++c) {
    absl::StrAppend(&out, "core ", c, " ", FormatStats(cores[c]));
  }
  return out;
}

}  // namespace moirai::rt
