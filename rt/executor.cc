// Copyright 2026 The Moirai Authors.
//
// rt/executor.cc: see executor.h.

#include "moirai/rt/executor.h"

#include <time.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "moirai/sched/scheduler.h"

namespace moirai::rt {
namespace {

Nanos ThreadCpuNow() noexcept {
  timespec ts{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return -1;
  return Nanos{ts.tv_sec} * kSecond + ts.tv_nsec;
}

core::MonoTime ToMono(Nanos t) noexcept {
  if (t == kNever) return core::MonoTime::Infinite();
  return core::MonoTime() + absl::Nanoseconds(t);
}

}  // namespace

absl::StatusOr<std::shared_ptr<Executor>> Executor::Create(
    const ExecutorOptions& options) {
  if (options.workers < 1 || options.workers > 1024) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rt executor: workers must be in [1, 1024], got ", options.workers));
  }
  if (absl::Status k = ValidateKernelClassOptions(options.kernel); !k.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("rt executor: ", k.message()));
  }
  std::shared_ptr<Executor> ex(new Executor(options));
  for (int i = 0; i < options.workers; ++i) {
    auto w = std::make_unique<Worker>();
    absl::StatusOr<std::unique_ptr<CoreDispatcher>> d =
        CoreDispatcher::Create(options.dispatcher, &ex->clock_);
    if (!d.ok()) return d.status();
    sync::MutexLock l(&w->mu);
    w->d = *std::move(d);
    w->kernel.requested = options.kernel.requested;
    w->entries.resize(static_cast<std::size_t>(options.dispatcher.max_tasks));
    ex->workers_.push_back(std::move(w));
  }
  return ex;
}

Executor::~Executor() {
  // The scheduler holds the executor as long as it lives, and a worker with
  // tasks holds a scheduler hold, so no job runs here.
}

void Executor::Bind(sched::DispatchHandle handle) noexcept {
  if (bound_) return;  // installed on one scheduler only: the first keeps it
  handle_ = handle;
  sched_workers_ = handle.num_workers();  // the workers exist at Bind
  bound_ = true;
}

absl::StatusOr<RtTaskId> Executor::AddTask(const TaskSpec& spec, JobBody body,
                                           const AddTaskOptions& options) {
  if (!body) {
    return absl::InvalidArgumentError(
        absl::StrCat("rt executor: task '", spec.name, "' has no job body"));
  }
  if (!bound_) {
    return absl::FailedPreconditionError(
        "rt executor: not installed on a scheduler "
        "(SchedulerOptions::dispatch)");
  }
  if (sched_workers_ < options_.workers) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rt executor: ", options_.workers,
        " RT workers but the scheduler has only ", sched_workers_));
  }
  if (options.worker >= 0) {
    if (options.worker >= options_.workers) {
      return absl::InvalidArgumentError(
          absl::StrCat("rt executor: worker ", options.worker,
                       " out of range [0, ", options_.workers, ")"));
    }
    return AddOn(options.worker, spec, body, options.task);
  }
  if (options.worker != -1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rt executor: worker must be >= 0 or -1, got ", options.worker));
  }
  // Online first-fit: the first worker whose exact test passes.
  std::string why;
  for (int i = 0; i < options_.workers; ++i) {
    absl::StatusOr<RtTaskId> id = AddOn(i, spec, body, options.task);
    if (id.ok() || id.status().code() != absl::StatusCode::kResourceExhausted) {
      return id;
    }
    absl::StrAppend(&why, "; worker ", i, ": ", id.status().message());
  }
  return absl::ResourceExhaustedError(absl::StrCat(
      "rt executor: task '", spec.name, "' fits on no worker", why));
}

absl::StatusOr<RtTaskId> Executor::AddOn(int worker, const TaskSpec& spec,
                                         JobBody& body,
                                         const TaskOptions& options) {
  Worker& w = *workers_[static_cast<std::size_t>(worker)];
  bool wake = false;
  RtTaskId out;
  {
    sync::MutexLock l(&w.mu);
    if (w.stopping) {
      return absl::FailedPreconditionError(
          "rt executor: the scheduler is shutting down");
    }
    absl::StatusOr<TaskId> id = w.d->AddTask(spec, options);
    if (!id.ok()) {
      return absl::Status(
          id.status().code(),
          absl::StrCat("worker ", worker, ": ", id.status().message()));
    }
    if (!w.held) {
      // The first task: hold the scheduler's drain until the worker retires
      // its tasks (see the file comment).
      if (!handle_.AcquireHold()) {
        (void)w.d->RemoveTask(*id);
        return absl::FailedPreconditionError(
            "rt executor: the scheduler is shutting down");
      }
      w.held = true;
    }
    auto e = std::make_unique<Entry>();
    e->body = std::move(body);
    e->id = *id;
    w.entries[id->slot] = std::move(e);
    ++w.tasks;
    out = RtTaskId{worker, *id};
    wake = true;
  }
  if (wake) handle_.Wake(worker);  // its first release may be due now
  return out;
}

absl::StatusOr<TaskStats> Executor::RemoveTask(RtTaskId id) {
  if (id.worker < 0 || id.worker >= options_.workers) {
    return absl::NotFoundError(
        absl::StrCat("rt executor: no worker ", id.worker));
  }
  Worker& w = *workers_[static_cast<std::size_t>(id.worker)];
  sync::MutexLock l(&w.mu);
  absl::StatusOr<TaskStats> st = w.d->RemoveTask(id.task);
  if (!st.ok()) return st.status();
  w.entries[id.task.slot].reset();
  if (--w.tasks == 0 && w.held && !w.in_flight) {
    w.held = false;
    handle_.ReleaseHold();
  }
  return st;
}

absl::Status Executor::Release(RtTaskId id, Nanos arrival) {
  if (id.worker < 0 || id.worker >= options_.workers) {
    return absl::NotFoundError(
        absl::StrCat("rt executor: no worker ", id.worker));
  }
  Worker& w = *workers_[static_cast<std::size_t>(id.worker)];
  {
    sync::MutexLock l(&w.mu);
    if (w.stopping) {
      return absl::FailedPreconditionError(
          "rt executor: the scheduler is shutting down");
    }
    if (absl::Status s = w.d->Release(id.task, arrival); !s.ok()) return s;
  }
  handle_.Wake(id.worker);
  return absl::OkStatus();
}

core::Task Executor::Pick(int worker) noexcept {
  if (worker >= options_.workers) return core::Task();
  Worker& w = *workers_[static_cast<std::size_t>(worker)];
  if (!w.kernel_applied) {
    // The first pick runs on the worker's thread before any job of it: the
    // class change (a system call, and a log line on refusal) happens once,
    // outside the lock.
    w.kernel_applied = true;
    KernelClassState k = ApplyKernelClassToCurrentThread(options_.kernel);
    sync::MutexLock l(&w.mu);
    w.kernel = std::move(k);
  }
  sync::MutexLock l(&w.mu);
  // A job of this worker is running and its body waits on a TaskGroup,
  // whose help loop picks: jobs are not fibers yet, so nothing preempts it.
  if (w.in_flight || w.tasks == 0) return core::Task();
  if (w.cancelling) {
    Retire(w);
    return core::Task();
  }
  absl::StatusOr<Slice> s = w.d->Next();
  if (!s.ok()) return core::Task();  // only while in flight: excluded above
  if (!s->has_job()) {
    if (w.stopping) Retire(w);  // drained
    return core::Task();
  }
  w.in_flight = true;
  w.running = w.entries[s->task.slot].get();
  w.current.worker = worker;
  w.current.job = s->job;
  w.current.arrival = s->arrival;
  w.current.deadline = s->deadline;
  w.current.token = std::move(s->token);
  w.current.stop = w.running->stop.token();
  // Two words: fits core::Task's inline buffer (no allocation).
  return core::Task([this, worker] { RunJob(worker); });
}

void Executor::RunJob(int worker) noexcept {
  Worker& w = *workers_[static_cast<std::size_t>(worker)];
  Entry* e;
  JobContext ctx;
  {
    sync::MutexLock l(&w.mu);
    e = w.running;
    ctx = w.current;
  }
  // The body outside the lock: control calls and other workers go on.
  const Nanos cpu0 = ThreadCpuNow();
  e->body(ctx);
  const Nanos cpu1 = ThreadCpuNow();
  const bool misplaced = sched::Scheduler::CurrentWorkerIndex() != worker;
  sync::MutexLock l(&w.mu);
  const Nanos cpu = (cpu0 < 0 || cpu1 < 0) ? -1 : cpu1 - cpu0;
  (void)w.d->Report({.cpu = cpu, .finished = true});
  w.in_flight = false;
  w.running = nullptr;
  w.current = JobContext();
  ++w.jobs_run;
  if (misplaced) ++w.jobs_misplaced;
  if (w.tasks == 0 && w.held) {  // cannot happen: RemoveTask refuses
    w.held = false;
    handle_.ReleaseHold();
  }
  // The next job, or the retirement, comes from the next Pick of this
  // worker, which the scheduler makes right after this task.
}

bool Executor::HasWork(int worker) noexcept {
  if (worker >= options_.workers) return false;
  Worker& w = *workers_[static_cast<std::size_t>(worker)];
  sync::MutexLock l(&w.mu);
  if (w.in_flight || w.tasks == 0) return false;
  if (w.stopping) return true;  // Pick retires or runs what is left
  return w.d->HasReadyJob() || w.d->NextEventTime() <= clock_.Now();
}

core::MonoTime Executor::NextWakeup(int worker) noexcept {
  if (worker >= options_.workers) return core::MonoTime::Infinite();
  Worker& w = *workers_[static_cast<std::size_t>(worker)];
  sync::MutexLock l(&w.mu);
  if (w.tasks == 0) return core::MonoTime::Infinite();
  return ToMono(w.d->NextEventTime());
}

void Executor::OnShutdown(sched::ShutdownMode mode) noexcept {
  const Nanos now = clock_.Now();
  std::vector<core::CancellationSource> stops;
  for (int i = 0; i < options_.workers; ++i) {
    Worker& w = *workers_[static_cast<std::size_t>(i)];
    {
      sync::MutexLock l(&w.mu);
      w.stopping = true;
      w.d->StopReleasesAt(now);
      if (mode == sched::ShutdownMode::kCancelPending) {
        w.cancelling = true;
        for (auto& e : w.entries) {
          if (e != nullptr) stops.push_back(e->stop);
        }
      }
    }
    // The worker retires its tasks itself (Pick), where no job of it runs.
    // (A scheduler with fewer workers than the executor has no task on the
    // missing ones: AddTask refused them.)
    if (i < sched_workers_) handle_.Wake(i);
  }
  // Outside the locks: cancellation runs the callbacks a job registered on
  // its stop token, which may call back into the executor.
  for (core::CancellationSource& s : stops) (void)s.RequestCancellation();
}

void Executor::Retire(Worker& w) {
  for (auto& e : w.entries) {
    if (e == nullptr) continue;
    absl::StatusOr<TaskStats> st = w.d->RemoveTask(e->id);
    if (st.ok()) w.retired.push_back(*std::move(st));
    e.reset();
  }
  w.tasks = 0;
  if (w.held) {
    w.held = false;
    handle_.ReleaseHold();
  }
}

ExecutorStats Executor::Stats() const {
  ExecutorStats out;
  for (const auto& wp : workers_) {
    Worker& w = *wp;
    sync::MutexLock l(&w.mu);
    DispatcherStats st = w.d->Stats();
    for (const TaskStats& t : w.retired) st.tasks.push_back(t);
    out.workers.push_back(std::move(st));
    out.jobs_run.push_back(w.jobs_run);
    out.jobs_misplaced.push_back(w.jobs_misplaced);
    out.kernel.push_back(w.kernel);
  }
  return out;
}

std::int64_t ExecutorStats::total_missed() const {
  std::int64_t n = 0;
  for (const DispatcherStats& w : workers) n += w.total_missed();
  return n;
}

const TaskStats* ExecutorStats::Find(absl::string_view name) const {
  for (const DispatcherStats& w : workers) {
    if (const TaskStats* t = w.Find(name)) return t;
  }
  return nullptr;
}

std::string ExecutorStats::Format() const {
  std::string out;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    absl::StrAppend(&out, "worker ", i, " ", FormatStats(workers[i]));
    if (i < kernel.size() && kernel[i].requested != KernelClass::kOther) {
      const KernelClassState& k = kernel[i];
      absl::StrAppend(
          &out, "worker ", i, " kernel class ", KernelClassName(k.applied),
          k.fell_back() ? absl::StrCat(" (fell back: ", k.fallback_reason, ")")
                        : std::string(),
          "\n");
    }
  }
  return out;
}

}  // namespace moirai::rt
