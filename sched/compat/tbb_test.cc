// Copyright 2026 The Moirai Authors.
//
// The oneTBB-shaped adapters on their own: every index once, the pieces'
// sizes, reduction order, exceptions rethrown with their type, cancellation,
// arenas. tbb_vs_onetbb_test.cc compares results with the real oneTBB.

#include "moirai/sched/compat/tbb.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/sched/scheduler.h"

namespace {

namespace tbb = moirai::sched::compat::tbb;

struct TestError : std::runtime_error {
  explicit TestError(int v)
      : std::runtime_error("piece " + std::to_string(v)), value(v) {}
  int value;
};

TEST(BlockedRangeTest, Accessors) {
  tbb::blocked_range<int> r(3, 10, 2);
  EXPECT_EQ(r.begin(), 3);
  EXPECT_EQ(r.end(), 10);
  EXPECT_EQ(r.size(), 7u);
  EXPECT_EQ(r.grainsize(), 2u);
  EXPECT_TRUE(r.is_divisible());
  EXPECT_FALSE(r.empty());
  EXPECT_TRUE(tbb::blocked_range<int>(5, 5).empty());
  EXPECT_TRUE(tbb::blocked_range<int>(6, 5).empty());  // reversed: empty
  EXPECT_EQ(tbb::blocked_range<int>(6, 5).size(), 0u);
  EXPECT_EQ(tbb::blocked_range<int>(0, 4, 0).grainsize(), 1u);
}

TEST(ParallelForTest, RangeVisitsEveryIndexOnce) {
  for (std::size_t n : {0u, 1u, 7u, 1000u, 100003u}) {
    std::vector<std::atomic<int>> hits(n);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        EXPECT_FALSE(r.empty());
                        for (std::size_t i = r.begin(); i != r.end(); ++i) {
                          hits[i].fetch_add(1, std::memory_order_relaxed);
                        }
                      });
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << i;
  }
}

TEST(ParallelForTest, SimplePartitionerHonoursGrainSize) {
  std::atomic<std::size_t> pieces{0}, total{0}, too_big{0};
  tbb::parallel_for(
      tbb::blocked_range<int>(-500, 500, 16),
      [&](const tbb::blocked_range<int>& r) {
        pieces.fetch_add(1);
        total.fetch_add(r.size());
        if (r.size() > 16) too_big.fetch_add(1);
        EXPECT_EQ(r.grainsize(), 16u);
      },
      tbb::simple_partitioner());
  EXPECT_EQ(total.load(), 1000u);
  EXPECT_EQ(too_big.load(), 0u);
  EXPECT_GE(pieces.load(), 1000u / 16);
}

TEST(ParallelForTest, IteratorRange) {
  std::vector<int> v(5000);
  std::iota(v.begin(), v.end(), 0);
  using It = std::vector<int>::iterator;
  tbb::parallel_for(tbb::blocked_range<It>(v.begin(), v.end()),
                    [](const tbb::blocked_range<It>& r) {
                      for (It it = r.begin(); it != r.end(); ++it) *it *= 3;
                    });
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(v[i], 3 * i);
}

TEST(ParallelForTest, IndexFormWithSteps) {
  struct Case {
    int first, last, step;
  };
  for (Case c : {Case{0, 100, 1}, Case{-17, 40, 3}, Case{5, 6, 10},
                 Case{0, 0, 1}, Case{-100, -1, 7}}) {
    std::vector<std::atomic<int>> hits(300);
    tbb::parallel_for(c.first, c.last, c.step, [&](int i) {
      hits[static_cast<std::size_t>(i + 150)].fetch_add(1);
    });
    for (int i = -150; i < 150; ++i) {
      const bool want =
          i >= c.first && i < c.last && (i - c.first) % c.step == 0;
      ASSERT_EQ(hits[static_cast<std::size_t>(i + 150)].load(), want ? 1 : 0)
          << "first=" << c.first << " last=" << c.last << " step=" << c.step
          << " i=" << i;
    }
  }
  std::atomic<int> calls{0};
  tbb::parallel_for(0, 64, [&](int) { calls.fetch_add(1); });
  EXPECT_EQ(calls.load(), 64);
}

TEST(ParallelForTest, BadStepOrRangeThrows) {
  int calls = 0;
  EXPECT_THROW(tbb::parallel_for(0, 10, 0, [&](int) { ++calls; }),
               std::invalid_argument);
  EXPECT_THROW(tbb::parallel_for(0, 10, -2, [&](int) { ++calls; }),
               std::invalid_argument);
  EXPECT_THROW(tbb::parallel_for(10, 0, 1, [&](int) { ++calls; }),
               std::invalid_argument);
  EXPECT_EQ(calls, 0);
}

TEST(ParallelForTest, ExceptionIsRethrownWithItsType) {
  try {
    tbb::parallel_for(0, 10000, [](int i) {
      if (i == 4321) throw TestError(i);
    });
    FAIL() << "nothing thrown";
  } catch (const TestError& e) {
    EXPECT_EQ(e.value, 4321);
  }
}

TEST(ParallelReduceTest, SumAndOrder) {
  std::vector<long> v(100000);
  std::iota(v.begin(), v.end(), 1L);
  const long sum = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, v.size()), 0L,
      [&](const tbb::blocked_range<std::size_t>& r, long acc) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) acc += v[i];
        return acc;
      },
      std::plus<long>());
  EXPECT_EQ(sum, 100000L * 100001 / 2);

  // Associative, not commutative: the pieces must be combined in order.
  const std::string s = tbb::parallel_reduce(
      tbb::blocked_range<int>(0, 2000, 3), std::string(),
      [](const tbb::blocked_range<int>& r, std::string acc) {
        for (int i = r.begin(); i != r.end(); ++i) {
          acc += static_cast<char>('a' + i % 26);
        }
        return acc;
      },
      [](std::string a, const std::string& b) { return a + b; },
      tbb::simple_partitioner());
  ASSERT_EQ(s.size(), 2000u);
  for (int i = 0; i < 2000; ++i) {
    ASSERT_EQ(s[static_cast<std::size_t>(i)], 'a' + i % 26) << i;
  }

  EXPECT_EQ(tbb::parallel_reduce(
                tbb::blocked_range<int>(4, 4), 7,
                [](const tbb::blocked_range<int>&, int) -> int {
                  ADD_FAILURE() << "body called on an empty range";
                  return 0;
                },
                std::plus<int>()),
            7);
}

TEST(ParallelReduceTest, ExceptionIsRethrown) {
  EXPECT_THROW(tbb::parallel_reduce(
                   tbb::blocked_range<int>(0, 5000), 0,
                   [](const tbb::blocked_range<int>& r, int acc) {
                     if (r.begin() <= 2500 && 2500 < r.end()) {
                       throw TestError(2500);
                     }
                     return acc + static_cast<int>(r.size());
                   },
                   std::plus<int>()),
               TestError);
}

int Fib(int n) {
  if (n < 2) return n;
  int a = 0, b = 0;
  tbb::task_group g;
  g.run([&] { a = Fib(n - 1); });
  b = Fib(n - 2);
  EXPECT_EQ(g.wait(), tbb::complete);
  return a + b;
}

TEST(TaskGroupTest, ForkJoinFromOutsideAndInside) {
  EXPECT_EQ(Fib(18), 2584);  // this thread is no worker: the default scheduler
  tbb::task_arena arena(2);
  EXPECT_EQ(arena.execute([] { return Fib(18); }), 2584);
}

TEST(TaskGroupTest, WaitRethrowsAndCancelReports) {
  tbb::task_group g;
  g.run([] { throw TestError(7); });
  try {
    g.wait();
    FAIL() << "nothing thrown";
  } catch (const TestError& e) {
    EXPECT_EQ(e.value, 7);
  }

  tbb::task_group c;
  c.cancel();
  EXPECT_TRUE(c.is_canceling());
  bool ran = false;
  c.run([&] { ran = true; });
  EXPECT_EQ(c.wait(), tbb::canceled);
  EXPECT_FALSE(ran);

  tbb::task_group r;
  std::atomic<int> n{0};
  EXPECT_EQ(r.run_and_wait([&] { n.fetch_add(1); }), tbb::complete);
  EXPECT_EQ(n.load(), 1);
}

TEST(ParallelInvokeTest, RunsEveryFunction) {
  std::atomic<int> a{0}, b{0}, c{0};
  tbb::parallel_invoke([&] { a = 1; }, [&] { b = 2; }, [&] { c = 3; });
  EXPECT_EQ(a.load() + b.load() + c.load(), 6);
  EXPECT_THROW(tbb::parallel_invoke([] {}, [] { throw TestError(1); }),
               TestError);
}

TEST(TaskArenaTest, ConcurrencyAndPlacement) {
  tbb::task_arena arena(3);
  EXPECT_EQ(arena.max_concurrency(), 3);
  EXPECT_EQ(
      arena.execute([] { return tbb::this_task_arena::max_concurrency(); }), 3);
  // Compat calls inside execute run on the arena's workers.
  moirai::sched::Scheduler* arena_sched =
      arena.execute([] { return moirai::sched::Scheduler::Current(); });
  ASSERT_NE(arena_sched, nullptr);
  std::atomic<int> elsewhere{0};
  arena.execute([&] {
    tbb::parallel_for(0, 1000, [&](int) {
      if (moirai::sched::Scheduler::Current() != arena_sched) {
        elsewhere.fetch_add(1);
      }
    });
  });
  EXPECT_EQ(elsewhere.load(), 0);
  EXPECT_THROW(arena.execute([] { throw TestError(3); }), TestError);
  EXPECT_THROW(tbb::task_arena(0), std::invalid_argument);
  EXPECT_THROW(tbb::task_arena(-5), std::invalid_argument);
  EXPECT_EQ(&moirai::sched::compat::tbb::DefaultScheduler(),
            &moirai::sched::compat::tbb::DefaultScheduler());
}

}  // namespace
