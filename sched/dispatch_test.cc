// Copyright 2026 The Moirai Authors.
//
// sched/dispatch_test.cc
// -----------------------------------------------------------------------------
//
// The per-worker dispatch extension point (dispatch.h) and worker domains:
// dispatched work goes before best-effort work, runs on the worker it was
// posted to, reaches a parked worker (woken or at its next release), the
// hooks bracket every task and nest, a drain waits for held dispatched work
// and a cancelling shutdown lets the dispatch drop it; workers of different
// domains never steal from each other.

#include "moirai/sched/dispatch.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <latch>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/core/mono_time.h"
#include "moirai/core/task.h"
#include "moirai/sched/internal/test_configs.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sched/task_group.h"
#include "moirai/sync/mutex.h"

namespace moirai::sched {
namespace {

using core::MonoTime;
using internal::MakeScheduler;
using internal::WaitFor;

// A per-worker FIFO of jobs, each released at its time; holds one
// scheduler hold per queued job so that a drain waits for it.
class PinnedFifo : public WorkerDispatch {
 public:
  explicit PinnedFifo(int workers, bool hooks = false)
      : queues_(static_cast<std::size_t>(workers)),
        hooks_(hooks),
        depth_(static_cast<std::size_t>(workers)) {}

  void Bind(DispatchHandle h) noexcept override { handle_ = h; }

  // Queues `fn` on `worker`, runnable from `release` on. False once the
  // scheduler's shutdown began (no hold).
  template <typename F>
  bool Post(int worker, F fn, MonoTime release = MonoTime()) {
    if (!handle_.AcquireHold()) return false;
    {
      sync::MutexLock l(&mu_);
      queues_[static_cast<std::size_t>(worker)].push_back(
          Job{release, core::Task(std::move(fn))});
    }
    handle_.Wake(worker);
    return true;
  }

  core::Task Pick(int worker) noexcept override {
    core::Task t;
    {
      sync::MutexLock l(&mu_);
      auto& q = queues_[static_cast<std::size_t>(worker)];
      if (q.empty() || q.front().release > MonoTime::Now()) return t;
      t = std::move(q.front().task);
      q.pop_front();
    }
    const DispatchHandle h = handle_;
    return core::Task([h, inner = std::move(t)]() mutable {
      inner();
      h.ReleaseHold();
    });
  }

  bool HasWork(int worker) noexcept override {
    sync::MutexLock l(&mu_);
    const auto& q = queues_[static_cast<std::size_t>(worker)];
    return !q.empty() && q.front().release <= MonoTime::Now();
  }

  MonoTime NextWakeup(int worker) noexcept override {
    sync::MutexLock l(&mu_);
    const auto& q = queues_[static_cast<std::size_t>(worker)];
    return q.empty() ? MonoTime::Infinite() : q.front().release;
  }

  bool wants_task_hooks() const noexcept override { return hooks_; }
  void OnTaskStart(int worker) noexcept override {
    const int d = ++depth_[static_cast<std::size_t>(worker)];
    max_depth_.store(std::max(max_depth_.load(), d));
    starts_.fetch_add(1);
  }
  void OnTaskEnd(int worker) noexcept override {
    if (--depth_[static_cast<std::size_t>(worker)] < 0) unbalanced_ = true;
    ends_.fetch_add(1);
  }

  void OnShutdown(ShutdownMode mode) noexcept override {
    shutdown_calls_.fetch_add(1);
    last_mode_ = mode;
    if (mode != ShutdownMode::kCancelPending) return;
    // Cancel: drop every queued job and its hold.
    std::vector<Job> dropped;
    {
      sync::MutexLock l(&mu_);
      for (auto& q : queues_) {
        for (Job& j : q) dropped.push_back(std::move(j));
        q.clear();
      }
    }
    for (std::size_t i = 0; i < dropped.size(); ++i) handle_.ReleaseHold();
  }

  std::int64_t starts() const { return starts_.load(); }
  std::int64_t ends() const { return ends_.load(); }
  int max_depth() const { return max_depth_.load(); }
  bool unbalanced() const { return unbalanced_.load(); }
  int shutdown_calls() const { return shutdown_calls_.load(); }
  ShutdownMode last_mode() const { return last_mode_.load(); }

 private:
  struct Job {
    MonoTime release;
    core::Task task;
  };
  DispatchHandle handle_;
  sync::Mutex mu_;
  std::vector<std::deque<Job>> queues_ ABSL_GUARDED_BY(mu_);
  const bool hooks_;
  // Per worker, touched only by that worker's thread (hooks).
  std::vector<int> depth_;
  std::atomic<int> max_depth_{0};
  std::atomic<bool> unbalanced_{false};
  std::atomic<std::int64_t> starts_{0};
  std::atomic<std::int64_t> ends_{0};
  std::atomic<int> shutdown_calls_{0};
  std::atomic<ShutdownMode> last_mode_{ShutdownMode::kDrain};
};

std::unique_ptr<Scheduler> WithDispatch(std::shared_ptr<PinnedFifo> d,
                                        int workers) {
  SchedulerOptions o;
  o.num_workers = workers;
  o.dispatch = std::move(d);
  return MakeScheduler(o);
}

TEST(DispatchTest, DispatchedWorkRunsBeforeQueuedBestEffortWork) {
  auto d = std::make_shared<PinnedFifo>(1);
  auto s = WithDispatch(d, 1);
  std::mutex mu;
  std::vector<int> order;
  std::latch done(11);
  ASSERT_TRUE(s->Submit(core::Task([&] {
                 // Ten best-effort tasks on this worker's deque, then one
                 // dispatched job: the job runs first.
                 for (int i = 0; i < 10; ++i) {
                   ASSERT_TRUE(s->Submit(core::Task([&, i] {
                                  std::lock_guard<std::mutex> l(mu);
                                  order.push_back(i);
                                  done.count_down();
                                })).ok());
                 }
                 ASSERT_TRUE(d->Post(0, [&] {
                   std::lock_guard<std::mutex> l(mu);
                   order.push_back(-1);
                   done.count_down();
                 }));
               })).ok());
  done.wait();
  ASSERT_EQ(order.size(), 11u);
  EXPECT_EQ(order.front(), -1);
}

TEST(DispatchTest, DispatchedWorkRunsOnItsWorkerOnly) {
  auto d = std::make_shared<PinnedFifo>(2);
  auto s = WithDispatch(d, 2);
  std::latch release(1);
  std::latch started(1);
  // Worker 1 is busy with its first job while 100 more queue behind it;
  // worker 0 is idle all along and must not run them.
  ASSERT_TRUE(d->Post(1, [&] {
    started.count_down();
    release.wait();
  }));
  started.wait();
  std::atomic<int> on_one{0};
  std::atomic<int> elsewhere{0};
  std::latch done(100);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(d->Post(1, [&] {
      (Scheduler::CurrentWorkerIndex() == 1 ? on_one : elsewhere)++;
      done.count_down();
    }));
  }
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(on_one.load() + elsewhere.load(), 0);
  release.count_down();
  done.wait();
  EXPECT_EQ(on_one.load(), 100);
  EXPECT_EQ(elsewhere.load(), 0);
}

TEST(DispatchTest, WakeReachesAParkedOrParkingWorker) {
  auto d = std::make_shared<PinnedFifo>(2);
  auto s = WithDispatch(d, 2);
  // Nothing but dispatched work: a lost wake-up leaves the job queued for
  // good (no release time to wake at), and WaitFor fails.
  for (int round = 0; round < 2000; ++round) {
    if (round % 100 == 0) {
      ASSERT_TRUE(WaitFor([&] {
        SchedulerStats st = s->Stats();
        return st.workers[0].parked && st.workers[1].parked;
      }));
    }
    std::atomic<bool> ran{false};
    ASSERT_TRUE(d->Post(round % 2, [&] { ran.store(true); }));
    ASSERT_TRUE(WaitFor([&] { return ran.load(); })) << "round " << round;
  }
}

TEST(DispatchTest, AParkedWorkerWakesForItsNextRelease) {
  auto d = std::make_shared<PinnedFifo>(2);
  auto s = WithDispatch(d, 2);
  const MonoTime release = MonoTime::After(absl::Milliseconds(30));
  std::atomic<bool> ran{false};
  std::atomic<bool> early{true};
  std::atomic<int> worker{-1};
  ASSERT_TRUE(d->Post(
      1,
      [&] {
        early.store(MonoTime::Now() < release);
        worker.store(Scheduler::CurrentWorkerIndex());
        ran.store(true);
      },
      release));
  // Nobody wakes worker 1 after the post: only its timed park does.
  ASSERT_TRUE(WaitFor([&] { return ran.load(); }));
  EXPECT_FALSE(early.load());
  EXPECT_EQ(worker.load(), 1);
}

int Fib(int n) {
  if (n < 2) return n;
  int a = 0;
  int b = 0;
  TaskGroup g;
  g.Run([&] { a = Fib(n - 1); });
  b = Fib(n - 2);
  EXPECT_TRUE(g.Wait().ok());
  return a + b;
}

TEST(DispatchTest, HooksBracketEveryTaskAndNest) {
  auto d = std::make_shared<PinnedFifo>(1, /*hooks=*/true);
  auto s = WithDispatch(d, 1);
  core::Future<int> f = s->Spawn([] { return Fib(15); });
  ASSERT_EQ(std::move(f).Get().value(), 610);
  std::atomic<bool> ran{false};
  ASSERT_TRUE(d->Post(0, [&] { ran.store(true); }));
  ASSERT_TRUE(WaitFor([&] { return ran.load(); }));
  s->Shutdown();
  // Every task the worker ran (the Spawn, Fib's forks, the dispatched job)
  // had one start and one end, properly nested: the forks ran inside the
  // help-first waits of their parents.
  EXPECT_EQ(d->starts(),
            static_cast<std::int64_t>(s->Stats().workers[0].executed));
  EXPECT_EQ(d->starts(), d->ends());
  EXPECT_FALSE(d->unbalanced());
  EXPECT_GE(d->max_depth(), 2);
}

TEST(DispatchTest, HooksAreNotCalledUnlessWanted) {
  auto d = std::make_shared<PinnedFifo>(1, /*hooks=*/false);
  auto s = WithDispatch(d, 1);
  ASSERT_TRUE(s->Spawn([] { return 1; }).Get().ok());
  s->Shutdown();
  EXPECT_EQ(d->starts(), 0);
}

TEST(DispatchTest, DrainWaitsForHeldDispatchedWork) {
  auto d = std::make_shared<PinnedFifo>(2);
  auto s = WithDispatch(d, 2);
  std::atomic<bool> ran{false};
  ASSERT_TRUE(d->Post(
      0, [&] { ran.store(true); }, MonoTime::After(absl::Milliseconds(20))));
  const ShutdownReport r = s->Shutdown(ShutdownMode::kDrain);
  EXPECT_TRUE(ran.load());
  EXPECT_EQ(r.cancelled, 0);
  EXPECT_EQ(d->shutdown_calls(), 1);
  EXPECT_EQ(d->last_mode(), ShutdownMode::kDrain);
  EXPECT_FALSE(d->Post(0, [] {}));  // shut down: refused
}

TEST(DispatchTest, CancellingShutdownLetsTheDispatchDropItsWork) {
  auto d = std::make_shared<PinnedFifo>(2);
  auto s = WithDispatch(d, 2);
  std::atomic<bool> ran{false};
  ASSERT_TRUE(d->Post(
      0, [&] { ran.store(true); }, MonoTime::After(absl::Hours(1))));
  s->Shutdown(ShutdownMode::kCancelPending);  // returns: the hold was dropped
  EXPECT_FALSE(ran.load());
  EXPECT_EQ(d->last_mode(), ShutdownMode::kCancelPending);
}

TEST(WorkerDomainsTest, WorkersOfDifferentDomainsNeverSteal) {
  SchedulerOptions o;
  o.num_workers = 2;
  o.worker_domains = {0, 1};
  auto s = MakeScheduler(o);
  std::latch release(1);
  std::latch done(51);
  std::atomic<int> home{-1};
  std::atomic<int> away{0};
  ASSERT_TRUE(s->Submit(core::Task([&] {
                 const int me = Scheduler::CurrentWorkerIndex();
                 home.store(me);
                 // Fifty tasks on this worker's own deque while it blocks:
                 // the other worker is idle, but in another domain.
                 for (int i = 0; i < 50; ++i) {
                   ASSERT_TRUE(s->Submit(core::Task([&, me] {
                                  if (Scheduler::CurrentWorkerIndex() != me) {
                                    away.fetch_add(1);
                                  }
                                  done.count_down();
                                })).ok());
                 }
                 release.wait();
                 done.count_down();
               })).ok());
  ASSERT_TRUE(WaitFor([&] { return home.load() >= 0; }));
  absl::SleepFor(absl::Milliseconds(50));
  release.count_down();
  done.wait();
  EXPECT_EQ(away.load(), 0);
  SchedulerStats st = s->Stats();
  EXPECT_EQ(st.workers[0].stolen + st.workers[1].stolen, 0u);
}

TEST(WorkerDomainsTest, WorkersOfOneDomainStillSteal) {
  SchedulerOptions o;
  o.num_workers = 3;
  o.worker_domains = {0, 0, 1};
  auto s = MakeScheduler(o);
  // A blocked task on worker A of domain 0 leaves its children to the other
  // domain-0 worker, never to worker 2.
  std::latch release(1);
  std::atomic<int> home{-1};
  std::atomic<int> on_other_domain{0};
  std::atomic<int> stolen_in_domain{0};
  std::latch done(21);
  // Submit from outside until a task lands on a domain-0 worker.
  ASSERT_TRUE(s->Submit(core::Task([&] {
                 const int me = Scheduler::CurrentWorkerIndex();
                 home.store(me);
                 for (int i = 0; i < 20; ++i) {
                   ASSERT_TRUE(s->Submit(core::Task([&, me] {
                                  const int w = Scheduler::CurrentWorkerIndex();
                                  const int dom_me = me == 2 ? 1 : 0;
                                  const int dom_w = w == 2 ? 1 : 0;
                                  if (dom_w != dom_me) on_other_domain++;
                                  if (w != me) stolen_in_domain++;
                                  done.count_down();
                                })).ok());
                 }
                 // Wait until a same-domain worker took them (if there is
                 // one; a task on worker 2 has none and must not block).
                 if (me != 2) {
                   while (stolen_in_domain.load() == 0)
                     absl::SleepFor(absl::Milliseconds(1));
                 }
                 release.wait();
                 done.count_down();
               })).ok());
  release.count_down();
  done.wait();
  EXPECT_EQ(on_other_domain.load(), 0);
  if (home.load() != 2) {
    EXPECT_GT(stolen_in_domain.load(), 0);
  }
}

TEST(WorkerDomainsTest, BadDomainsAreInvalidArgument) {
  SchedulerOptions o;
  o.num_workers = 2;
  o.worker_domains = {0};
  EXPECT_EQ(Scheduler::Create(o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o.worker_domains = {0, 2};
  EXPECT_EQ(Scheduler::Create(o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o.worker_domains = {0, -1};
  EXPECT_EQ(Scheduler::Create(o).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moirai::sched
