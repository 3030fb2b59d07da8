// Copyright 2026 The Moirai Authors.
//
// rt/core_dispatcher.cc
// -----------------------------------------------------------------------------
//
// Tasks, releases and timers of CoreDispatcher. The server (budget) rules
// are in core_dispatcher_server.cc; Next(), Report() and the accounting in
// core_dispatcher_run.cc.

#include "moirai/rt/core_dispatcher.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "moirai/rt/admission.h"
#include "moirai/rt/internal/dispatcher_task.h"

namespace moirai::rt {

absl::StatusOr<std::unique_ptr<CoreDispatcher>> CoreDispatcher::Create(
    const DispatcherOptions& options, Clock* clock) {
  if (clock == nullptr) {
    return absl::InvalidArgumentError("dispatcher: clock is null");
  }
  if (options.max_tasks < 1 ||
      options.max_tasks > FixedPriorityReadyQueue::kMaxLevels) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dispatcher: max_tasks must be in [1, ",
        FixedPriorityReadyQueue::kMaxLevels, "], got ", options.max_tasks));
  }
  if (options.max_pending_jobs < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("dispatcher: max_pending_jobs must be >= 1, got ",
                     options.max_pending_jobs));
  }
  if (options.rr_quantum < 0 ||
      (options.policy == Policy::kRoundRobin && options.rr_quantum == 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("dispatcher: rr_quantum must be > 0 for round robin "
                     "(and never negative), got ",
                     options.rr_quantum));
  }
  std::unique_ptr<CoreDispatcher> d(new CoreDispatcher(options, clock));
  const auto n = static_cast<std::size_t>(options.max_tasks);
  for (absl::Status s :
       {d->edf_.Reserve(n), d->fp_.Reserve(n, options.max_tasks),
        d->demoted_.Reserve(n, 1), d->releases_.Reserve(n),
        d->replenish_.Reserve(n)}) {
    if (!s.ok()) return s;
  }
  d->tasks_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    d->tasks_[i] = std::make_unique<Task>();
    d->tasks_[i]->slot = static_cast<std::uint32_t>(i);
  }
  return d;
}

CoreDispatcher::CoreDispatcher(const DispatcherOptions& options, Clock* clock)
    : options_(options), clock_(clock) {}

CoreDispatcher::~CoreDispatcher() = default;

CoreDispatcher::Task* CoreDispatcher::Find(TaskId id) {
  if (id.slot >= tasks_.size()) return nullptr;
  Task* t = tasks_[id.slot].get();
  return t->used && t->generation == id.generation ? t : nullptr;
}

absl::Status CoreDispatcher::CheckPolicy(const TaskSpec& spec) const {
  const Policy p = options_.policy;
  const bool fifo_rr = [](Policy x) {
    return x == Policy::kFifo || x == Policy::kRoundRobin;
  }(p);
  const bool ok =
      spec.policy == p || (fifo_rr && (spec.policy == Policy::kFifo ||
                                       spec.policy == Policy::kRoundRobin));
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("task '", spec.name, "': policy ", PolicyName(spec.policy),
                     " on a core dispatching ", PolicyName(p)));
  }
  if (spec.policy == Policy::kRoundRobin && options_.rr_quantum <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "task '", spec.name, "': round robin needs rr_quantum > 0"));
  }
  return absl::OkStatus();
}

// The exact test of the core's set, with `extra` in slot `extra_slot`
// (nullptr: the set as it is), in slot order as dispatch ranks it.
absl::StatusOr<Verdict> CoreDispatcher::Admit(const TaskSpec* extra,
                                              std::uint32_t extra_slot) const {
  std::vector<TaskSpec> specs;
  for (const auto& t : tasks_) {
    if (extra != nullptr && t->slot == extra_slot) specs.push_back(*extra);
    if (t->used) specs.push_back(t->spec);
  }
  if (specs.empty()) {
    Verdict v;
    v.accepted = true;
    return v;
  }
  const Policy p =
      options_.policy == Policy::kRoundRobin ? Policy::kFifo : options_.policy;
  return ExactTest(specs, p);
}

void CoreDispatcher::RecomputeLevels() {
  if (options_.policy == Policy::kEdf) return;
  std::vector<TaskSpec> specs;
  std::vector<Task*> used;
  for (const auto& t : tasks_) {
    if (!t->used) continue;
    specs.push_back(t->spec);
    used.push_back(t.get());
  }
  std::vector<int> ranks;
  if (options_.policy == Policy::kRateMonotonic ||
      options_.policy == Policy::kDeadlineMonotonic) {
    ranks = PriorityRanks(specs, options_.policy == Policy::kRateMonotonic
                                     ? PriorityOrder::kRateMonotonic
                                     : PriorityOrder::kDeadlineMonotonic);
  } else {
    // Explicit priorities, made dense: equal priorities share a level.
    std::vector<int> distinct;
    for (const TaskSpec& s : specs) distinct.push_back(s.priority);
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()),
                   distinct.end());
    for (const TaskSpec& s : specs) {
      ranks.push_back(static_cast<int>(
          std::lower_bound(distinct.begin(), distinct.end(), s.priority) -
          distinct.begin()));
    }
  }
  for (std::size_t i = 0; i < used.size(); ++i) {
    Task& t = *used[i];
    if (t.level == ranks[i]) continue;
    t.level = ranks[i];
    // A queued job moves to the tail of its new level.
    if (fp_.Contains(t.slot)) (void)fp_.SetLevel(t.slot, t.level);
  }
}

absl::StatusOr<TaskId> CoreDispatcher::AddTask(const TaskSpec& spec,
                                               const TaskOptions& options) {
  if (absl::Status s = Validate(spec); !s.ok()) return s;
  if (absl::Status s = CheckPolicy(spec); !s.ok()) return s;
  Task* free_slot = nullptr;
  for (const auto& t : tasks_) {
    if (t->used && t->spec.name == spec.name) {
      return absl::AlreadyExistsError(
          absl::StrCat("task '", spec.name, "' is already on this core"));
    }
    if (!t->used && free_slot == nullptr) free_slot = t.get();
  }
  if (free_slot == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrCat("task '", spec.name, "': all ", options_.max_tasks,
                     " task slots of the core are in use"));
  }
  const Nanos now = clock_->Now();
  const Nanos start = options.start == kNever ? now : options.start;
  if (start < now) {
    return absl::InvalidArgumentError(
        absl::StrCat("task '", spec.name, "': start ", start,
                     " is in the past (now ", now, ")"));
  }
  if (start - now > kMaxTaskTime) {
    return absl::InvalidArgumentError(
        absl::StrCat("task '", spec.name, "': start ", start,
                     " is more than 2^62 ns ahead of now ", now));
  }
  absl::StatusOr<Verdict> v = Admit(&spec, free_slot->slot);
  if (!v.ok()) return v.status();
  if (!v->accepted && options_.admission == AdmissionMode::kExact) {
    return absl::ResourceExhaustedError(
        absl::StrCat("task '", spec.name, "' not admitted: ", v->reason));
  }
  admitted_ = v->accepted;

  Task& t = *free_slot;
  const std::uint32_t slot = t.slot;
  const std::uint32_t generation = t.generation;
  t = Task{};
  t.slot = slot;
  t.generation = generation;
  t.used = true;
  t.spec = spec;
  t.options = options;
  t.start = start;
  t.ring.resize(options_.max_pending_jobs);
  t.stats.name = spec.name;
  t.stats.slot = slot;
  if (options.on_overrun == OverrunAction::kAbortJob) {
    t.source.emplace();
  }
  RecomputeLevels();
  if (spec.arrival == Arrival::kPeriodic) {
    // now + 2^62 + 2^62 stays below 2^63 for any clock under 2^62 ns.
    t.next_release = start + spec.phase;
    if (t.next_release < release_stop_) {
      (void)releases_.Push(slot, t.next_release, slot);
    }
  }
  return TaskId{slot, generation};
}

absl::StatusOr<TaskStats> CoreDispatcher::RemoveTask(TaskId id,
                                                     RemoveMode mode) {
  Task* t = Find(id);
  if (t == nullptr) {
    return absl::NotFoundError(absl::StrCat("no task in slot ", id.slot,
                                            " generation ", id.generation));
  }
  if (in_flight_ && running_ == t->slot) {
    return absl::FailedPreconditionError(absl::StrCat(
        "task '", t->spec.name,
        "' has a job holding a grant; Report() it before removing the task"));
  }
  if (t->count > 0 && mode == RemoveMode::kFailIfPending) {
    return absl::FailedPreconditionError(absl::StrCat(
        "task '", t->spec.name, "' has ", t->count, " pending job(s)"));
  }
  Dequeue(*t);
  if (releases_.Contains(t->slot)) (void)releases_.Remove(t->slot);
  TaskStats final_stats = std::move(t->stats);
  final_stats.discarded = t->count;
  pending_jobs_ -= t->count;
  if (t->count > 0 && pending_jobs_ == 0) ++busy_epoch_;
  if (last_ran_ == t->slot) last_ran_ = kNoSlot;
  const std::uint32_t slot = t->slot;
  const std::uint32_t generation = t->generation + 1;
  *t = Task{};
  t->slot = slot;
  t->generation = generation;
  RecomputeLevels();
  absl::StatusOr<Verdict> v = Admit(nullptr, 0);
  admitted_ = v.ok() && v->accepted;
  return final_stats;
}

absl::Status CoreDispatcher::Release(TaskId id, Nanos arrival) {
  Task* t = Find(id);
  if (t == nullptr) {
    return absl::NotFoundError(absl::StrCat("no task in slot ", id.slot,
                                            " generation ", id.generation));
  }
  if (t->spec.arrival != Arrival::kSporadic) {
    return absl::FailedPreconditionError(absl::StrCat(
        "task '", t->spec.name, "' is periodic: it releases itself"));
  }
  const Nanos now = clock_->Now();
  if (arrival == kNever) arrival = now;
  if (arrival > now) {
    return absl::InvalidArgumentError(
        absl::StrCat("task '", t->spec.name, "': release at ", arrival,
                     " is in the future (now ", now, ")"));
  }
  if (arrival < t->start) {
    return absl::InvalidArgumentError(
        absl::StrCat("task '", t->spec.name, "': release at ", arrival,
                     " is before the task's start ", t->start));
  }
  if (t->has_arrival && arrival - t->last_arrival < t->spec.period) {
    return absl::FailedPreconditionError(absl::StrCat(
        "task '", t->spec.name, "': release ",
        FormatNanos(arrival - t->last_arrival),
        " after the previous one, below the minimum inter-arrival time ",
        FormatNanos(t->spec.period)));
  }
  ProcessTimers(now);
  t->has_arrival = true;
  t->last_arrival = arrival;
  ReleaseJob(*t, arrival);
  return absl::OkStatus();
}

void CoreDispatcher::ProcessTimers(Nanos now) {
  for (;;) {
    const Nanos r = releases_.empty() ? kNever : releases_.TopKey();
    const Nanos p = replenish_.empty() ? kNever : replenish_.TopKey();
    if (std::min(r, p) > now) return;
    if (p <= r) {
      Replenish(*tasks_[replenish_.Pop()], p);
    } else {
      ReleasePeriodic(*tasks_[releases_.Pop()], r, now);
    }
  }
}

void CoreDispatcher::ReleasePeriodic(Task& t, Nanos due, Nanos now) {
  ReleaseJob(t, due);
  const Nanos period = t.spec.period;
  Nanos next = due + period;
  if (t.count == static_cast<int>(t.ring.size()) && next <= now) {
    // Far behind with a full backlog: drop the releases up to now at once.
    const std::int64_t n = (now - next) / period + 1;
    t.stats.dropped += n;
    t.next_index += n;
    CountMiss(t, t.front(), kNever, n);
    next += n * period;
  }
  t.next_release = next;
  if (next < release_stop_) (void)releases_.Push(t.slot, next, t.slot);
}

void CoreDispatcher::ReleaseJob(Task& t, Nanos arrival) {
  if (t.skip_next) {
    t.skip_next = false;
    ++t.stats.skipped;
    ++t.next_index;
    return;
  }
  if (t.count == static_cast<int>(t.ring.size())) {
    ++t.stats.dropped;
    ++t.next_index;
    CountMiss(t, t.front(), kNever);
    return;
  }
  Job& j = t.ring[(t.head + t.count) % t.ring.size()];
  j = Job{};
  j.index = t.next_index++;
  j.arrival = arrival;
  j.deadline = arrival + t.spec.deadline;
  j.busy_epoch = busy_epoch_;
  j.interference_mark = interference_total_;
  j.admitted = admitted_;
  ++t.count;
  ++pending_jobs_;
  ++t.stats.released;
  if (t.count == 1) StartJob(t, arrival);
}

Nanos CoreDispatcher::NextEventTime() const noexcept {
  const Nanos r = releases_.empty() ? kNever : releases_.TopKey();
  const Nanos p = replenish_.empty() ? kNever : replenish_.TopKey();
  return std::min(r, p);
}

bool CoreDispatcher::HasReadyJob() const noexcept {
  return !edf_.empty() || !fp_.empty() || !demoted_.empty();
}

DispatcherStats CoreDispatcher::Stats() const {
  DispatcherStats s;
  for (const auto& t : tasks_) {
    if (t->used) s.tasks.push_back(t->stats);
  }
  s.admitted = admitted_;
  s.dispatches = dispatches_;
  s.preemptions = preemptions_;
  s.busy_time = busy_;
  s.interference_time = interference_total_;
  return s;
}

}  // namespace moirai::rt
