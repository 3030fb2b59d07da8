// Copyright 2026 The Moirai Authors.
//
// lockfree/epoch_test.cc
// -----------------------------------------------------------------------------
//
// Tests for EpochDomain: every retired object is freed exactly once (by
// collection, by thread exit hand-off or by domain destruction), pinned
// readers never see a freed object, and the backlog returns to zero whenever
// all threads are quiescent.

#include "moirai/lockfree/epoch.h"

#include <atomic>
#include <barrier>
#include <cstdint>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/core/arch.h"

namespace moirai::lockfree {
namespace {

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kScale = 8;
#else
constexpr int kScale = 1;
#endif

// An object that counts its destruction and marks itself dead.
struct Tracked {
  static constexpr std::uint64_t kAlive = 0xA11CEA11CEA11CEull;
  static constexpr std::uint64_t kDead = 0xDEADDEADDEADDEADull;
  explicit Tracked(std::atomic<int>* d, int v = 0) : deleted(d), value(v) {}
  ~Tracked() {
    EXPECT_EQ(magic, kAlive) << "double destroy";
    magic = kDead;
    deleted->fetch_add(1, std::memory_order_relaxed);
  }
  std::atomic<int>* deleted;
  int value;
  std::uint64_t magic = kAlive;
};

TEST(EpochDomainTest, DestructionFreesEverything) {
  std::atomic<int> deleted{0};
  constexpr int kN = 1000;
  {
    EpochDomain domain;
    {
      auto guard = domain.Pin();  // pinned: nothing retired now can be freed
      for (int i = 0; i < kN; ++i) domain.Retire(new Tracked(&deleted));
    }
    EXPECT_EQ(domain.GetStats().retired, static_cast<std::uint64_t>(kN));
  }
  EXPECT_EQ(deleted.load(), kN);
}

TEST(EpochDomainTest, PinnedThreadBlocksReclamation) {
  std::atomic<int> deleted{0};
  EpochDomain domain;
  std::latch pinned(1), done(1);
  std::thread reader([&] {
    auto guard = domain.Pin();
    pinned.count_down();
    done.wait();
  });
  pinned.wait();
  for (int i = 0; i < 200; ++i) domain.Retire(new Tracked(&deleted));
  EXPECT_FALSE(domain.Synchronize());
  EXPECT_EQ(deleted.load(), 0) << "freed while a reader was pinned";
  EXPECT_EQ(domain.GetStats().pending, 200u);
  done.count_down();
  reader.join();
  EXPECT_TRUE(domain.Synchronize());
  EXPECT_EQ(deleted.load(), 200);
  EXPECT_EQ(domain.GetStats().pending, 0u);
}

TEST(EpochDomainTest, NestedGuards) {
  std::atomic<int> deleted{0};
  EpochDomain domain;
  {
    auto outer = domain.Pin();
    {
      auto inner = domain.Pin();
      EXPECT_TRUE(inner.active());
    }
    domain.Retire(new Tracked(&deleted));
    // Still pinned by `outer`: Synchronize cannot free our own garbage
    // because our record shows an old epoch.
    domain.Synchronize();
    EXPECT_EQ(deleted.load(), 0);
    EpochDomain::Guard moved = std::move(outer);
    EXPECT_FALSE(outer.active());  // NOLINT(bugprone-use-after-move)
  }
  EXPECT_TRUE(domain.Synchronize());
  EXPECT_EQ(deleted.load(), 1);
}

TEST(EpochDomainTest, SingleThreadBacklogStaysBounded) {
  std::atomic<int> deleted{0};
  EpochDomain domain;
  constexpr int kN = 200000 / kScale;
  std::uint64_t max_pending = 0;
  for (int i = 0; i < kN; ++i) {
    auto guard = domain.Pin();
    domain.Retire(new Tracked(&deleted));
    if (i % 97 == 0) {
      max_pending = std::max(max_pending, domain.GetStats().pending);
    }
  }
  // Each sealed bag waits two epochs; with one thread each collection advances
  // once, so at most a few bags are outstanding.
  EXPECT_LE(max_pending, 4u * internal::EpochBag::kCapacity);
  EXPECT_TRUE(domain.Synchronize());
  EXPECT_EQ(deleted.load(), kN);
}

TEST(EpochDomainTest, ExitedThreadsGarbageIsFreed) {
  std::atomic<int> deleted{0};
  EpochDomain domain;
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) domain.Retire(new Tracked(&deleted));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(domain.GetStats().registered_threads, 0);
  // Threads collect as they go; what they left behind is pending (orphaned).
  EXPECT_EQ(domain.GetStats().pending + deleted.load(), 400u);
  // Orphans are collected by any thread that calls into the domain.
  EXPECT_TRUE(domain.Synchronize());
  EXPECT_EQ(deleted.load(), 400);
  EXPECT_EQ(domain.GetStats().pending, 0u);
}

TEST(EpochDomainTest, ThreadOutlivesDomain) {
  std::atomic<int> deleted{0};
  auto domain = std::make_unique<EpochDomain>();
  std::latch used(1), destroyed(1);
  std::thread t([&] {
    {
      auto g = domain->Pin();
      domain->Retire(new Tracked(&deleted));
    }
    used.count_down();
    destroyed.wait();
    // The thread keeps working with a fresh domain after the old one died.
    EpochDomain other;
    { auto g = other.Pin(); }
    other.Retire(new Tracked(&deleted));
  });
  used.wait();
  EXPECT_EQ(domain->GetStats().registered_threads, 1);
  domain.reset();
  EXPECT_EQ(deleted.load(), 1);
  destroyed.count_down();
  t.join();
  EXPECT_EQ(deleted.load(), 2);
}

TEST(EpochDomainTest, RecordsAreReused) {
  EpochDomain domain;
  for (int i = 0; i < 8; ++i) {
    std::thread([&] { auto g = domain.Pin(); }).join();
  }
  EXPECT_EQ(domain.GetStats().records, 1u);
}

class EpochStressTest : public ::testing::TestWithParam<int> {};

// Writers swap a shared pointer and retire the old object; readers pin, load
// and read the object. A premature free shows up as a dead magic value here,
// as a heap-use-after-free under ASan, or as a race under TSan.
TEST_P(EpochStressTest, ReadersNeverSeeFreedObjects) {
  const int threads = GetParam();
  std::atomic<int> deleted{0};
  constexpr int kOpsPerThread = 20000 / kScale;
  int created = 1;
  {
    EpochDomain domain;
    std::atomic<Tracked*> shared{new Tracked(&deleted, 0)};
    std::atomic<int> created_by_writers{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (int i = 0; i < kOpsPerThread; ++i) {
          auto guard = domain.Pin();
          if ((i + t) % 4 == 0) {
            // Acq_rel: the new object's fields are visible to readers that
            // load it (acquire), and we see the old one's before retiring.
            Tracked* old = shared.exchange(new Tracked(&deleted, i),
                                           std::memory_order_acq_rel);
            created_by_writers.fetch_add(1, std::memory_order_relaxed);
            ASSERT_EQ(old->magic, Tracked::kAlive);
            domain.Retire(old);
          } else {
            Tracked* p = shared.load(std::memory_order_acquire);
            ASSERT_EQ(p->magic, Tracked::kAlive);
          }
        }
      });
    }
    for (auto& th : pool) th.join();
    created += created_by_writers.load();
    delete shared.load();
  }
  EXPECT_EQ(deleted.load(), created);
}

// All threads retire in rounds; once every thread is quiescent and has
// synchronized, the backlog is exactly zero (nothing lingers).
TEST_P(EpochStressTest, BacklogReturnsToZeroEachRound) {
  const int threads = GetParam();
  std::atomic<int> deleted{0};
  EpochDomain domain;
  constexpr int kRounds = 10;
  const int per_round = 2000 / kScale;
  std::vector<std::unique_ptr<std::barrier<>>> barriers;
  for (int r = 0; r < 3 * kRounds; ++r) {
    barriers.push_back(std::make_unique<std::barrier<>>(threads));
  }
  std::atomic<bool> ok{true};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        for (int i = 0; i < per_round; ++i) {
          auto guard = domain.Pin();
          domain.Retire(new Tracked(&deleted));
        }
        barriers[3 * r]->arrive_and_wait();
        if (!domain.Synchronize()) ok.store(false);
        barriers[3 * r + 1]->arrive_and_wait();
        if (t == 0 && domain.GetStats().pending != 0) ok.store(false);
        barriers[3 * r + 2]->arrive_and_wait();
      }
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_TRUE(ok.load());
  EXPECT_EQ(deleted.load(), threads * kRounds * per_round);
}

INSTANTIATE_TEST_SUITE_P(Threads, EpochStressTest,
                         ::testing::Values(1, 2, 4, 8, 16));

}  // namespace
}  // namespace moirai::lockfree
