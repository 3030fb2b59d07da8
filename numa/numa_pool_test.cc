// Copyright 2026 The Moirai Authors.
//
// numa/numa_pool_test.cc
// -----------------------------------------------------------------------------

#include "moirai/numa/numa_pool.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moirai/numa/internal/fake_sysfs.h"
#include "moirai/numa/node_memory.h"
#include "moirai/numa/topology.h"

namespace moirai::numa {
namespace {

NumaPoolOptions Opts(std::size_t block_size) {
  NumaPoolOptions o;
  o.block_size = block_size;
  o.max_bytes_per_node = 64 << 20;
  return o;
}

TEST(NumaPool, BadOptions) {
  EXPECT_EQ(NumaPool::Create(Topology::Fallback(1), Opts(0)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NumaPool, RealMachine) {
  Topology topo = Topology::DetectOrFallback();
  auto pool = NumaPool::Create(topo, Opts(256));
  ASSERT_TRUE(pool.ok()) << pool.status();
  const int node = topo.node_ids().front();
  void* p = (*pool)->Allocate(node);
  ASSERT_NE(p, nullptr);
  std::memset(p, 7, 256);
  EXPECT_EQ((*pool)->NodeOf(p), node);
  if ((*pool)->policy_applied(node)) {
    auto where = NodeOfAddress(p);
    ASSERT_TRUE(where.ok()) << where.status();
    EXPECT_EQ(*where, node);
  } else {
    EXPECT_TRUE(IsPolicyUnavailable((*pool)->policy_status(node)))
        << (*pool)->policy_status(node);
  }
  void* local = (*pool)->AllocateLocal();
  ASSERT_NE(local, nullptr);
  EXPECT_NE((*pool)->NodeOf(local), -1);
  EXPECT_EQ((*pool)->stats(node).blocks_in_use + 0u,
            (*pool)->NodeOf(local) == node ? 2u : 1u);
  (*pool)->Free(p);
  (*pool)->Free(local);
  (*pool)->Free(nullptr);
  EXPECT_EQ((*pool)->stats(node).blocks_in_use, 0u);
  EXPECT_EQ((*pool)->Allocate(99), nullptr);
  EXPECT_EQ((*pool)->stats(99).allocations, 0u);
  EXPECT_EQ((*pool)->policy_status(99).code(), absl::StatusCode::kNotFound);
  int x;
  EXPECT_EQ((*pool)->NodeOf(&x), -1);
}

// A fake 4-node topology on a machine with fewer nodes: nodes the kernel
// does not have cannot be bound (recorded, not fatal), and the per-node
// pools still keep their blocks apart. Threads allocate from every node and
// free each other's blocks; per-node counts are conserved.
TEST(NumaPool, FakeFourNodesAcrossThreads) {
  internal::FakeSysfs fake(::testing::TempDir() + "/numapool_fake");
  internal::FakeMachineSpec spec;
  spec.nodes = 4;
  spec.cores_per_node = 1;
  spec.threads_per_core = 1;
  fake.Build(spec);
  auto topo = Topology::Detect(fake.root());
  ASSERT_TRUE(topo.ok());
  auto pool = NumaPool::Create(*topo, Opts(64));
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_THAT((*pool)->node_ids(), ::testing::ElementsAre(0, 1, 2, 3));
  // Node 3 does not exist on any test machine we run on.
  EXPECT_FALSE((*pool)->policy_applied(3));

  const int kThreads = 4, kPerNode = 500;
  std::vector<std::vector<void*>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerNode; ++i) {
        for (int n = 0; n < 4; ++n) {
          void* p = (*pool)->Allocate(n);
          ASSERT_NE(p, nullptr);
          std::memset(p, n, 64);
          made[t].push_back(p);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int n = 0; n < 4; ++n) {
    EXPECT_EQ((*pool)->stats(n).blocks_in_use,
              static_cast<std::size_t>(kThreads * kPerNode));
  }
  threads.clear();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (void* p : made[(t + 1) % kThreads]) {
        const int n = (*pool)->NodeOf(p);
        ASSERT_GE(n, 0);
        EXPECT_EQ(*static_cast<unsigned char*>(p), n);
        (*pool)->Free(p);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int n = 0; n < 4; ++n) {
    memory::FixedPoolStats st = (*pool)->stats(n);
    EXPECT_EQ(st.blocks_in_use, 0u);
    EXPECT_EQ(st.allocations, static_cast<std::uint64_t>(kThreads * kPerNode));
    EXPECT_EQ(st.frees, st.allocations);
  }
}

TEST(NumaPoolDeathTest, ForeignPointerCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto pool = NumaPool::Create(Topology::Fallback(1), Opts(64));
  ASSERT_TRUE(pool.ok());
  static int not_from_pool;
  EXPECT_DEATH((*pool)->Free(&not_from_pool), "foreign pointer");
}

}  // namespace
}  // namespace moirai::numa
