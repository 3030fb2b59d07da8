// Copyright 2026 The Moirai Authors.
//
// sched/locality_test.cc
// -----------------------------------------------------------------------------
//
// The locality-aware strategy orders victims same-LLC, same-node, then
// remote nodes nearest first, on fake 2- and 4-node machines.

#include "moirai/sched/locality.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/numa/internal/fake_sysfs.h"
#include "moirai/numa/topology.h"
#include "moirai/sched/steal_strategy.h"

namespace moirai::sched {
namespace {

numa::Topology FakeTopology(int nodes, int cores_per_node) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  numa::internal::FakeSysfs fs(std::string(tmp ? tmp : "/tmp") + "/sysfs_" +
                               std::to_string(nodes));
  numa::internal::FakeMachineSpec spec;
  spec.nodes = nodes;
  spec.packages = nodes;
  spec.cores_per_node = cores_per_node;
  spec.threads_per_core = 1;
  fs.Build(spec);
  absl::StatusOr<numa::Topology> t = numa::Topology::Detect(fs.root());
  EXPECT_TRUE(t.ok()) << t.status();
  return *std::move(t);
}

// Position of `v` in `order` (or order.size()).
std::size_t Pos(const std::vector<int>& order, int v) {
  return std::find(order.begin(), order.end(), v) - order.begin();
}

TEST(LocalityTest, SameNodeBeforeRemoteOnTwoNodes) {
  numa::Topology topo = FakeTopology(2, 2);
  // Workers on cpus 0,1 (node 0) and 2,3 (node 1).
  auto places = WorkerPlacesFromTopology(topo, {0, 1, 2, 3});
  ASSERT_TRUE(places.ok()) << places.status();
  EXPECT_EQ((*places)[0].node, (*places)[1].node);
  EXPECT_NE((*places)[0].node, (*places)[2].node);
  auto s = MakeLocalityAwareStrategy(*places, NodeDistanceMatrix(topo));
  ASSERT_TRUE(s.ok()) << s.status();
  for (std::uint64_t r = 0; r < 20; ++r) {
    std::vector<int> order;
    (*s)->Victims(0, 4, r * 7919, &order);
    ASSERT_EQ(order.size(), 3u);
    EXPECT_EQ(order[0], 1);
    EXPECT_LT(Pos(order, 1), Pos(order, 2));
    EXPECT_LT(Pos(order, 1), Pos(order, 3));
  }
}

TEST(LocalityTest, NearerNodesFirstOnFourNodes) {
  numa::Topology topo = FakeTopology(4, 1);
  // One worker per node; the fake distances make node 1 nearest to node 0.
  auto places = WorkerPlacesFromTopology(topo, {0, 1, 2, 3});
  ASSERT_TRUE(places.ok()) << places.status();
  const auto dist = NodeDistanceMatrix(topo);
  auto s = MakeLocalityAwareStrategy(*places, dist);
  ASSERT_TRUE(s.ok());
  const int n0 = (*places)[0].node;
  int nearest = -1, best = 1 << 30;
  for (int w = 1; w < 4; ++w) {
    const int d = dist[n0][(*places)[w].node];
    if (d < best) best = d, nearest = w;
  }
  for (std::uint64_t r = 0; r < 20; ++r) {
    std::vector<int> order;
    (*s)->Victims(0, 4, r * 104729, &order);
    ASSERT_EQ(order.size(), 3u);
    EXPECT_EQ(order[0], nearest);
  }
}

TEST(LocalityTest, RejectsUnknownCpuAndBadCounts) {
  numa::Topology topo = numa::Topology::Fallback(2);
  EXPECT_FALSE(WorkerPlacesFromTopology(topo, {0, 99}).ok());
  EXPECT_FALSE(LocalityAwareOptions(topo, 0).ok());
  EXPECT_FALSE(MakeLocalityAwareStrategy({}).ok());
  EXPECT_FALSE(MakeLocalityAwareStrategy({WorkerPlace{-1, 0}}).ok());
  EXPECT_FALSE(MakeLocalityAwareStrategy({WorkerPlace{0, 1}}, {{10}})
                   .ok());  // 1x1, node 1
}

TEST(LocalityTest, OptionsFromDetectedTopologyCreateAScheduler) {
  numa::Topology topo = numa::Topology::DetectOrFallback();
  absl::StatusOr<SchedulerOptions> o = LocalityAwareOptions(topo, 2);
  if (!o.ok()) GTEST_SKIP() << "affinity mask not in topology: " << o.status();
  auto s = Scheduler::Create(*o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->steal_strategy_name(), "locality");
  EXPECT_EQ(*(*s)->Spawn([] { return 5; }).Get(), 5);
}

}  // namespace
}  // namespace moirai::sched
