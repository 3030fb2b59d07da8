// Copyright 2026 The Moirai Authors.
//
// rt/executor_test.cc
// -----------------------------------------------------------------------------
//
// The rt executor on a real scheduler: jobs run on the worker their task
// was assigned to, sporadic and periodic releases are counted exactly over
// bounded runs, best-effort work still runs, admission refuses with its
// evidence, a drain waits for released jobs, a cancelling shutdown cancels
// the running job's stop token and discards pending jobs, bad input is a
// Status. No timing assertions: WaitFor only bounds waits generously.

#include "moirai/rt/executor.h"

#include <sched.h>
#include <time.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/core/cancellation.h"
#include "moirai/core/log.h"
#include "moirai/core/task.h"
#include "moirai/rt/kernel_class.h"
#include "moirai/rt/task_model.h"
#include "moirai/sched/internal/test_configs.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sched/task_group.h"

namespace moirai::rt {
namespace {

using sched::internal::MakeScheduler;
using sched::internal::WaitFor;

ExecutorOptions Opts(int workers, DispatcherOptions d = {}) {
  ExecutorOptions o;
  o.workers = workers;
  o.dispatcher = d;
  return o;
}

AddTaskOptions On(int worker) {
  AddTaskOptions o;
  o.worker = worker;
  return o;
}

struct Rig {
  std::shared_ptr<Executor> ex;
  std::unique_ptr<sched::Scheduler> s;
};

Rig Make(int rt_workers, int sched_workers, DispatcherOptions d = {}) {
  Rig out;
  out.ex = Executor::Create(Opts(rt_workers, d)).value();
  sched::SchedulerOptions o;
  o.num_workers = sched_workers;
  o.dispatch = out.ex;
  out.s = MakeScheduler(o);
  return out;
}

// Releases sporadic task `id` once its minimum inter-arrival `t` has passed
// since `*last` (the dispatcher refuses closer arrivals).
absl::Status ReleaseAfter(Executor& ex, RtTaskId id, Nanos t, Nanos* last) {
  while (ex.Now() < *last + t) absl::SleepFor(absl::Microseconds(200));
  *last = ex.Now();
  return ex.Release(id, *last);
}

TEST(ExecutorTest, SporadicJobsRunOnTheirWorkerAndAreCountedExactly) {
  Rig st = Make(2, 2);
  std::atomic<int> runs[2] = {0, 0};
  std::atomic<int> wrong{0};
  std::vector<RtTaskId> ids;
  for (int w = 0; w < 2; ++w) {
    absl::StatusOr<RtTaskId> id = st.ex->AddTask(
        TaskSpec::Sporadic(absl::StrCat("s", w), 50 * kMicrosecond,
                           kMillisecond, kMillisecond),
        [&, w](const JobContext& c) {
          if (sched::Scheduler::CurrentWorkerIndex() != w || c.worker != w) {
            wrong.fetch_add(1);
          }
          runs[w].fetch_add(1);
        },
        On(w));
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(id->worker, w);
    ids.push_back(*id);
  }
  Nanos last[2] = {0, 0};
  for (int k = 1; k <= 5; ++k) {
    for (int w = 0; w < 2; ++w) {
      ASSERT_TRUE(ReleaseAfter(*st.ex, ids[w], kMillisecond, &last[w]).ok());
      ASSERT_TRUE(WaitFor([&] { return runs[w].load() == k; })) << k;
    }
  }
  ExecutorStats stats = st.ex->Stats();
  for (int w = 0; w < 2; ++w) {
    const TaskStats* t = stats.Find(absl::StrCat("s", w));
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->released, 5);
    EXPECT_EQ(t->completed, 5);
    EXPECT_EQ(stats.jobs_run[w], 5);
    EXPECT_EQ(stats.jobs_misplaced[w], 0);
    EXPECT_GE(t->exec_min, 0);
  }
  EXPECT_EQ(wrong.load(), 0);
  st.s->Shutdown();
}

TEST(ExecutorTest, PeriodicJobsDrainAndEveryReleasedJobRuns) {
  Rig st = Make(2, 2);
  std::atomic<int> runs{0};
  std::atomic<int> wrong{0};
  absl::StatusOr<RtTaskId> id = st.ex->AddTask(
      TaskSpec::Periodic("p", 100 * kMicrosecond, 2 * kMillisecond),
      [&](const JobContext&) {
        if (sched::Scheduler::CurrentWorkerIndex() != 1) wrong.fetch_add(1);
        runs.fetch_add(1);
      },
      On(1));
  ASSERT_TRUE(id.ok()) << id.status();
  ASSERT_TRUE(WaitFor([&] { return runs.load() >= 3; }));
  st.s->Shutdown(sched::ShutdownMode::kDrain);
  const int after = runs.load();
  ExecutorStats stats = st.ex->Stats();
  const TaskStats* t = stats.Find("p");
  ASSERT_NE(t, nullptr);  // retired at the drain, final stats kept
  EXPECT_GE(t->released, 3);
  // Every job released before the drain ran (none was discarded: a job
  // never waits for a replenishment here), and the body ran once per job.
  EXPECT_EQ(t->completed + t->discarded, t->released);
  EXPECT_EQ(t->discarded, 0);
  EXPECT_EQ(t->completed, after);
  EXPECT_EQ(stats.jobs_run[1], after);
  EXPECT_EQ(wrong.load(), 0);
  // Stopped: no more releases after the shutdown.
  absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(runs.load(), after);
}

TEST(ExecutorTest, DrainWaitsForAReleasedJob) {
  Rig st = Make(1, 2);
  std::atomic<bool> done{false};
  absl::StatusOr<RtTaskId> id = st.ex->AddTask(
      TaskSpec::Sporadic("slow", 50 * kMillisecond, 100 * kMillisecond,
                         100 * kMillisecond),
      [&](const JobContext&) {
        absl::SleepFor(absl::Milliseconds(20));
        done.store(true);
      },
      On(0));
  ASSERT_TRUE(id.ok()) << id.status();
  ASSERT_TRUE(st.ex->Release(*id).ok());
  st.s->Shutdown(sched::ShutdownMode::kDrain);
  EXPECT_TRUE(done.load());
  const ExecutorStats stats = st.ex->Stats();
  ASSERT_NE(stats.Find("slow"), nullptr);
  EXPECT_EQ(stats.Find("slow")->completed, 1);
  // Refused once shut down, even after the scheduler is gone (the
  // executor outlives it).
  st.s.reset();
  EXPECT_EQ(st.ex->Stats().workers.size(), 1u);
  EXPECT_EQ(st.ex->Release(*id).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      st.ex
          ->AddTask(TaskSpec::Periodic("late", 1, 10), [](const JobContext&) {})
          .status()
          .code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST(ExecutorTest, DrainDoesNotWaitForAFutureRelease) {
  Rig st = Make(1, 1);
  std::atomic<int> runs{0};
  TaskSpec spec = TaskSpec::Periodic("later", kMillisecond, 10 * kSecond);
  spec.phase = 3600 * kSecond;  // first release in an hour
  ASSERT_TRUE(
      st.ex->AddTask(spec, [&](const JobContext&) { runs.fetch_add(1); }).ok());
  st.s->Shutdown(sched::ShutdownMode::kDrain);  // returns: nothing released
  EXPECT_EQ(runs.load(), 0);
  const ExecutorStats stats = st.ex->Stats();
  const TaskStats* t = stats.Find("later");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->released, 0);
}

TEST(ExecutorTest, CancelPendingStopsTheRunningJobAndDiscardsPendingOnes) {
  Rig st = Make(1, 2);
  std::atomic<bool> started{false};
  std::atomic<bool> saw_stop{false};
  std::atomic<int> b_runs{0};
  std::atomic<int> callback_saw_workers{0};
  absl::StatusOr<RtTaskId> a = st.ex->AddTask(
      TaskSpec::Sporadic("a", 50 * kMillisecond, kSecond, kSecond),
      [&](const JobContext& c) {
        // The callback runs on the shutdown's thread and calls back into
        // the executor: no lock of it may be held then.
        core::CancellationRegistration reg = c.stop.OnCancel([&] {
          callback_saw_workers.store(
              static_cast<int>(st.ex->Stats().workers.size()));
        });
        started.store(true);
        // Waits for the shutdown's stop (bounded, so a bug fails the test
        // instead of hanging it).
        for (int i = 0; i < 20000 && !c.stop.IsCancellationRequested(); ++i) {
          absl::SleepFor(absl::Milliseconds(1));
        }
        saw_stop.store(c.cancelled());
      },
      On(0));
  ASSERT_TRUE(a.ok()) << a.status();
  absl::StatusOr<RtTaskId> b = st.ex->AddTask(
      TaskSpec::Sporadic("b", 50 * kMillisecond, kSecond, 2 * kSecond),
      [&](const JobContext&) { b_runs.fetch_add(1); }, On(0));
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_TRUE(st.ex->Release(*a).ok());
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));
  ASSERT_TRUE(st.ex->Release(*b).ok());  // pending behind a
  // RemoveTask refuses the running task's removal.
  EXPECT_EQ(st.ex->RemoveTask(*a).status().code(),
            absl::StatusCode::kFailedPrecondition);
  st.s->Shutdown(sched::ShutdownMode::kCancelPending);
  EXPECT_TRUE(saw_stop.load());
  EXPECT_EQ(callback_saw_workers.load(), 1);
  EXPECT_EQ(b_runs.load(), 0);
  ExecutorStats stats = st.ex->Stats();
  const TaskStats* tb = stats.Find("b");
  ASSERT_NE(tb, nullptr);
  EXPECT_EQ(tb->released, 1);
  EXPECT_EQ(tb->completed, 0);
  EXPECT_EQ(tb->discarded, 1);
  EXPECT_EQ(stats.Find("a")->completed, 1);
}

// Spins until this thread has used `ns` of CPU time.
void BurnCpu(Nanos ns) {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  const Nanos end = Nanos{ts.tv_sec} * kSecond + ts.tv_nsec + ns;
  for (;;) {
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    if (Nanos{ts.tv_sec} * kSecond + ts.tv_nsec >= end) return;
  }
}

TEST(ExecutorTest, ThreadCpuTimeIsReportedOverrunsAndSleepsAreSeen) {
  Rig st = Make(1, 1);
  std::atomic<int> hog_runs{0};
  std::atomic<int> nap_runs{0};
  absl::StatusOr<RtTaskId> hog =
      st.ex->AddTask(TaskSpec::Sporadic("hog", 100 * kMicrosecond,
                                        50 * kMillisecond, 50 * kMillisecond),
                     [&](const JobContext&) {
                       BurnCpu(kMillisecond);  // 10x its WCET, in CPU time
                       hog_runs.fetch_add(1);
                     });
  ASSERT_TRUE(hog.ok()) << hog.status();
  absl::StatusOr<RtTaskId> nap = st.ex->AddTask(
      TaskSpec::Sporadic("nap", kMillisecond, 50 * kMillisecond,
                         50 * kMillisecond),
      [&](const JobContext&) {
        absl::SleepFor(absl::Milliseconds(5));  // wall time, ~no CPU
        nap_runs.fetch_add(1);
      });
  ASSERT_TRUE(nap.ok()) << nap.status();
  ASSERT_TRUE(st.ex->Release(*hog).ok());
  ASSERT_TRUE(WaitFor([&] { return hog_runs.load() == 1; }));
  ASSERT_TRUE(st.ex->Release(*nap).ok());
  ASSERT_TRUE(WaitFor([&] { return nap_runs.load() == 1; }));
  st.s->Shutdown();
  const ExecutorStats stats = st.ex->Stats();
  const TaskStats* h = stats.Find("hog");
  const TaskStats* n = stats.Find("nap");
  ASSERT_NE(h, nullptr);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(h->overruns, 1);
  EXPECT_GE(h->exec_max, kMillisecond);  // the CPU time it burnt
  EXPECT_EQ(n->completed, 1);
  EXPECT_GT(n->interference_time, 0);  // slept: wall time > CPU time
  EXPECT_LT(n->exec_max, 5 * kMillisecond);
}

TEST(ExecutorTest, AJobWaitingOnATaskGroupIsNotPreemptedByItsWorker) {
  Rig st = Make(1, 1);
  std::atomic<int> children{0};
  std::atomic<int> runs{0};
  std::atomic<int> wrong{0};
  absl::StatusOr<RtTaskId> id =
      st.ex->AddTask(TaskSpec::Sporadic("fork", 10 * kMillisecond,
                                        100 * kMillisecond, 100 * kMillisecond),
                     [&](const JobContext&) {
                       // The group's help loop picks on this worker: the
                       // executor must not start another job (or itself) inside
                       // this one.
                       sched::TaskGroup g;
                       for (int i = 0; i < 8; ++i)
                         g.Run([&] { children.fetch_add(1); });
                       if (!g.Wait().ok()) wrong.fetch_add(1);
                       runs.fetch_add(1);
                     });
  ASSERT_TRUE(id.ok()) << id.status();
  Nanos last = 0;
  for (int k = 1; k <= 3; ++k) {
    ASSERT_TRUE(ReleaseAfter(*st.ex, *id, 100 * kMillisecond, &last).ok());
    ASSERT_TRUE(WaitFor([&] { return runs.load() == k; }));
  }
  st.s->Shutdown();
  EXPECT_EQ(children.load(), 24);
  EXPECT_EQ(wrong.load(), 0);
  const ExecutorStats stats = st.ex->Stats();
  ASSERT_NE(stats.Find("fork"), nullptr);
  EXPECT_EQ(stats.Find("fork")->completed, 3);
  EXPECT_EQ(stats.jobs_run[0], 3);
}

TEST(ExecutorTest, ControlCallsFromManyThreadsWhileJobsRun) {
  constexpr int kReleases = 20;
  // Room for every release pending at once: however slow the worker (a
  // loaded machine, TSan), no release is dropped, so the counts are exact.
  DispatcherOptions d;
  d.max_pending_jobs = 2 * kReleases;
  Rig st = Make(2, 2, d);
  std::atomic<int> runs[2] = {0, 0};
  std::vector<RtTaskId> ids;
  for (int w = 0; w < 2; ++w) {
    absl::StatusOr<RtTaskId> id = st.ex->AddTask(
        TaskSpec::Sporadic(absl::StrCat("s", w), 20 * kMicrosecond,
                           kMillisecond, kMillisecond),
        [&, w](const JobContext&) { runs[w].fetch_add(1); }, On(w));
    ASSERT_TRUE(id.ok()) << id.status();
    ids.push_back(*id);
  }
  ASSERT_TRUE(
      st.ex
          ->AddTask(
              TaskSpec::Periodic("tick", 20 * kMicrosecond, kMillisecond),
              [](const JobContext&) {}, On(0))
          .ok());
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      Nanos last = 0;
      for (int k = 0; k < kReleases; ++k) {
        if (!ReleaseAfter(*st.ex, ids[w], kMillisecond, &last).ok()) {
          failures.fetch_add(1);
        }
      }
    });
  }
  threads.emplace_back([&] {  // add and remove a task on worker 1
    while (!stop.load()) {
      absl::StatusOr<RtTaskId> id = st.ex->AddTask(
          TaskSpec::Sporadic("tmp", 10 * kMicrosecond, kMillisecond,
                             kMillisecond),
          [](const JobContext&) {}, On(1));
      if (!id.ok() || !st.ex->RemoveTask(*id).ok()) failures.fetch_add(1);
      // A control plane, not a hammer: the worker mutex is not fair.
      absl::SleepFor(absl::Microseconds(100));
    }
  });
  threads.emplace_back([&] {  // snapshots
    while (!stop.load()) {
      if (st.ex->Stats().workers.size() != 2) failures.fetch_add(1);
      absl::SleepFor(absl::Microseconds(100));
    }
  });
  threads[0].join();
  threads[1].join();
  ASSERT_TRUE(WaitFor([&] {
    return runs[0].load() == kReleases && runs[1].load() == kReleases;
  })) << runs[0].load()
      << " " << runs[1].load() << " failures " << failures.load() << "\n"
      << st.ex->Stats().Format();
  stop.store(true);
  threads[2].join();
  threads[3].join();
  st.s->Shutdown();
  EXPECT_EQ(failures.load(), 0);
  const ExecutorStats stats = st.ex->Stats();
  for (int w = 0; w < 2; ++w) {
    const TaskStats* t = stats.Find(absl::StrCat("s", w));
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->released, kReleases);
    EXPECT_EQ(t->completed, kReleases);
    EXPECT_EQ(stats.jobs_misplaced[w], 0);
  }
}

TEST(ExecutorTest, BestEffortWorkStillRuns) {
  Rig st = Make(2, 2);
  std::atomic<int> rt_runs{0};
  for (int w = 0; w < 2; ++w) {
    ASSERT_TRUE(st.ex
                    ->AddTask(
                        TaskSpec::Periodic(absl::StrCat("p", w),
                                           200 * kMicrosecond, kMillisecond),
                        [&](const JobContext&) { rt_runs++; }, On(w))
                    .ok());
  }
  std::atomic<int> be{0};
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(st.s->Submit(core::Task([&] { be.fetch_add(1); })).ok());
  }
  ASSERT_TRUE(WaitFor([&] { return be.load() == 200 && rt_runs.load() > 4; }));
  st.s->Shutdown();
  EXPECT_EQ(be.load(), 200);
}

TEST(ExecutorTest, AdmissionRefusesWithEvidenceAndFirstFitPlaces) {
  Rig st = Make(2, 2);
  auto big = [](const char* name) {
    return TaskSpec::Sporadic(name, 600 * kMillisecond, kSecond, kSecond);
  };
  auto noop = [](const JobContext&) {};
  absl::StatusOr<RtTaskId> a = st.ex->AddTask(big("a"), noop, On(0));
  ASSERT_TRUE(a.ok()) << a.status();
  absl::StatusOr<RtTaskId> pinned = st.ex->AddTask(big("b"), noop, On(0));
  EXPECT_EQ(pinned.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(pinned.status().message().find("worker 0"), std::string::npos)
      << pinned.status();
  absl::StatusOr<RtTaskId> ff = st.ex->AddTask(big("b"), noop);  // first fit
  ASSERT_TRUE(ff.ok()) << ff.status();
  EXPECT_EQ(ff->worker, 1);
  absl::StatusOr<RtTaskId> none = st.ex->AddTask(big("c"), noop);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(none.status().message().find("'c'"), std::string::npos);
  EXPECT_NE(none.status().message().find("worker 1"), std::string::npos);
  // Removing frees the room.
  absl::StatusOr<TaskStats> removed = st.ex->RemoveTask(*a);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->name, "a");
  EXPECT_EQ(st.ex->RemoveTask(*a).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(st.ex->AddTask(big("c"), noop).ok());
  st.s->Shutdown();
}

TEST(ExecutorTest, BadInputIsAStatus) {
  EXPECT_EQ(Executor::Create(Opts(0)).status().code(),
            absl::StatusCode::kInvalidArgument);
  DispatcherOptions bad;
  bad.max_tasks = 0;
  EXPECT_EQ(Executor::Create(Opts(1, bad)).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto noop = [](const JobContext&) {};
  const TaskSpec ok = TaskSpec::Periodic("t", kMillisecond, 10 * kMillisecond);
  {
    auto ex = Executor::Create(Opts(1)).value();
    EXPECT_EQ(ex->AddTask(ok, noop).status().code(),
              absl::StatusCode::kFailedPrecondition);  // not installed
  }
  {
    Rig st = Make(3, 2);  // more RT workers than the scheduler has
    EXPECT_EQ(st.ex->AddTask(ok, noop).status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  Rig st = Make(2, 2);
  EXPECT_EQ(st.ex->AddTask(ok, noop, On(2)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st.ex->AddTask(ok, noop, On(-2)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st.ex->AddTask(ok, JobBody()).status().code(),
            absl::StatusCode::kInvalidArgument);
  TaskSpec zero = ok;
  zero.wcet = 0;
  EXPECT_EQ(st.ex->AddTask(zero, noop).status().code(),
            absl::StatusCode::kInvalidArgument);
  TaskSpec fp = ok;
  fp.policy = Policy::kRateMonotonic;  // the workers run EDF
  EXPECT_EQ(st.ex->AddTask(fp, noop).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<RtTaskId> p = st.ex->AddTask(ok, noop);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(st.ex->AddTask(ok, noop, On(p->worker)).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(st.ex->Release(*p).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.ex->Release({.worker = 7, .task = p->task}).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(st.ex->RemoveTask(RtTaskId{-1, TaskId{}}).status().code(),
            absl::StatusCode::kNotFound);
  st.s->Shutdown();
}

// Each RT worker's thread applies the kernel class at its first pick; the
// stats say what it got, and the jobs run in that class. (In CI's sandbox
// SCHED_FIFO is refused, so this checks the loud fallback; run directly as
// root it checks the applied branch.)
TEST(ExecutorTest, WorkersReportTheKernelClassTheirJobsRunIn) {
  ExecutorOptions eo = Opts(2);
  eo.kernel.requested = KernelClass::kFifo;
  eo.kernel.fifo_priority = 5;
  core::MemoryLogSink sink(core::LogLevel::kWarning);
  eo.kernel.log_sink = &sink;
  std::shared_ptr<Executor> ex = Executor::Create(eo).value();
  sched::SchedulerOptions so;
  so.num_workers = 2;
  so.dispatch = ex;
  std::unique_ptr<sched::Scheduler> s = MakeScheduler(so);
  std::atomic<int> policy[2] = {-1, -1};
  std::vector<RtTaskId> ids;
  for (int w = 0; w < 2; ++w) {
    absl::StatusOr<RtTaskId> id = ex->AddTask(
        TaskSpec::Sporadic(absl::StrCat("k", w), 50 * kMicrosecond,
                           kMillisecond, kMillisecond),
        [&, w](const JobContext&) { policy[w].store(sched_getscheduler(0)); },
        On(w));
    ASSERT_TRUE(id.ok()) << id.status();
    ids.push_back(*id);
  }
  for (int w = 0; w < 2; ++w) {
    ASSERT_TRUE(ex->Release(ids[w]).ok());
    ASSERT_TRUE(WaitFor([&] { return policy[w].load() != -1; }));
  }
  ExecutorStats stats = ex->Stats();
  ASSERT_EQ(stats.kernel.size(), 2u);
  std::size_t fallbacks = 0;
  for (int w = 0; w < 2; ++w) {
    const KernelClassState& k = stats.kernel[w];
    EXPECT_EQ(k.requested, KernelClass::kFifo);
    if (k.applied == KernelClass::kFifo) {
      EXPECT_FALSE(k.fell_back());
      EXPECT_EQ(policy[w].load(), SCHED_FIFO);
    } else {
      ++fallbacks;
      EXPECT_EQ(k.applied, KernelClass::kOther);
      EXPECT_NE(k.fallback_reason.find("SCHED_FIFO refused"),
                std::string::npos);
      EXPECT_EQ(policy[w].load(), SCHED_OTHER);
      EXPECT_NE(stats.Format().find("fell back"), std::string::npos);
    }
  }
  EXPECT_EQ(sink.lines().size(), fallbacks);
  s->Shutdown();

  ExecutorOptions bad = Opts(1);
  bad.kernel.requested = KernelClass::kFifo;
  bad.kernel.fifo_priority = 120;
  EXPECT_EQ(Executor::Create(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moirai::rt
