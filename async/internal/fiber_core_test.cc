// Copyright 2026 The Moirai Authors.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/async/internal/execution_context.h"
#include "moirai/async/internal/stack_pool.h"

namespace moirai::async::internal {
namespace {

TEST(StackPoolTest, RejectsZeroSize) {
  EXPECT_EQ(AllocateStack(0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(StackPoolTest, RejectsBadGuardAndHugeSize) {
  EXPECT_EQ(AllocateStack(16 * 1024, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AllocateStack(16 * 1024, kMaxGuardSize + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AllocateStack(SIZE_MAX - 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A small control block goes at the top of the reservation, cache-line
// aligned; one that does not fit goes to the heap and is freed there.
TEST(StackPoolTest, ControlBlockInReservationOrOnHeap) {
  auto s = AllocateStack(16 * 1024, 3 * PageSize());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->guard_end() - s->guard_begin(),
            static_cast<std::ptrdiff_t>(3 * PageSize()));
  void* small = AllocateControlBlock(*s, 200);
  ASSERT_NE(small, nullptr);
  EXPECT_GE(static_cast<char*>(small), s->control_begin());
  EXPECT_LE(static_cast<char*>(small) + 200, s->guard_begin());
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(small) % kControlBlockAlignment,
            0u);
  static_cast<char*>(small)[0] = 1;  // writable
  FreeControlBlock(*s, small);
  void* big = AllocateControlBlock(*s, PageSize() + 1);
  ASSERT_NE(big, nullptr);
  EXPECT_TRUE(static_cast<char*>(big) < s->mapping ||
              static_cast<char*>(big) >= s->mapping + s->mapping_size);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(big) % kControlBlockAlignment, 0u);
  FreeControlBlock(*s, big);
  FreeStack(*s);
}

TEST(StackPoolTest, RoundsToPagesAndRecycles) {
  StackPool pool(10000, 2);
  EXPECT_EQ(pool.stack_size() % PageSize(), 0u);
  EXPECT_GE(pool.stack_size(), 10000u);
  auto a = pool.Allocate();
  auto b = pool.Allocate();
  auto c = pool.Allocate();
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->guard_end() - a->guard_begin(),
            static_cast<std::ptrdiff_t>(kDefaultGuardSize));
  // The control reservation sits below the guard, inside the mapping.
  EXPECT_EQ(a->control_begin(), a->mapping);
  EXPECT_EQ(a->control_size(), PageSize());
  // The whole usable range is writable.
  a->base[0] = 1;
  a->top()[-1] = 1;
  char* a_base = a->base;
  pool.Release(*a);
  pool.Release(*b);
  pool.Release(*c);  // over max_cached: unmapped
  EXPECT_EQ(pool.cached(), 2u);
  auto d = pool.Allocate();
  auto e = pool.Allocate();
  ASSERT_TRUE(d.ok() && e.ok());
  EXPECT_TRUE(d->base == a_base || e->base == a_base);
  pool.Release(*d);
  pool.Release(*e);
}

// Worker caches: a slot's releases fill its own cache first (up to
// kWorkerCacheSize, then the shared cache), its allocations drain it first,
// and every stack comes back exactly once (no stack handed out twice).
TEST(StackPoolTest, WorkerCachesRecycleWithoutLosingStacks) {
  constexpr int kN = StackPool::kWorkerCacheSize + 3;
  StackPool pool(16 * 1024, 64);
  pool.EnableWorkerCaches(2);
  std::vector<Stack> got;
  for (int i = 0; i < kN; ++i) {
    auto s = pool.Allocate(0);
    ASSERT_TRUE(s.ok());
    got.push_back(*s);
  }
  for (const Stack& s : got) pool.Release(s, 0);
  EXPECT_EQ(pool.worker_cached(0), StackPool::kWorkerCacheSize);
  EXPECT_EQ(pool.cached(), 3u);
  EXPECT_EQ(pool.worker_cached(1), 0);
  // Slot 0 drains its own cache, then the shared one.
  std::vector<Stack> again;
  for (int i = 0; i < kN; ++i) {
    auto s = pool.Allocate(0);
    ASSERT_TRUE(s.ok());
    again.push_back(*s);
  }
  EXPECT_EQ(pool.worker_cached(0), 0);
  EXPECT_EQ(pool.cached(), 0u);
  std::set<char*> seen;
  for (const Stack& s : again) EXPECT_TRUE(seen.insert(s.base).second);
  // Only recycled stacks: the pool had exactly kN.
  for (const Stack& s : got) EXPECT_EQ(seen.count(s.base), 1u);
  for (const Stack& s : again) pool.Release(s, -1);
  EXPECT_EQ(pool.cached(), static_cast<std::size_t>(kN));
}

struct PingPong {
  ExecutionContext ctx;
  int steps = 0;
  int limit = 0;
};

void CountSteps(void* arg) {
  auto* p = static_cast<PingPong*>(arg);
  while (p->steps < p->limit) {
    ++p->steps;
    p->ctx.Suspend();
  }
}

TEST(ExecutionContextTest, ResumeSuspendUntilFinished) {
  auto stack = AllocateStack(64 * 1024);
  ASSERT_TRUE(stack.ok());
  PingPong p;
  p.limit = 1000;
  p.ctx.Init(*stack, &CountSteps, &p);
  int resumes = 0;
  EXPECT_EQ(ExecutionContext::Current(), nullptr);
  while (!p.ctx.finished()) {
    p.ctx.Resume();
    ++resumes;
  }
  EXPECT_EQ(p.steps, 1000);
  EXPECT_EQ(resumes, 1001);  // one extra to observe the return
  EXPECT_EQ(ExecutionContext::Current(), nullptr);
  FreeStack(*stack);
}

// A context resumed alternately by two threads: each step records the
// thread it ran on; the conserved quantity is the step count.
// pthread_self() is declared __attribute__((const)), so a compiler may hoist
// it out of a loop that migrates between threads; read a thread-local through
// an out-of-line function instead.
thread_local int tls_marker;
__attribute__((noinline)) const void* ThreadMarker() {
  const void* p = &tls_marker;
  asm volatile("" : "+r"(p));
  return p;
}

struct Migrating {
  ExecutionContext ctx;
  std::atomic<int> steps{0};
  std::vector<const void*> ran_on;
};

void RecordThread(void* arg) {
  auto* m = static_cast<Migrating*>(arg);
  for (int i = 0; i < 200; ++i) {
    m->ran_on.push_back(ThreadMarker());
    EXPECT_EQ(ExecutionContext::Current(), &m->ctx);
    m->steps.fetch_add(1, std::memory_order_relaxed);
    m->ctx.Suspend();
  }
}

TEST(ExecutionContextTest, MigratesBetweenThreads) {
  auto stack = AllocateStack(256 * 1024);
  ASSERT_TRUE(stack.ok());
  Migrating m;
  m.ctx.Init(*stack, &RecordThread, &m);
  // std::mutex, not absl::Mutex: Debian's Abseil is not TSan-instrumented.
  std::mutex mu;
  std::condition_variable cv;
  int turn = 0;  // which thread resumes next
  bool done = false;
  std::thread threads[2];
  for (int t = 0; t < 2; ++t) {
    threads[t] = std::thread([&, t] {
      std::unique_lock<std::mutex> lock(mu);
      for (;;) {
        cv.wait(lock, [&] { return done || turn == t; });
        if (done) return;
        m.ctx.Resume();
        if (m.ctx.finished()) done = true;
        turn = 1 - t;
        cv.notify_all();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(m.steps.load(), 200);
  int switches = 0;
  for (std::size_t i = 1; i < m.ran_on.size(); ++i) {
    if (m.ran_on[i] != m.ran_on[i - 1]) ++switches;
  }
  EXPECT_EQ(switches, 199);  // strictly alternating threads
  FreeStack(*stack);
}

// Deep recursion that overflows a small stack.
int Recurse(int n) {
  volatile char pad[512];
  pad[0] = static_cast<char>(n);
  if (n == 0) return pad[0];
  return Recurse(n - 1) + pad[0];
}

void Overflow(void*) { Recurse(1 << 20); }

TEST(ExecutionContextDeathTest, StackOverflowIsReported) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        auto stack = AllocateStack(32 * 1024);
        ExecutionContext ctx;
        ctx.Init(*stack, &Overflow, nullptr);
        ctx.Resume();
      },
      "moirai: fiber stack overflow");
}

}  // namespace
}  // namespace moirai::async::internal
