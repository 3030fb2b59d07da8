// Copyright 2026 The Moirai Authors.

#include "moirai/async/runtime.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/async/channel.h"
#include "moirai/async/internal/test_util.h"
#include "moirai/async/mutex.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/mono_time.h"
#include "moirai/core/task_context.h"
#include "moirai/sched/scheduler.h"

namespace moirai::async {
namespace {

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kScale = 1;
#else
constexpr int kScale = 10;
#endif

std::unique_ptr<Runtime> MakeRuntime(int workers) {
  auto rt = testing_util::MakeRuntime(workers);
  EXPECT_NE(rt, nullptr);
  return rt;
}

class RuntimeTest : public ::testing::TestWithParam<int> {};

TEST(RuntimeCreateTest, RejectsBadOptions) {
  RuntimeOptions small;
  small.stack_size = 1024;
  EXPECT_EQ(Runtime::Create(small).status().code(),
            absl::StatusCode::kInvalidArgument);
  RuntimeOptions neg;
  neg.num_workers = -1;
  EXPECT_EQ(Runtime::Create(neg).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(RuntimeTest, SpawnJoinFromThreadReturnsValues) {
  auto rt = MakeRuntime(GetParam());
  std::vector<JoinHandle<int>> handles;
  for (int i = 0; i < 100 * kScale; ++i) {
    handles.push_back(rt->Spawn([i] { return i * 2; }));
  }
  long sum = 0;
  for (auto& h : handles) {
    absl::StatusOr<int> v = h.Join();
    ASSERT_TRUE(v.ok()) << v.status();
    sum += *v;
    EXPECT_FALSE(h.valid());
  }
  const long n = 100 * kScale;
  EXPECT_EQ(sum, n * (n - 1));
}

TEST_P(RuntimeTest, JoinFromFiberSuspendsAndNests) {
  auto rt = MakeRuntime(GetParam());
  auto outer = rt->Spawn([&rt] {
    int total = 0;
    std::vector<JoinHandle<int>> inner;
    for (int i = 1; i <= 50; ++i) {
      inner.push_back(rt->Spawn([i] {
        Yield();
        return i;
      }));
    }
    for (auto& h : inner) total += h.Join().value();
    return total;
  });
  EXPECT_EQ(outer.Join().value(), 50 * 51 / 2);
}

TEST_P(RuntimeTest, VoidStatusAndStatusOrResults) {
  auto rt = MakeRuntime(GetParam());
  std::atomic<int> ran{0};
  absl::Status v = rt->Spawn([&] { ran.fetch_add(1); }).Join();
  EXPECT_TRUE(v.ok());
  absl::Status s = rt->Spawn([] { return absl::NotFoundError("nope"); }).Join();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  absl::StatusOr<std::string> so =
      rt->Spawn([]() -> absl::StatusOr<std::string> {
          return std::string("x");
        }).Join();
  EXPECT_EQ(so.value(), "x");
  EXPECT_EQ(ran.load(), 1);
}

TEST_P(RuntimeTest, ExceptionBecomesInternalError) {
  auto rt = MakeRuntime(GetParam());
  absl::StatusOr<int> r =
      rt->Spawn([]() -> int { throw std::runtime_error("boom"); }).Join();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(r.status().message().find("boom"), absl::string_view::npos);
}

TEST_P(RuntimeTest, EmptyHandleJoinIsFailedPrecondition) {
  JoinHandle<int> h;
  EXPECT_EQ(h.Join().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(RuntimeTest, DetachedFibersFinishBeforeRuntimeDestructs) {
  std::atomic<int> done{0};
  {
    auto rt = MakeRuntime(GetParam());
    for (int i = 0; i < 200; ++i) {
      rt->Spawn([&done] {
          for (int k = 0; k < 3; ++k) Yield();
          done.fetch_add(1, std::memory_order_relaxed);
        }).Detach();
    }
    ASSERT_TRUE(rt->WaitForFibers().ok());
  }
  EXPECT_EQ(done.load(), 200);
}

// Sleeps used to run on the wall clock (absl::Now(), FUTEX_CLOCK_REALTIME),
// so a clock step stretched or shortened them. Now they run on the
// monotonic clock: stepping the (test-skewed) wall clock by an hour either
// way, over and over while fibers sleep, moves none of them.
TEST_P(RuntimeTest, WallClockStepsDoNotMoveSleeps) {
  auto rt = MakeRuntime(GetParam());
  constexpr absl::Duration kNap = absl::Milliseconds(30);
  std::vector<JoinHandle<absl::Duration>> naps;
  for (int i = 0; i < 4; ++i) {
    naps.push_back(rt->Spawn([&]() -> absl::Duration {
      const core::MonoTime start = core::MonoTime::Now();
      absl::Status s = async::SleepFor(kNap);
      EXPECT_TRUE(s.ok()) << s;
      return core::MonoTime::Now() - start;
    }));
  }
  auto all_done = [&] {
    for (auto& h : naps) {
      if (!h.IsFinished()) return false;
    }
    return true;
  };
  for (int i = 0; !all_done(); ++i) {
    core::internal::SetWallClockSkewForTesting(i % 2 == 0 ? absl::Hours(1)
                                                          : -absl::Hours(1));
    std::this_thread::yield();
  }
  core::internal::SetWallClockSkewForTesting(absl::ZeroDuration());
  for (auto& h : naps) {
    absl::StatusOr<absl::Duration> slept = h.Join();
    ASSERT_TRUE(slept.ok());
    EXPECT_GE(*slept, kNap);
    EXPECT_LT(*slept, absl::Minutes(30));
  }
}

// ~Runtime cancels detached fibers instead of waiting forever for them: a
// fiber asleep for an hour, and one blocked on a channel nobody sends on,
// are woken with kCancelled (this test hung on the old destructor).
TEST_P(RuntimeTest, DestructorCancelsDetachedFibers) {
  std::atomic<int> cancelled{0};
  // Both fibers must have started: one cancelled before it runs never runs
  // its body (and reports kCancelled to a joiner instead).
  testing_util::Flag asleep, receiving;
  {
    auto rt = MakeRuntime(GetParam());
    auto ch = std::make_shared<Channel<int>>(1);
    rt->Spawn([&] {
        asleep.Notify();
        if (absl::IsCancelled(async::SleepFor(absl::Hours(1)))) cancelled++;
      }).Detach();
    rt->Spawn([&, ch] {
        receiving.Notify();
        if (absl::IsCancelled(ch->Recv().status())) cancelled++;
      }).Detach();
    asleep.Wait();
    receiving.Wait();
    EXPECT_TRUE(
        absl::IsDeadlineExceeded(rt->WaitForFibers(absl::Milliseconds(1))));
  }
  EXPECT_EQ(cancelled.load(), 2);
}

// TaskContext::current() inside a fiber is the fiber's own context across
// yields, even when the fiber migrates between workers.
TEST_P(RuntimeTest, TaskContextFollowsTheFiber) {
  auto rt = MakeRuntime(GetParam());
  std::vector<JoinHandle<bool>> hs;
  for (int i = 0; i < 20; ++i) {
    SpawnOptions o;
    o.priority = i % 2 ? core::Priority::kHigh : core::Priority::kLow;
    hs.push_back(rt->Spawn(
        [p = o.priority] {
          const core::TaskContext* mine = core::TaskContext::current();
          if (mine == nullptr || mine->priority() != p) return false;
          for (int k = 0; k < 50; ++k) {
            Yield();
            if (core::TaskContext::current() != mine) return false;
          }
          return true;
        },
        o));
  }
  for (auto& h : hs) EXPECT_TRUE(h.Join().value());
  EXPECT_EQ(core::TaskContext::current(), nullptr);
}

TEST_P(RuntimeTest, JoinHandleIdMatchesTaskContext) {
  auto rt = MakeRuntime(GetParam());
  auto h = rt->Spawn([] { return core::TaskContext::current()->id(); });
  const core::TaskId id = h.id();
  EXPECT_TRUE(id.valid());
  EXPECT_EQ(h.Join().value(), id);
}

TEST_P(RuntimeTest, FibersMigrateBetweenWorkers) {
  if (GetParam() < 2) GTEST_SKIP() << "needs two workers";
  auto rt = MakeRuntime(GetParam());
  // Fibers woken by the timer thread are re-submitted from outside the
  // workers, so any worker may pick them up: a fiber that sleeps repeatedly
  // runs on several workers. Stop as soon as one fiber saw two workers.
  std::atomic<bool> migrated{false};
  std::vector<JoinHandle<void>> hs;
  for (int f = 0; f < 8; ++f) {
    hs.push_back(rt->Spawn([&migrated] {
      std::set<int> seen;
      for (int i = 0; i < 2000 && !migrated.load(); ++i) {
        seen.insert(sched::Scheduler::CurrentWorkerIndex());
        if (seen.size() >= 2) migrated.store(true);
        ASSERT_TRUE(async::SleepFor(absl::Microseconds(20)).ok());
      }
    }));
  }
  for (auto& h : hs) ASSERT_TRUE(h.Join().ok());
  EXPECT_TRUE(migrated.load());
}

TEST_P(RuntimeTest, SleepParksWithoutBlockingWorkers) {
  auto rt = MakeRuntime(GetParam());
  // Many more sleeping fibers than workers; all complete, and sleeping ones
  // do not stop a non-sleeping fiber from running meanwhile.
  Channel<int> woke(Channel<int>::kUnbounded);
  std::vector<JoinHandle<absl::Status>> hs;
  for (int i = 0; i < 64; ++i) {
    hs.push_back(rt->Spawn([i, &woke] {
      absl::Status s = async::SleepFor(absl::Milliseconds(1 + i % 5));
      woke.Send(i).IgnoreError();
      return s;
    }));
  }
  for (auto& h : hs) EXPECT_TRUE(h.Join().ok());
  EXPECT_EQ(woke.size(), 64u);
}

TEST_P(RuntimeTest, SleepReturnsAfterDeadline) {
  auto rt = MakeRuntime(GetParam());
  auto h = rt->Spawn([] {
    const absl::Time deadline = absl::Now() + absl::Milliseconds(3);
    absl::Status s = async::SleepUntil(deadline);
    return s.ok() && absl::Now() >= deadline;
  });
  EXPECT_TRUE(h.Join().value());
}

TEST_P(RuntimeTest, CancelWakesSleepingFiber) {
  auto rt = MakeRuntime(GetParam());
  testing_util::Flag started;
  auto h = rt->Spawn([&] {
    started.Notify();
    return async::SleepFor(absl::Hours(1));
  });
  started.Wait();
  EXPECT_TRUE(h.Cancel());
  EXPECT_FALSE(h.Cancel());
  EXPECT_EQ(h.Join().code(), absl::StatusCode::kCancelled);
}

TEST_P(RuntimeTest, ParentTokenCancelsFiber) {
  auto rt = MakeRuntime(GetParam());
  core::CancellationSource parent;
  SpawnOptions o;
  o.cancellation = parent.token();
  Channel<int> never(1);
  testing_util::Flag started;
  auto h = rt->Spawn(
      [&] {
        started.Notify();
        return never.Recv().status();
      },
      o);
  started.Wait();
  parent.RequestCancellation();
  EXPECT_EQ(h.Join().code(), absl::StatusCode::kCancelled);
}

TEST_P(RuntimeTest, CancelledBeforeRunningDoesNotRun) {
  auto rt = MakeRuntime(GetParam());
  core::CancellationSource parent;
  parent.RequestCancellation();
  SpawnOptions o;
  o.cancellation = parent.token();
  std::atomic<bool> ran{false};
  auto h = rt->Spawn([&] { ran = true; }, o);
  EXPECT_EQ(h.Join().code(), absl::StatusCode::kCancelled);
  EXPECT_FALSE(ran.load());
}

// Cancellation racing completion: whichever wins, the fiber's result is
// either its value or kCancelled, never lost, and join always returns.
TEST_P(RuntimeTest, CancelRacingCompletion) {
  auto rt = MakeRuntime(GetParam());
  int cancelled = 0, completed = 0;
  for (int i = 0; i < 200 * kScale; ++i) {
    Channel<int> ch(1);
    auto h = rt->Spawn([&ch] { return ch.Recv(); });
    std::thread sender([&ch] { ch.Send(7).IgnoreError(); });
    h.Cancel();
    absl::StatusOr<int> r = h.Join();
    sender.join();
    if (r.ok()) {
      EXPECT_EQ(*r, 7);
      ++completed;
    } else {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
      // The item was not consumed: it is still in the channel.
      EXPECT_EQ(ch.TryRecv().value(), 7);
      ++cancelled;
    }
  }
  EXPECT_EQ(cancelled + completed, 200 * kScale);
}

TEST_P(RuntimeTest, PriorityHonouredOnOneWorker) {
  if (GetParam() != 1) GTEST_SKIP() << "ordering is only defined on one worker";
  auto rt = MakeRuntime(1);
  // Occupy the only worker, queue low then high priority fibers, release.
  testing_util::Flag gate_entered;
  std::atomic<bool> open{false};
  auto gate = rt->Spawn([&] {
    gate_entered.Notify();
    while (!open.load()) {
      // Spin on the worker without yielding so nothing else starts.
    }
  });
  gate_entered.Wait();
  std::vector<int> order;
  Mutex mu;
  std::vector<JoinHandle<void>> hs;
  for (int i = 0; i < 5; ++i) {
    SpawnOptions o;
    o.priority = core::Priority::kLow;
    hs.push_back(rt->Spawn(
        [&, i] {
          MutexLock l(&mu);
          order.push_back(100 + i);
        },
        o));
  }
  for (int i = 0; i < 5; ++i) {
    SpawnOptions o;
    o.priority = core::Priority::kHigh;
    hs.push_back(rt->Spawn(
        [&, i] {
          MutexLock l(&mu);
          order.push_back(i);
        },
        o));
  }
  open.store(true);
  ASSERT_TRUE(gate.Join().ok());
  for (auto& h : hs) ASSERT_TRUE(h.Join().ok());
  ASSERT_EQ(order.size(), 10u);
  for (int i = 0; i < 5; ++i) EXPECT_LT(order[i], 100) << "high first";
}

// ---------------------------------------------------------------------------
// Fast paths (see fiber.h): direct resume after Yield(), the run-next slot
// for spawned and woken fibers, the lazy cancellation registration.

// A yield must let a queued, more urgent fiber run before the yielder
// continues: the direct resume only happens when nothing else is queued. The
// yielder holds the only worker (spinning, no switch) until the thread has
// queued the urgent fiber, so it sits in the injection queue at the yield.
TEST_P(RuntimeTest, YieldRunsQueuedUrgentFiberFirst) {
  if (GetParam() != 1) GTEST_SKIP() << "ordering is only defined on one worker";
  auto rt = MakeRuntime(1);
  testing_util::Flag started, queued;
  std::atomic<bool> urgent_ran{false};
  auto h = rt->Spawn([&] {
    started.Notify();
    while (!queued.IsSet()) {
      // Hold the worker without switching.
    }
    Yield();
    return urgent_ran.load();
  });
  started.Wait();
  SpawnOptions o;
  o.priority = core::Priority::kHigh;
  auto urgent = rt->Spawn([&] { urgent_ran = true; }, o);
  queued.Notify();
  EXPECT_TRUE(h.Join().value()) << "the yielder was resumed first";
  ASSERT_TRUE(urgent.Join().ok());
}

// The same for a more urgent child spawned by the yielding fiber itself: it
// waits in the worker's run-next slot, and the yield must not resume the
// yielder past it.
TEST_P(RuntimeTest, YieldRunsUrgentChildFirst) {
  if (GetParam() != 1) GTEST_SKIP() << "ordering is only defined on one worker";
  auto rt = MakeRuntime(1);
  std::atomic<bool> child_ran{false};
  auto h = rt->Spawn([&] {
    SpawnOptions o;
    o.priority = core::Priority::kHigh;
    auto child = Runtime::Current()->Spawn([&] { child_ran = true; }, o);
    Yield();
    const bool ran_first = child_ran.load();
    EXPECT_TRUE(child.Join().ok());
    return ran_first;
  });
  EXPECT_TRUE(h.Join().value()) << "the yielder was resumed first";
}

// A fiber spawned or woken into the run-next slot runs even when the fiber
// that put it there never switches out again before it finishes (the slot
// is emptied when the slice ends), and a second one pushes the first out to
// the scheduler: nothing is lost, nothing runs twice.
TEST_P(RuntimeTest, RunNextSlotIsAlwaysEmptied) {
  auto rt = MakeRuntime(GetParam());
  std::atomic<int> runs{0};
  Channel<int> ch(0);
  auto receiver = rt->Spawn([&] { return ch.Recv(); });
  auto h = rt->Spawn([&] {
    // Several spawns in a row: each pushes the previous one out of the slot.
    std::vector<JoinHandle<void>> kids;
    for (int i = 0; i < 5; ++i) {
      kids.push_back(Runtime::Current()->Spawn([&] { runs.fetch_add(1); }));
    }
    // Detach them: nobody joins from here, the slot must still drain.
    for (auto& k : kids) k.Detach();
    // Wake the receiver (if it is parked already) and finish at once.
    return ch.Send(42);
  });
  ASSERT_TRUE(h.Join().ok());
  EXPECT_EQ(receiver.Join().value(), 42);
  while (rt->live_fibers() != 0) std::this_thread::yield();
  EXPECT_EQ(runs.load(), 5);
}

// Conservation through the slot under every worker count: a token travels
// kLaps times around a ring of fibers joined by channels (every hop wakes
// the next fiber from a running fiber, the slot's main use); every hop is
// counted once and the token's value is the number of hops.
TEST_P(RuntimeTest, RingOfFibersConservesHops) {
  auto rt = MakeRuntime(GetParam());
  constexpr int kFibers = 16;
  const int laps = 20 * kScale;
  std::vector<std::unique_ptr<Channel<long>>> links;
  for (int i = 0; i < kFibers; ++i) {
    links.push_back(std::make_unique<Channel<long>>(1));
  }
  std::atomic<long> hops{0};
  std::vector<JoinHandle<long>> hs;
  for (int i = 0; i < kFibers; ++i) {
    hs.push_back(rt->Spawn([&, i]() -> long {
      Channel<long>& in = *links[i];
      Channel<long>& out = *links[(i + 1) % kFibers];
      long last = -1;
      for (int lap = 0; lap < laps; ++lap) {
        absl::StatusOr<long> v = in.Recv();
        if (!v.ok()) return -1;
        hops.fetch_add(1);
        last = *v + 1;
        if (!out.Send(last).ok()) return -1;
      }
      return last;
    }));
  }
  ASSERT_TRUE(links[0]->Send(0).ok());
  long max_last = 0;
  for (auto& h : hs) {
    absl::StatusOr<long> r = h.Join();
    ASSERT_TRUE(r.ok());
    ASSERT_GT(*r, 0);
    max_last = std::max(max_last, *r);
  }
  EXPECT_EQ(hops.load(), long{kFibers} * laps);
  EXPECT_EQ(max_last, long{kFibers} * laps);
  // The token came back to the first link after the last hop.
  EXPECT_EQ(links[0]->TryRecv().value(), long{kFibers} * laps);
}

// Spawn/join trees (children go through the slot when no worker is idle and
// may be stolen otherwise): every fiber runs exactly once and every result
// reaches its parent.
long SpawnTree(int depth) {
  if (depth == 0) return 1;
  Runtime* rt = Runtime::Current();
  auto left = rt->Spawn([depth] { return SpawnTree(depth - 1); });
  auto right = rt->Spawn([depth] { return SpawnTree(depth - 1); });
  return 1 + left.Join().value() + right.Join().value();
}

TEST_P(RuntimeTest, SpawnJoinTreeCountsEveryFiber) {
  auto rt = MakeRuntime(GetParam());
#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
  constexpr int kDepth = 7;
#else
  constexpr int kDepth = 10;
#endif
  auto h = rt->Spawn([] { return SpawnTree(kDepth); });
  EXPECT_EQ(h.Join().value(), (1L << (kDepth + 1)) - 1);
}

// The cancellation callback is registered at a fiber's first blocking wait.
// A cancellation that arrives before it (while the fiber computes) must still
// end that first wait, and one that arrives during a later wait too.
TEST_P(RuntimeTest, CancelBeforeFirstBlockingWaitEndsIt) {
  auto rt = MakeRuntime(GetParam());
  Channel<int> never(1);
  testing_util::Flag started;
  auto h = rt->Spawn([&] {
    started.Notify();
    while (!core::TaskContext::current()->IsCancellationRequested()) Yield();
    return never.Recv().status();
  });
  started.Wait();  // cancelled before it ran, it would not run at all
  EXPECT_TRUE(h.Cancel());
  EXPECT_EQ(h.Join().code(), absl::StatusCode::kCancelled);
}

TEST_P(RuntimeTest, CancelDuringSecondBlockingWaitEndsIt) {
  auto rt = MakeRuntime(GetParam());
  Channel<int> never(1);
  testing_util::Flag started;
  auto h = rt->Spawn([&] {
    // First wait: registers the callback.
    if (!async::SleepFor(absl::Microseconds(10)).ok()) {
      return absl::InternalError("first wait failed");
    }
    started.Notify();
    return never.Recv().status();
  });
  started.Wait();
  EXPECT_TRUE(h.Cancel());
  EXPECT_EQ(h.Join().code(), absl::StatusCode::kCancelled);
}

// Cancellation racing a fiber-to-fiber hand-over: the canceller resumes a
// fiber parked in Recv(), which then claims its own Waiter, or, when the
// sender claimed it first, waits for the sender's wake. Either way the item
// is delivered exactly once (received, or left in the channel) and nothing
// hangs.
TEST_P(RuntimeTest, CancelRacingFiberSenderConservesItems) {
  auto rt = MakeRuntime(GetParam());
  const int rounds = 100 * kScale;
  int received = 0, left = 0;
  for (int i = 0; i < rounds; ++i) {
    Channel<int> ch(1);
    auto receiver = rt->Spawn([&ch] { return ch.Recv(); });
    auto sender = rt->Spawn([&ch, i] { return ch.Send(i); });
    receiver.Cancel();
    absl::StatusOr<int> r = receiver.Join();
    ASSERT_TRUE(sender.Join().ok());
    if (r.ok()) {
      EXPECT_EQ(*r, i);
      EXPECT_FALSE(ch.TryRecv().ok());
      ++received;
    } else {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
      EXPECT_EQ(ch.TryRecv().value(), i);
      ++left;
    }
  }
  EXPECT_EQ(received + left, rounds);
}

// Join is not cancellable: a cancelled fiber still waits for the fiber it
// joins (its park ignores the cancellation mark), while its cancellable
// waits before and after return kCancelled at once.
TEST_P(RuntimeTest, CancelledFiberStillJoinsButItsWaitsAreCancelled) {
  auto rt = MakeRuntime(GetParam());
  Channel<int> never(1), release(1);
  testing_util::Flag started, cancelled;
  auto h = rt->Spawn([&]() -> int {
    started.Notify();
    while (!core::TaskContext::current()->IsCancellationRequested()) Yield();
    cancelled.Notify();
    if (never.Recv().status().code() != absl::StatusCode::kCancelled) {
      return -1;
    }
    auto child = Runtime::Current()->Spawn([&] { return release.Recv(); });
    absl::StatusOr<int> c = child.Join();  // parks until the child ends
    if (!c.ok()) return -2;
    if (never.Recv().status().code() != absl::StatusCode::kCancelled) {
      return -3;
    }
    return *c;
  });
  started.Wait();  // cancelled before it ran, it would not run at all
  EXPECT_TRUE(h.Cancel());
  cancelled.Wait();
  ASSERT_TRUE(release.Send(7).ok());
  EXPECT_EQ(h.Join().value(), 7);
}

// Fibers spawned by a fiber reach the other workers by stealing (they go to
// the spawning worker's deque, or its run-next slot until the next spawn
// pushes them out): children that keep yielding until two workers have run
// some of them see it happen.
TEST_P(RuntimeTest, SpawnedFibersAreStolenByOtherWorkers) {
  if (GetParam() < 2) GTEST_SKIP() << "needs two workers";
  auto rt = MakeRuntime(GetParam());
  std::atomic<std::uint64_t> workers_seen{0};  // bit i: worker i ran a child
  auto parent = rt->Spawn([&] {
    std::vector<JoinHandle<void>> kids;
    for (int i = 0; i < 32; ++i) {
      kids.push_back(Runtime::Current()->Spawn([&] {
        for (int n = 0; n < 100000; ++n) {
          const int w = sched::Scheduler::CurrentWorkerIndex();
          workers_seen.fetch_or(std::uint64_t{1} << w);
          if (__builtin_popcountll(workers_seen.load()) >= 2) return;
          Yield();
        }
      }));
    }
    for (auto& k : kids) EXPECT_TRUE(k.Join().ok());
  });
  ASSERT_TRUE(parent.Join().ok());
  EXPECT_GE(__builtin_popcountll(workers_seen.load()), 2);
}

// Two runtimes, each on its own scheduler: a fiber of one that wakes a fiber
// of the other must not hand it to its own worker (per-thread slots must not
// mix schedulers). The woken fiber checks where it runs.
TEST(RuntimeFastPathTest, WakeAcrossRuntimesStaysOnTheWokenRuntime) {
  auto a = testing_util::MakeRuntime(1);
  auto b = testing_util::MakeRuntime(1);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kRounds = 50;
  Channel<int> to_b(0), to_a(0);
  sched::Scheduler* const b_sched = b->scheduler();
  auto on_b = b->Spawn([&] {
    int wrong = 0;
    for (int i = 0; i < kRounds; ++i) {
      if (!to_b.Recv().ok()) return -1;
      if (sched::Scheduler::Current() != b_sched) ++wrong;
      if (!to_a.Send(i).ok()) return -1;
    }
    return wrong;
  });
  auto on_a = a->Spawn([&] {
    for (int i = 0; i < kRounds; ++i) {
      if (!to_b.Send(i).ok() || !to_a.Recv().ok()) return false;
    }
    return true;
  });
  EXPECT_TRUE(on_a.Join().value());
  EXPECT_EQ(on_b.Join().value(), 0);
}

INSTANTIATE_TEST_SUITE_P(Workers, RuntimeTest, ::testing::Values(1, 2, 4),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return "w" + std::to_string(p.param);
                         });

}  // namespace
}  // namespace moirai::async
