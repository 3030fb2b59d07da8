// Copyright 2026 The Moirai Authors.
//
// numa/topology_test.cc
// -----------------------------------------------------------------------------

#include "moirai/numa/topology.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moirai/numa/internal/fake_sysfs.h"

namespace moirai::numa {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A file that repeats the largest range must not expand every copy before
// deduplicating (it once did: 400 copies were 400M ints, gigabytes).
TEST(ParseCpuList, RepeatedHugeRangesStayBounded) {
  std::string text = "0-1048576";
  for (int i = 0; i < 399; ++i) text += ",0-1048576";
  auto ids = ParseCpuList(text);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(ids->size(), 1048577u);
  EXPECT_EQ(ids->back(), 1048576);
  EXPECT_THAT(*ParseCpuList("5-7,0-2,1-6"),
              ElementsAre(0, 1, 2, 3, 4, 5, 6, 7));
}

TEST(ParseCpuList, AcceptsKernelSyntax) {
  EXPECT_THAT(*ParseCpuList("0-3,8,10-11\n"),
              ElementsAre(0, 1, 2, 3, 8, 10, 11));
  EXPECT_THAT(*ParseCpuList("5"), ElementsAre(5));
  EXPECT_TRUE(ParseCpuList("\n")->empty());
  EXPECT_FALSE(ParseCpuList("a").ok());
  EXPECT_FALSE(ParseCpuList("3-1").ok());
  EXPECT_FALSE(ParseCpuList("1-").ok());
  EXPECT_FALSE(ParseCpuList("-1").ok());
  EXPECT_FALSE(ParseCpuList("0-99999999").ok());
  EXPECT_EQ(FormatCpuList({0, 1, 2, 3, 8, 10, 11}), "0-3,8,10-11");
  EXPECT_EQ(FormatCpuList({}), "");
}

class FakeMachines : public ::testing::TestWithParam<int> {};

// A machine with N nodes, 4 cores per node, 2 threads per core. CPU ids are
// interleaved the way Linux numbers SMT siblings: cpu c and c + cores are
// siblings.
TEST_P(FakeMachines, DescribesNodesCoresCachesAndDistances) {
  const int nodes = GetParam();
  internal::FakeSysfs fake(::testing::TempDir() + "/fake_" +
                           std::to_string(nodes));
  internal::FakeMachineSpec spec;
  spec.nodes = nodes;
  spec.packages = nodes >= 2 ? 2 : 1;
  spec.cores_per_node = 4;
  spec.threads_per_core = 2;
  fake.Build(spec);
  auto topo = Topology::Detect(fake.root());
  ASSERT_TRUE(topo.ok()) << topo.status();
  EXPECT_FALSE(topo->is_fallback());
  EXPECT_EQ(topo->fallback_reason(), "");
  EXPECT_EQ(topo->num_nodes(), nodes);
  EXPECT_EQ(topo->num_cores(), nodes * 4);
  EXPECT_EQ(topo->num_cpus(), nodes * 8);
  EXPECT_EQ(topo->num_packages(), spec.packages);
  EXPECT_EQ(topo->num_llcs(), nodes);  // one L3 per node
  const int total_cores = nodes * 4;
  for (int n = 0; n < nodes; ++n) {
    std::vector<int> want;
    for (int c = n * 4; c < n * 4 + 4; ++c) want.push_back(c);
    for (int c = n * 4; c < n * 4 + 4; ++c) want.push_back(c + total_cores);
    std::sort(want.begin(), want.end());
    EXPECT_EQ(topo->CpusOfNode(n), want) << "node " << n;
    for (int m = 0; m < nodes; ++m) {
      EXPECT_EQ(topo->distance(n, m), internal::FakeDistance(n, m));
    }
    std::vector<int> order = topo->NodesByDistance(n);
    ASSERT_EQ(order.size(), static_cast<std::size_t>(nodes));
    EXPECT_EQ(order[0], n);
    for (std::size_t i = 1; i + 1 < order.size(); ++i) {
      EXPECT_LE(topo->distance(n, order[i]), topo->distance(n, order[i + 1]));
    }
  }
  EXPECT_EQ(topo->distance(0, nodes), -1);
  EXPECT_EQ(topo->distance(-1, 0), -1);
  EXPECT_TRUE(topo->CpusOfNode(nodes).empty());
  EXPECT_TRUE(topo->NodesByDistance(nodes).empty());
  // SMT siblings share a core and an LLC; cores on different nodes do not.
  const auto& cpus = topo->cpus();
  ASSERT_EQ(cpus.size(), static_cast<std::size_t>(nodes * 8));
  for (const CpuInfo& c : cpus) {
    const CpuInfo& sib = cpus[(c.cpu + total_cores) % (2 * total_cores)];
    EXPECT_EQ(c.core, sib.core);
    EXPECT_EQ(c.llc, sib.llc);
    EXPECT_EQ(c.node, c.cpu % total_cores / 4);
    EXPECT_EQ(topo->NodeOfCpu(c.cpu), c.node);
  }
  if (nodes > 1) {
    EXPECT_NE(cpus[0].llc, cpus[4].llc);
  }
  // Caches: per core L1d, L1i, L2 (shared by 2 threads); per node L3 (8).
  int l1d = 0, l2 = 0, l3 = 0;
  for (const CacheInfo& c : topo->caches()) {
    if (c.level == 1 && c.type == "Data") {
      ++l1d;
      EXPECT_EQ(c.size_bytes, 48u * 1024);
      EXPECT_EQ(c.line_size, 64u);
      EXPECT_EQ(c.cpus.size(), 2u);
    }
    if (c.level == 2) ++l2;
    if (c.level == 3) {
      ++l3;
      EXPECT_EQ(c.size_bytes, 32u << 20);
      EXPECT_EQ(c.cpus.size(), 8u);
    }
  }
  EXPECT_EQ(l1d, nodes * 4);
  EXPECT_EQ(l2, nodes * 4);
  EXPECT_EQ(l3, nodes);
  const std::string s = topo->ToString();
  EXPECT_THAT(s, HasSubstr(absl::StrCat(nodes, " NUMA node")));
  EXPECT_THAT(
      s, HasSubstr("node 0: cpus " + FormatCpuList(topo->CpusOfNode(0)) + ";"));
  EXPECT_THAT(s, HasSubstr("L3 Unified 32 MiB x " + std::to_string(nodes)));
}

INSTANTIATE_TEST_SUITE_P(Nodes, FakeMachines, ::testing::Values(1, 2, 4, 8));

TEST(Topology, OfflineCpusAreLeftOut) {
  internal::FakeSysfs fake(::testing::TempDir() + "/offline");
  internal::FakeMachineSpec spec;
  spec.nodes = 2;
  spec.cores_per_node = 2;
  spec.threads_per_core = 1;
  fake.Build(spec);
  fake.Write("devices/system/cpu/online", "0-1,3\n");
  auto topo = Topology::Detect(fake.root());
  ASSERT_TRUE(topo.ok()) << topo.status();
  EXPECT_EQ(topo->num_cpus(), 3);
  EXPECT_THAT(topo->CpusOfNode(1), ElementsAre(3));
}

TEST(Topology, NoNodeDirectoryMeansOneNode) {
  internal::FakeSysfs fake(::testing::TempDir() + "/nonuma");
  internal::FakeMachineSpec spec;
  spec.nodes = 1;
  spec.cores_per_node = 2;
  spec.with_node_dir = false;
  fake.Build(spec);
  auto topo = Topology::Detect(fake.root());
  ASSERT_TRUE(topo.ok()) << topo.status();
  EXPECT_FALSE(topo->is_fallback());
  EXPECT_EQ(topo->num_nodes(), 1);
  EXPECT_EQ(topo->CpusOfNode(0).size(), 4u);
  EXPECT_THAT(topo->ToString(), HasSubstr("exposes no NUMA nodes"));
}

TEST(Topology, BadTreesAreErrorsAndFallbackSaysWhy) {
  const std::string missing = ::testing::TempDir() + "/does_not_exist";
  auto topo = Topology::Detect(missing);
  EXPECT_EQ(topo.status().code(), absl::StatusCode::kNotFound);
  Topology fb = Topology::DetectOrFallback(missing);
  EXPECT_TRUE(fb.is_fallback());
  EXPECT_THAT(fb.fallback_reason(), HasSubstr("does_not_exist"));
  EXPECT_THAT(fb.ToString(), HasSubstr("FALLBACK"));
  EXPECT_EQ(fb.num_nodes(), 1);
  EXPECT_GE(fb.num_cpus(), 1);

  internal::FakeSysfs fake(::testing::TempDir() + "/bad");
  internal::FakeMachineSpec spec;
  spec.nodes = 2;
  fake.Build(spec);
  fake.Write("devices/system/node/node1/distance", "21 10 30\n");
  topo = Topology::Detect(fake.root());
  EXPECT_EQ(topo.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(topo.status().message(), HasSubstr("node1/distance"));

  fake.Build(spec);
  fake.Write("devices/system/node/node0/cpulist", "zero\n");
  topo = Topology::Detect(fake.root());
  EXPECT_EQ(topo.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(topo.status().message(), HasSubstr("node0/cpulist"));

  fake.Build(spec);
  fake.Write("devices/system/node/node1/cpulist", "\n");  // cpus orphaned
  topo = Topology::Detect(fake.root());
  EXPECT_EQ(topo.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(topo.status().message(), HasSubstr("belongs to no node"));
}

TEST(Topology, ExplicitFallback) {
  Topology t = Topology::Fallback(3);
  EXPECT_TRUE(t.is_fallback());
  EXPECT_FALSE(t.fallback_reason().empty());
  EXPECT_EQ(t.num_cpus(), 3);
  EXPECT_THAT(t.CpusOfNode(0), ElementsAre(0, 1, 2));
  EXPECT_EQ(t.distance(0, 0), 10);
  EXPECT_EQ(Topology::Fallback(0).num_cpus(), 1);
}

TEST(Topology, RealMachine) {
  Topology t = Topology::DetectOrFallback();
  // The real machine may or may not expose sysfs; either way it must say so.
  if (t.is_fallback()) {
    EXPECT_FALSE(t.fallback_reason().empty());
  }
  EXPECT_GE(t.num_cpus(), 1);
  EXPECT_GE(t.num_nodes(), 1);
  const int cpu = CurrentCpu();
  const int node = CurrentNode();
  EXPECT_GE(cpu, 0);
  EXPECT_GE(node, 0);
  if (!t.is_fallback()) {
    EXPECT_NE(t.NodeOfCpu(cpu), -1) << t.ToString();
    EXPECT_EQ(t.NodeOfCpu(cpu), node);
  }
  std::cout << t.ToString();
}

}  // namespace
}  // namespace moirai::numa
