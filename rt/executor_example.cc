// Copyright 2026 The Moirai Authors.
//
// rt/executor_example.cc: the README's wall-clock example. An EDF periodic
// task set on a 2-worker scheduler, with admission, run for ~200 ms; then a
// drain and the miss report. `bazel run //rt:executor_example`.

#include <cstdio>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "moirai/core/mono_time.h"
#include "moirai/rt/executor.h"
#include "moirai/sched/scheduler.h"

namespace {

// Busy work for about `ns` of wall time (a stand-in for a control loop).
void Work(moirai::rt::Nanos ns) {
  const moirai::core::MonoTime end =
      moirai::core::MonoTime::After(absl::Nanoseconds(ns));
  while (moirai::core::MonoTime::Now() < end) {
  }
}

}  // namespace

int main() {
  using moirai::rt::kMicrosecond;
  using moirai::rt::kMillisecond;
  using moirai::rt::TaskSpec;
  moirai::rt::ExecutorOptions eo;  // EDF, exact admission, CBS budgets
  eo.workers = 2;
  auto ex = moirai::rt::Executor::Create(eo).value();
  moirai::sched::SchedulerOptions so;
  so.num_workers = 2;
  so.dispatch = ex;
  auto sched = moirai::sched::Scheduler::Create(so).value();

  // ctl and log share a worker by first fit; "big" would need 0.9 of a
  // core: worker 0 refuses it, worker 1 takes it.
  auto ctl = ex->AddTask(
      TaskSpec::Periodic("ctl", 1 * kMillisecond, 5 * kMillisecond),
      [](const moirai::rt::JobContext&) { Work(300 * kMicrosecond); });
  auto log = ex->AddTask(
      TaskSpec::Periodic("log", 2 * kMillisecond, 10 * kMillisecond),
      [](const moirai::rt::JobContext&) { Work(500 * kMicrosecond); });
  moirai::rt::AddTaskOptions on0;
  on0.worker = 0;
  auto big0 = ex->AddTask(
      TaskSpec::Periodic("big", 9 * kMillisecond, 10 * kMillisecond),
      [](const moirai::rt::JobContext&) {}, on0);
  std::printf("big on worker 0: %s\n", big0.status().ToString().c_str());
  auto big = ex->AddTask(
      TaskSpec::Periodic("big", 9 * kMillisecond, 10 * kMillisecond),
      [](const moirai::rt::JobContext&) { Work(2 * kMillisecond); });
  if (!ctl.ok() || !log.ok() || !big.ok()) return 1;
  std::printf("ctl, log on worker %d; big on worker %d\n", ctl->worker,
              big->worker);

  absl::SleepFor(absl::Milliseconds(200));
  sched->Shutdown();  // a drain: released jobs finish, releases stop
  std::printf("%s", ex->Stats().Format().c_str());
  return 0;
}
