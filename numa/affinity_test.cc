// Copyright 2026 The Moirai Authors.
//
// numa/affinity_test.cc
// -----------------------------------------------------------------------------

#include "moirai/numa/affinity.h"

#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moirai/numa/internal/fake_sysfs.h"
#include "moirai/numa/topology.h"

namespace moirai::numa {
namespace {

TEST(Affinity, BadCpuSetsAreInvalidArgument) {
  EXPECT_EQ(PinCurrentThreadToCpus({}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PinCurrentThreadToCpus({-1}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PinCurrentThreadToCpus({1 << 21}).code(),
            absl::StatusCode::kInvalidArgument);
  // A well-formed id that is not an online CPU: the kernel refuses the set.
  absl::Status s = PinCurrentThreadToCpus({4000});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("4000"));
  // The failed calls changed nothing.
  auto now = CurrentThreadAffinity();
  ASSERT_TRUE(now.ok());
  EXPECT_FALSE(now->empty());
}

TEST(Affinity, UnknownNodeIsInvalidArgument) {
  internal::FakeSysfs fake(::testing::TempDir() + "/affinity_fake");
  internal::FakeMachineSpec spec;
  spec.nodes = 2;
  fake.Build(spec);
  auto topo = Topology::Detect(fake.root());
  ASSERT_TRUE(topo.ok());
  EXPECT_EQ(PinCurrentThreadToNode(*topo, 7).code(),
            absl::StatusCode::kInvalidArgument);
}

// Pinning runs on a fresh thread so the test's main thread keeps its mask.
TEST(Affinity, PinToOneCpuThenToANode) {
  std::thread t([] {
    auto allowed = CurrentThreadAffinity();
    ASSERT_TRUE(allowed.ok()) << allowed.status();
    ASSERT_FALSE(allowed->empty());
    const int target = allowed->back();
    ASSERT_TRUE(PinCurrentThreadToCpus({target}).ok());
    // sched_setaffinity migrates the calling thread before it returns.
    EXPECT_EQ(CurrentCpu(), target);
    auto one = CurrentThreadAffinity();
    ASSERT_TRUE(one.ok());
    EXPECT_THAT(*one, ::testing::ElementsAre(target));

    Topology topo = Topology::DetectOrFallback();
    const int node = topo.NodeOfCpu(target);
    if (!topo.is_fallback() && node >= 0) {
      ASSERT_TRUE(PinCurrentThreadToNode(topo, node).ok());
      EXPECT_EQ(CurrentNode(), node);
      auto pinned = CurrentThreadAffinity();
      ASSERT_TRUE(pinned.ok());
      ASSERT_FALSE(pinned->empty());
      for (int cpu : *pinned) {
        EXPECT_EQ(topo.NodeOfCpu(cpu), node) << "cpu " << cpu << "\n"
                                             << topo.ToString();
      }
    }
  });
  t.join();
}

}  // namespace
}  // namespace moirai::numa
