// Copyright 2026 The Moirai Authors.
//
// The oneTBB-shaped adapters against the real oneTBB (Debian's libtbb) on
// the same inputs: the same outputs, reductions, fork-join results and
// exception types.

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_invoke.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/sched/compat/tbb.h"

namespace {

namespace mtbb = moirai::sched::compat::tbb;

std::vector<std::int64_t> RandomInts(std::size_t n, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<std::int64_t> d(-1000000, 1000000);
  std::vector<std::int64_t> v(n);
  for (auto& x : v) x = d(gen);
  return v;
}

// The same loop body, written once against each library's range type.
template <typename Range>
auto MapBody(const std::vector<std::int64_t>& in,
             std::vector<std::int64_t>& out) {
  return [&](const Range& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      out[i] = in[i] * in[i] % 1000003 - in[i];
    }
  };
}

template <typename Range>
auto SumBody(const std::vector<std::int64_t>& in) {
  return [&](const Range& r, std::int64_t acc) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) acc += in[i];
    return acc;
  };
}

TEST(CompatVsOneTbb, ParallelForRangeSameOutput) {
  for (std::size_t n : {0u, 1u, 999u, 200000u}) {
    for (std::size_t grain : {1u, 64u, 5000u}) {
      const std::vector<std::int64_t> in = RandomInts(n, 11);
      std::vector<std::int64_t> a(n, 0), b(n, 0);
      ::tbb::parallel_for(::tbb::blocked_range<std::size_t>(0, n, grain),
                          MapBody<::tbb::blocked_range<std::size_t>>(in, a));
      mtbb::parallel_for(mtbb::blocked_range<std::size_t>(0, n, grain),
                         MapBody<mtbb::blocked_range<std::size_t>>(in, b));
      ASSERT_EQ(a, b) << "n=" << n << " grain=" << grain;
    }
  }
}

TEST(CompatVsOneTbb, ParallelForIndexSameVisits) {
  struct Case {
    int first, last, step;
  };
  for (Case c : {Case{0, 1000, 1}, Case{-333, 777, 5}, Case{3, 4, 9},
                 Case{10, 10, 1}, Case{-50, 50, 13}}) {
    std::vector<int> a(2000, 0), b(2000, 0);
    ::tbb::parallel_for(c.first, c.last, c.step, [&](int i) {
      a[static_cast<std::size_t>(i + 1000)] += 1;
    });
    mtbb::parallel_for(c.first, c.last, c.step, [&](int i) {
      b[static_cast<std::size_t>(i + 1000)] += 1;
    });
    ASSERT_EQ(a, b) << "first=" << c.first << " last=" << c.last
                    << " step=" << c.step;
  }
}

TEST(CompatVsOneTbb, ParallelReduceSameResult) {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    const std::vector<std::int64_t> in = RandomInts(100000 + seed * 777, seed);
    const std::int64_t a = ::tbb::parallel_reduce(
        ::tbb::blocked_range<std::size_t>(0, in.size()), std::int64_t{0},
        SumBody<::tbb::blocked_range<std::size_t>>(in),
        std::plus<std::int64_t>());
    const std::int64_t b = mtbb::parallel_reduce(
        mtbb::blocked_range<std::size_t>(0, in.size()), std::int64_t{0},
        SumBody<mtbb::blocked_range<std::size_t>>(in),
        std::plus<std::int64_t>());
    ASSERT_EQ(a, b) << "seed " << seed;
  }
}

// Both libraries combine in index order: a non-commutative reduction gives
// the same string.
TEST(CompatVsOneTbb, NonCommutativeReductionSameString) {
  auto piece = [](int lo, int hi, std::string acc) {
    for (int i = lo; i != hi; ++i) acc += static_cast<char>('A' + i % 23);
    return acc;
  };
  auto join = [](const std::string& x, const std::string& y) { return x + y; };
  const std::string a = ::tbb::parallel_reduce(
      ::tbb::blocked_range<int>(0, 30000, 7), std::string(),
      [&](const ::tbb::blocked_range<int>& r, std::string acc) {
        return piece(r.begin(), r.end(), std::move(acc));
      },
      join);
  const std::string b = mtbb::parallel_reduce(
      mtbb::blocked_range<int>(0, 30000, 7), std::string(),
      [&](const mtbb::blocked_range<int>& r, std::string acc) {
        return piece(r.begin(), r.end(), std::move(acc));
      },
      join);
  EXPECT_EQ(a, b);
}

template <typename TaskGroup>
long Fib(int n) {
  if (n < 2) return n;
  long x = 0, y = 0;
  TaskGroup g;
  g.run([&] { x = Fib<TaskGroup>(n - 1); });
  y = Fib<TaskGroup>(n - 2);
  g.wait();
  return x + y;
}

TEST(CompatVsOneTbb, TaskGroupSameResult) {
  EXPECT_EQ(Fib<::tbb::task_group>(22), Fib<mtbb::task_group>(22));
  ::tbb::task_arena ta(2);
  mtbb::task_arena ma(2);
  EXPECT_EQ(ta.execute([] { return Fib<::tbb::task_group>(20); }),
            ma.execute([] { return Fib<mtbb::task_group>(20); }));
  EXPECT_EQ(ta.max_concurrency(), ma.max_concurrency());
}

TEST(CompatVsOneTbb, SameExceptionType) {
  auto throwing = [](int i) {
    if (i == 777) throw std::out_of_range("777");
  };
  EXPECT_THROW(::tbb::parallel_for(0, 5000, throwing), std::out_of_range);
  EXPECT_THROW(mtbb::parallel_for(0, 5000, throwing), std::out_of_range);

  ::tbb::task_group tg;
  tg.run([] { throw std::length_error("tg"); });
  EXPECT_THROW(tg.wait(), std::length_error);
  mtbb::task_group mg;
  mg.run([] { throw std::length_error("mg"); });
  EXPECT_THROW(mg.wait(), std::length_error);

  EXPECT_THROW(
      ::tbb::parallel_invoke([] {}, [] { throw std::domain_error("x"); }),
      std::domain_error);
  EXPECT_THROW(
      mtbb::parallel_invoke([] {}, [] { throw std::domain_error("x"); }),
      std::domain_error);
}

}  // namespace
