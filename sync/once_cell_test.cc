// Copyright 2026 The Moirai Authors.

#include "moirai/sync/once_cell.h"

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/sync/internal/test_util.h"

namespace moirai::sync {
namespace {

using internal::RunThreads;
using internal::Scaled;

// Counts live instances, to check the cell destroys what it built.
struct Counted {
  static inline std::atomic<int> live{0};
  explicit Counted(int v) : value(v) { live.fetch_add(1); }
  Counted(const Counted& o) : value(o.value) { live.fetch_add(1); }
  Counted(Counted&& o) noexcept : value(o.value) { live.fetch_add(1); }
  ~Counted() { live.fetch_sub(1); }
  int value;
};

TEST(OnceCellTest, EmptyUntilSet) {
  OnceCell<std::string> cell;
  EXPECT_EQ(cell.get(), nullptr);
  EXPECT_FALSE(cell.has_value());
  EXPECT_TRUE(cell.Set("first"));
  EXPECT_FALSE(cell.Set("second"));
  ASSERT_NE(cell.get(), nullptr);
  EXPECT_EQ(*cell.get(), "first");
  EXPECT_EQ(cell.GetOrInit([] { return std::string("third"); }), "first");
}

TEST(OnceCellTest, DestroysItsValueExactlyOnce) {
  ASSERT_EQ(Counted::live.load(), 0);
  {
    OnceCell<Counted> cell;
    EXPECT_EQ(cell.GetOrInit([] { return Counted(7); }).value, 7);
    EXPECT_FALSE(cell.Set(Counted(8)));
    EXPECT_EQ(Counted::live.load(), 1);
  }
  EXPECT_EQ(Counted::live.load(), 0);
  { OnceCell<Counted> never_set; }
  EXPECT_EQ(Counted::live.load(), 0);
}

TEST(OnceCellTest, ThrowingInitialiserLeavesCellEmptyAndPropagates) {
  OnceCell<int> cell;
  EXPECT_THROW(cell.GetOrInit([]() -> int { throw std::runtime_error("no"); }),
               std::runtime_error);
  EXPECT_FALSE(cell.has_value());
  EXPECT_EQ(cell.GetOrInit([] { return 5; }), 5);
  EXPECT_EQ(*cell.get(), 5);
}

class OnceCellStressTest : public ::testing::TestWithParam<int> {};

// All threads race GetOrInit; the first `kFailures` initialiser runs throw.
// Conserved: exactly kFailures + 1 runs, exactly one success, every thread
// ends with the same object, and each exception reached exactly the thread
// whose initialiser threw.
TEST_P(OnceCellStressTest, ExactlyOneSuccessfulInitialisation) {
  const int threads = GetParam();
  for (int round = 0; round < Scaled(200) + 1; ++round) {
    constexpr int kFailures = 2;
    OnceCell<Counted> cell;
    std::atomic<int> runs{0};
    std::atomic<int> caught{0};
    std::vector<const Counted*> seen(threads, nullptr);
    RunThreads(threads, [&](int id) {
      for (;;) {
        try {
          const Counted& c = cell.GetOrInit([&] {
            if (runs.fetch_add(1) < kFailures) throw std::runtime_error("x");
            return Counted(42);
          });
          seen[id] = &c;
          return;
        } catch (const std::runtime_error&) {
          caught.fetch_add(1);
        }
      }
    });
    EXPECT_EQ(runs.load(), kFailures + 1);
    EXPECT_EQ(caught.load(), kFailures);
    for (const Counted* p : seen) {
      EXPECT_EQ(p, cell.get());
      EXPECT_EQ(p->value, 42);
    }
    EXPECT_EQ(Counted::live.load(), 1);
  }
  EXPECT_EQ(Counted::live.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Threads, OnceCellStressTest,
                         ::testing::ValuesIn(internal::kStressThreadCounts));

}  // namespace
}  // namespace moirai::sync
