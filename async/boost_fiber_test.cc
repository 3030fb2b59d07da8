// Copyright 2026 The Moirai Authors.
//
// Tests for async/boost_fiber.h with Boost.Fiber's own primitives.

#include "moirai/async/boost_fiber.h"

#include <atomic>
#include <boost/fiber/all.hpp>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/core/arch.h"
#include "moirai/sched/scheduler.h"

namespace moirai::async {
namespace {

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kScale = 1;
#else
constexpr int kScale = 4;
#endif

std::unique_ptr<sched::Scheduler> MakeScheduler(int workers) {
  sched::SchedulerOptions o;
  o.num_workers = workers;
  return sched::Scheduler::Create(o).value();
}

TEST(BoostFiberPoolTest, RejectsBadThreadCounts) {
  auto s = MakeScheduler(2);
  EXPECT_EQ(BoostFiberPool::Create(*s, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BoostFiberPool::Create(*s, 3).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BoostFiberPoolTest, SpawnJoinAcrossThreads) {
  auto s = MakeScheduler(2);
  auto pool = BoostFiberPool::Create(*s, 2).value();
  constexpr int kParents = 8;
  const int kChildren = 10 * kScale;
  std::atomic<long> sum{0};
  {
    BoostFiberPool::SubmitScope scope(*pool);
    std::vector<boost::fibers::fiber> parents;
    for (int p = 0; p < kParents; ++p) {
      parents.emplace_back([&, p] {
        // Children are spawned and joined from a pool fiber: they run on
        // any worker, and join wakes the parent across threads.
        std::vector<boost::fibers::fiber> kids;
        for (int c = 0; c < kChildren; ++c) {
          kids.emplace_back([&, p, c] {
            boost::this_fiber::yield();
            sum.fetch_add(p * 1000 + c, std::memory_order_relaxed);
          });
        }
        for (auto& k : kids) k.join();
      });
    }
    for (auto& f : parents) f.join();
  }
  long want = 0;
  for (int p = 0; p < kParents; ++p) {
    for (int c = 0; c < kChildren; ++c) want += p * 1000 + c;
  }
  // join() ordered every relaxed add before this load.
  EXPECT_EQ(sum.load(std::memory_order_relaxed), want);
}

TEST(BoostFiberPoolTest, FiberMutexConservesCount) {
  auto s = MakeScheduler(2);
  auto pool = BoostFiberPool::Create(*s, 2).value();
  constexpr int kFibers = 8;
  const int kIncrements = 500 * kScale;
  boost::fibers::mutex mu;
  long counter = 0;  // guarded by mu
  {
    BoostFiberPool::SubmitScope scope(*pool);
    std::vector<boost::fibers::fiber> fs;
    for (int i = 0; i < kFibers; ++i) {
      fs.emplace_back([&] {
        for (int k = 0; k < kIncrements; ++k) {
          std::lock_guard<boost::fibers::mutex> l(mu);
          long v = counter;
          if (k % 16 == 0) boost::this_fiber::yield();  // holding the lock
          counter = v + 1;
        }
      });
    }
    for (auto& f : fs) f.join();
  }
  std::lock_guard<boost::fibers::mutex> l(mu);
  EXPECT_EQ(counter, long{kFibers} * kIncrements);
}

TEST(BoostFiberPoolTest, BufferedChannelLosesNothing) {
  auto s = MakeScheduler(2);
  auto pool = BoostFiberPool::Create(*s, 2).value();
  constexpr int kProducers = 3, kConsumers = 3;
  const int kItems = 1000 * kScale;  // per producer
  boost::fibers::buffered_channel<int> ch(8);
  std::atomic<long> sum{0}, count{0};
  {
    BoostFiberPool::SubmitScope scope(*pool);
    std::vector<boost::fibers::fiber> producers, consumers;
    for (int p = 0; p < kProducers; ++p) {
      producers.emplace_back([&, p] {
        for (int i = 1; i <= kItems; ++i) {
          ASSERT_EQ(ch.push(p * kItems + i),
                    boost::fibers::channel_op_status::success);
        }
      });
    }
    for (int c = 0; c < kConsumers; ++c) {
      consumers.emplace_back([&] {
        int v;
        while (ch.pop(v) == boost::fibers::channel_op_status::success) {
          sum.fetch_add(v, std::memory_order_relaxed);
          count.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    for (auto& f : producers) f.join();
    ch.close();
    for (auto& f : consumers) f.join();
  }
  const long n = long{kProducers} * kItems;
  EXPECT_EQ(count.load(std::memory_order_relaxed), n);
  EXPECT_EQ(sum.load(std::memory_order_relaxed), n * (n + 1) / 2);
}

TEST(BoostFiberPoolTest, FibersRunOnMoreThanOneThread) {
  auto s = MakeScheduler(2);
  auto pool = BoostFiberPool::Create(*s, 2).value();
  std::atomic<bool> second_started{false};
  std::mutex mu;
  std::set<std::thread::id> threads;
  {
    BoostFiberPool::SubmitScope scope(*pool);
    // `a` holds its OS thread (no fiber switch) until `b` has started, so
    // `b` can only run on the other worker: it must be woken and migrated.
    boost::fibers::fiber a([&] {
      {
        std::lock_guard<std::mutex> l(mu);
        threads.insert(std::this_thread::get_id());
      }
      // Acquire: pairs with b's release store.
      while (!second_started.load(std::memory_order_acquire)) {
        std::this_thread::yield();
      }
    });
    boost::fibers::fiber b([&] {
      {
        std::lock_guard<std::mutex> l(mu);
        threads.insert(std::this_thread::get_id());
      }
      second_started.store(true, std::memory_order_release);
    });
    a.join();
    b.join();
  }
  std::lock_guard<std::mutex> l(mu);
  EXPECT_EQ(threads.size(), 2u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST(BoostFiberPoolTest, UrgentPriorityRunsFirstOnOneThread) {
  auto s = MakeScheduler(1);
  auto pool = BoostFiberPool::Create(*s, 1).value();
  std::vector<int> order;  // only touched on the single pool thread
  {
    BoostFiberPool::SubmitScope scope(*pool);
    boost::fibers::fiber driver([&] {
      // The driver occupies the only worker, so everything it spawns stays
      // queued until it blocks in join().
      std::vector<boost::fibers::fiber> fs;
      for (int i = 0; i < 3; ++i) {
        fs.emplace_back([&order, i] { order.push_back(i); });
        fs.back().properties<MoiraiFiberProps>().set_priority(
            core::Priority::kLow);
      }
      // Queued as kNormal, then re-queued by property_change as kHigh.
      fs.emplace_back([&order] { order.push_back(100); });
      fs.back().properties<MoiraiFiberProps>().set_priority(
          core::Priority::kHigh);
      EXPECT_EQ(fs.back().properties<MoiraiFiberProps>().priority(),
                core::Priority::kHigh);
      for (auto& f : fs) f.join();
    });
    driver.join();
  }
  EXPECT_EQ(order, (std::vector<int>{100, 0, 1, 2}));
}

TEST(BoostFiberPoolTest, PoolsCanBeRecreatedOnTheSameWorkers) {
  auto s = MakeScheduler(2);
  for (int round = 0; round < 3; ++round) {
    auto pool = BoostFiberPool::Create(*s, 2).value();
    BoostFiberPool::SubmitScope scope(*pool);
    int v = 0;
    boost::fibers::fiber([&] { v = round + 1; }).join();
    EXPECT_EQ(v, round + 1);
  }
}

}  // namespace
}  // namespace moirai::async
