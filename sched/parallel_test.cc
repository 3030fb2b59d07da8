// Copyright 2026 The Moirai Authors.
//
// sched/parallel_test.cc
// -----------------------------------------------------------------------------
//
// ParallelFor covers every index exactly once (per-index counters end at 1)
// for assorted ranges and grains, from inside and outside the scheduler; bad
// input is rejected before the body runs; ParallelReduce combines in order.

#include "moirai/sched/parallel.h"

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "moirai/sched/scheduler.h"

namespace moirai::sched {
namespace {

std::unique_ptr<Scheduler> MakeScheduler(int workers) {
  absl::StatusOr<std::unique_ptr<Scheduler>> s =
      Scheduler::Create({.num_workers = workers});
  EXPECT_TRUE(s.ok()) << s.status();
  return std::move(*s);
}

struct Range {
  std::int64_t begin, end, grain;
};

class ParallelForTest : public ::testing::TestWithParam<int> {};

TEST_P(ParallelForTest, EveryIndexExactlyOnce) {
  auto s = MakeScheduler(GetParam());
  for (Range r : {Range{0, 1, 1}, Range{0, 1000, 1}, Range{0, 1000, 7},
                  Range{-500, 501, 64}, Range{3, 10, 100}, Range{0, 4096, 4096},
                  Range{0, 10007, 13}}) {
    std::vector<std::atomic<int>> hits(
        static_cast<std::size_t>(r.end - r.begin));
    auto body = [&](std::int64_t i) { hits[i - r.begin].fetch_add(1); };
    // From outside the scheduler.
    ASSERT_TRUE(ParallelFor(*s, r.begin, r.end, r.grain, body).ok());
    // And from inside a task.
    absl::Status inner =
        s->Spawn([&] { return ParallelFor(*s, r.begin, r.end, r.grain, body); })
            .Get()
            .value();
    ASSERT_TRUE(inner.ok()) << inner;
    for (std::size_t i = 0; i < hits.size(); ++i) {
      ASSERT_EQ(hits[i].load(), 2) << "index " << r.begin + i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Workers, ParallelForTest,
                         ::testing::Values(1, 2, 4, 8, 16));

TEST(ParallelForRangeTest, PiecesAreNonEmptyAndAtMostGrain) {
  auto s = MakeScheduler(4);
  std::atomic<std::int64_t> covered{0};
  std::atomic<int> bad{0};
  ASSERT_TRUE(ParallelForRange(*s, 0, 100000, 333,
                               [&](std::int64_t lo, std::int64_t hi) {
                                 if (hi <= lo || hi - lo > 333)
                                   bad.fetch_add(1);
                                 covered.fetch_add(hi - lo);
                               })
                  .ok());
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(covered.load(), 100000);
}

TEST(ParallelForTest, EmptyRangeCallsNothing) {
  auto s = MakeScheduler(2);
  int calls = 0;
  EXPECT_TRUE(ParallelFor(*s, 5, 5, 1, [&](std::int64_t) { ++calls; }).ok());
  EXPECT_EQ(calls, 0);
}

TEST(ParallelForTest, BadInputIsRejected) {
  auto s = MakeScheduler(2);
  int calls = 0;
  auto body = [&](std::int64_t) { ++calls; };
  EXPECT_EQ(ParallelFor(*s, 0, 10, 0, body).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParallelFor(*s, 0, 10, -3, body).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParallelFor(*s, 10, 0, 1, body).code(),
            absl::StatusCode::kInvalidArgument);
  auto reduce = ParallelReduce(
      *s, 0, 10, 0, 0, [](std::int64_t, std::int64_t) { return 1; },
      [](int a, int b) { return a + b; });
  EXPECT_EQ(reduce.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 0);
}

// A range wider than INT64_MAX must not overflow the splitting arithmetic.
TEST(ParallelForRangeTest, FullInt64RangeSplitsWithoutOverflow) {
  auto s = MakeScheduler(2);
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::atomic<int> pieces{0};
  std::atomic<int> bad{0};
  // Grain: a quarter of the full width, so exactly 4+ pieces.
  const std::int64_t grain = kMax / 2 + 1;
  ASSERT_TRUE(ParallelForRange(*s, kMin, kMax, grain,
                               [&](std::int64_t lo, std::int64_t hi) {
                                 if (hi <= lo) bad.fetch_add(1);
                                 pieces.fetch_add(1);
                               })
                  .ok());
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(pieces.load(), 4);
}

TEST(ParallelForTest, ExceptionBecomesStatus) {
  auto s = MakeScheduler(2);
  absl::Status st = ParallelFor(*s, 0, 1000, 10, [](std::int64_t i) {
    if (i == 567) throw std::runtime_error("bad index");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_NE(std::string(st.message()).find("bad index"), std::string::npos)
      << st;
}

TEST(ParallelForTest, AfterShutdownFailsLoudly) {
  auto s = MakeScheduler(1);
  s->Shutdown();
  int calls = 0;
  EXPECT_EQ(ParallelFor(*s, 0, 10, 1, [&](std::int64_t) { ++calls; }).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(calls, 0);
}

TEST(ParallelReduceTest, SumsAndKeepsOrder) {
  auto s = MakeScheduler(4);
  absl::StatusOr<std::int64_t> sum = ParallelReduce(
      *s, 1, 100001, 97, std::int64_t{0},
      [](std::int64_t lo, std::int64_t hi) {
        std::int64_t t = 0;
        for (std::int64_t i = lo; i < hi; ++i) t += i;
        return t;
      },
      [](std::int64_t a, std::int64_t b) { return a + b; });
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(*sum, std::int64_t{100000} * 100001 / 2);
  // Non-commutative combine: concatenation must come out in index order.
  absl::StatusOr<std::string> text = ParallelReduce(
      *s, 0, 500, 3, std::string(">"),
      [](std::int64_t lo, std::int64_t hi) {
        std::string t;
        for (std::int64_t i = lo; i < hi; ++i)
          t += static_cast<char>('a' + i % 26);
        return t;
      },
      [](std::string a, std::string b) { return a + b; });
  ASSERT_TRUE(text.ok());
  std::string expected = ">";
  for (int i = 0; i < 500; ++i) expected += static_cast<char>('a' + i % 26);
  EXPECT_EQ(*text, expected);
  // Empty range: the identity.
  EXPECT_EQ(*ParallelReduce(
                *s, 7, 7, 1, 42, [](std::int64_t, std::int64_t) { return 1; },
                [](int a, int b) { return a + b; }),
            42);
}

TEST(ParallelReduceTest, ExceptionBecomesStatus) {
  auto s = MakeScheduler(2);
  absl::StatusOr<int> r = ParallelReduce(
      *s, 0, 1000, 10, 0,
      [](std::int64_t lo, std::int64_t hi) -> int {
        if (lo <= 500 && 500 < hi) throw std::runtime_error("reduce boom");
        return 1;
      },
      [](int a, int b) { return a + b; });
  EXPECT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("reduce boom"),
            std::string::npos)
      << r.status();
}

}  // namespace
}  // namespace moirai::sched
