// Copyright 2026 The Moirai Authors.
//
// rt/core_dispatcher_run.cc
// -----------------------------------------------------------------------------
//
// CoreDispatcher's hot path: Next() picks and grants, Report() charges the
// slice (budget, overrun, quantum), finishes jobs and keeps the accounts.

#include <algorithm>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "moirai/rt/core_dispatcher.h"
#include "moirai/rt/internal/dispatcher_task.h"

namespace moirai::rt {

Nanos CoreDispatcher::Grant(const Task& t, Nanos now,
                            bool* non_preemptive) const {
  const Job& j = t.front();
  Nanos g = kNever;
  if (!t.demoted) {
    if (options_.budgets) g = std::min(g, t.budget);
    // Stop at the WCET, so that an overrun is seen when it begins.
    if (j.exec < t.spec.wcet) g = std::min(g, t.spec.wcet - j.exec);
    if (t.spec.policy == Policy::kRoundRobin) g = std::min(g, t.quantum_left);
  }
  *non_preemptive = t.spec.max_slice > 0;
  if (*non_preemptive) {
    g = std::min(g, t.spec.max_slice);
  } else if (const Nanos ev = NextEventTime(); ev != kNever) {
    // A preemption point where a more urgent job may be released.
    g = std::min(g, std::max<Nanos>(ev - now, 1));
  }
  return g;
}

absl::StatusOr<Slice> CoreDispatcher::Next() {
  if (in_flight_) {
    return absl::FailedPreconditionError(
        "dispatcher: Next() while a grant is outstanding; Report() first");
  }
  const Nanos now = clock_->Now();
  ProcessTimers(now);
  Slice s;
  s.next_event = NextEventTime();
  std::uint32_t id = options_.policy == Policy::kEdf ? edf_.Top() : fp_.Top();
  if (id == kNoSlot) id = demoted_.Top();
  if (id == kNoSlot) return s;

  Task& t = *tasks_[id];
  const Job& j = t.front();
  s.task = TaskId{t.slot, t.generation};
  s.job = j.index;
  s.arrival = j.arrival;
  s.deadline = j.deadline;
  s.grant = Grant(t, now, &s.non_preemptive);
  s.best_effort = t.demoted;
  if (t.source.has_value()) s.token = t.source->token();

  if (last_ran_ != kNoSlot && last_ran_ != id) ++preemptions_;
  last_ran_ = kNoSlot;
  ++dispatches_;
  in_flight_ = true;
  running_ = id;
  slice_start_ = now;
  slice_grant_ = s.grant;
  slice_np_ = s.non_preemptive;
  return s;
}

absl::StatusOr<ReportOutcome> CoreDispatcher::Report(
    const SliceReport& report) {
  if (!in_flight_) {
    return absl::FailedPreconditionError(
        "dispatcher: Report() without an outstanding grant");
  }
  if (report.cpu < -1) {
    return absl::InvalidArgumentError("dispatcher: negative cpu time");
  }
  const Nanos now = clock_->Now();
  in_flight_ = false;
  const Nanos wall = now - slice_start_;
  const Nanos cpu = report.cpu < 0 ? wall : std::min(report.cpu, wall);
  const Nanos interference = wall - cpu;

  Task& t = *tasks_[running_];
  Job& j = t.front();
  const RunKey key = KeyOf(t);
  busy_ += cpu;
  interference_total_ += interference;
  t.stats.interference_time += interference;
  const Nanos wcet = t.spec.wcet;
  j.exec += cpu;
  if (!t.demoted) {
    if (options_.budgets) t.budget -= cpu;
    t.quantum_left -= cpu;
  }
  if (slice_np_ && cpu > slice_grant_) ++t.stats.slice_overruns;

  ReportOutcome out;
  // An overrun: the job used its WCET and is not done, or went past it.
  if (j.exec > wcet || (j.exec == wcet && !report.finished)) {
    overrun_epoch_ = busy_epoch_;  // the busy period now carries an overrun
  }
  if (!j.overran && (j.exec > wcet || (j.exec == wcet && !report.finished))) {
    j.overran = true;
    ++t.stats.overruns;
    out.overrun = true;
  }
  if (report.finished) {
    out.completed = true;
    out.missed = now > j.deadline;
    FinishJob(t, now, /*aborted=*/false);
  } else {
    last_ran_ = running_;
    bool aborted = false;
    if (out.overrun && !t.demoted) {
      switch (t.options.on_overrun) {
        case OverrunAction::kNotify:
          break;
        case OverrunAction::kAbortJob:
          t.source->RequestCancellation();
          t.source.emplace();  // the next job gets a fresh token
          FinishJob(t, now, /*aborted=*/true);
          out.aborted = out.missed = aborted = true;
          last_ran_ = kNoSlot;
          break;
        case OverrunAction::kSkipNextRelease:
          t.skip_next = true;
          break;
        case OverrunAction::kDemote:
          Dequeue(t);
          t.demoted = true;
          ++t.stats.demoted;
          (void)demoted_.PushBack(t.slot, 0);
          out.demoted = true;
          break;
      }
    }
    if (!aborted && !t.demoted) {
      if (options_.budgets && t.budget <= 0) {
        Throttle(t);
        out.throttled = true;
      } else if (t.spec.policy == Policy::kRoundRobin && t.quantum_left <= 0) {
        t.quantum_left = options_.rr_quantum;
        if (fp_.HasPeer(t.slot)) {  // rotate behind its peers
          (void)fp_.Remove(t.slot);
          (void)fp_.PushBack(t.slot, t.level);
        }
      }
    }
  }
  ProcessTimers(now);
  ChargeBlocking(key, running_, now);
  running_ = kNoSlot;
  return out;
}

void CoreDispatcher::FinishJob(Task& t, Nanos now, bool aborted) {
  Dequeue(t);
  const Job& j = t.front();
  TaskStats& st = t.stats;
  st.blocked_time += j.blocked;
  if (aborted) {
    ++st.aborted;
    ++st.missed;
    ++st.misses_by_cause[static_cast<int>(MissCause::kOverrun)];
  } else {
    ++st.completed;
    st.response.Record(now - j.arrival);
    const Nanos lateness = now - j.deadline;
    st.max_lateness = std::max(st.max_lateness, lateness);
    st.exec_min =
        st.exec_min == kNoValue ? j.exec : std::min(st.exec_min, j.exec);
    st.exec_max = std::max(st.exec_max, j.exec);
    st.exec_total += j.exec;
    if (lateness > 0) CountMiss(t, j, lateness);
  }
  t.head = (t.head + 1) % static_cast<int>(t.ring.size());
  --t.count;
  if (--pending_jobs_ == 0) ++busy_epoch_;  // an idle instant
  t.after_best_effort = t.demoted;
  t.demoted = false;
  if (t.count > 0) StartJob(t, std::max(now, t.front().arrival));
}

void CoreDispatcher::CountMiss(Task& t, const Job& job, Nanos lateness,
                               std::int64_t n) {
  const Nanos interference = interference_total_ - job.interference_mark;
  MissCause cause;
  if (job.overran || job.postponed || overrun_epoch_ == job.busy_epoch) {
    cause = MissCause::kOverrun;
  } else if (!job.admitted) {
    cause = MissCause::kNotAdmitted;
  } else if (interference >= lateness) {
    cause = MissCause::kInterference;
  } else if (job.blocked > 0) {
    cause = MissCause::kBlocking;
  } else if (interference > 0) {
    cause = MissCause::kInterference;
  } else {
    cause = MissCause::kUnexplained;
  }
  t.stats.missed += n;
  t.stats.misses_by_cause[static_cast<int>(cause)] += n;
}

CoreDispatcher::RunKey CoreDispatcher::KeyOf(const Task& t) const {
  RunKey k;
  k.best_effort = t.demoted;
  k.deadline = t.server_deadline;
  k.seq = t.seq;
  k.level = t.level;
  return k;
}

bool CoreDispatcher::MoreUrgent(const Task& t, const RunKey& k) const {
  if (k.best_effort) return true;  // t is in the RT queue
  if (options_.policy == Policy::kEdf) {
    return t.server_deadline < k.deadline ||
           (t.server_deadline == k.deadline && t.seq < k.seq);
  }
  return t.level < k.level;
}

// The most urgent ready job, if another and more urgent than the slice's,
// waited for the slice from when it became ready: that is blocking.
void CoreDispatcher::ChargeBlocking(const RunKey& running,
                                    std::uint32_t running_slot, Nanos now) {
  const std::uint32_t id =
      options_.policy == Policy::kEdf ? edf_.Top() : fp_.Top();
  if (id == kNoSlot || id == running_slot) return;
  Task& x = *tasks_[id];
  if (!MoreUrgent(x, running)) return;
  const Nanos waited = now - std::max(slice_start_, x.ready_at);
  if (waited > 0) x.front().blocked += waited;
}

}  // namespace moirai::rt
