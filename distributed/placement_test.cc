// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/placement.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace moirai::distributed {
namespace {

NodeInfo Node(std::string id, std::uint32_t running, int workers = 2) {
  NodeInfo n;
  n.id = std::move(id);
  n.workers = workers;
  n.load.workers = static_cast<std::uint32_t>(workers);
  n.load.running = running;
  return n;
}

TEST(PlacerTest, LocalFirstBelowTheThreshold) {
  Placer p({.local_threshold = 0.5}, 1);
  std::vector<NodeInfo> m = {Node("a", 0), Node("b", 0)};
  for (int i = 0; i < 20; ++i) EXPECT_EQ(*p.Choose(m, "b", {}), "b");
  m[1].load.running = 1;  // 0.5: not below
  std::map<std::string, int> hits;
  for (int i = 0; i < 20; ++i) ++hits[*p.Choose(m, "b", {})];
  EXPECT_EQ(hits["a"], 20);  // p2c of two always sees both: a is lighter
}

TEST(PlacerTest, PowerOfTwoChoicesAvoidsTheLoadedNode) {
  Placer p({}, 42);
  std::vector<NodeInfo> m;
  for (int i = 0; i < 8; ++i) m.push_back(Node("n" + std::to_string(i), 1));
  m[3].load.running = 50;
  std::map<std::string, int> hits;
  for (int i = 0; i < 4000; ++i) ++hits[*p.Choose(m, "", {})];
  // n3 wins only against itself, which p2c never draws twice.
  EXPECT_EQ(hits["n3"], 0);
  for (int i = 0; i < 8; ++i) {
    if (i != 3) {
      EXPECT_GT(hits["n" + std::to_string(i)], 300) << i;
    }
  }
}

TEST(PlacerTest, SameSeedSameChoices) {
  std::vector<NodeInfo> m = {Node("a", 1), Node("b", 1), Node("c", 1)};
  Placer p1({}, 7), p2({}, 7);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(*p1.Choose(m, "", {}), *p2.Choose(m, "", {}));
  }
}

TEST(PlacerTest, LabelsAndResourcesFilter) {
  std::vector<NodeInfo> m = {Node("cpu", 0), Node("gpu", 9)};
  m[1].labels["accel"] = "gpu";
  m[1].resources["mem_gb"] = 64;
  Placer p;
  PlacementHints h;
  h.required_labels = {{"accel", "gpu"}};
  EXPECT_EQ(*p.Choose(m, "cpu", h), "gpu");
  h.resources = {{"mem_gb", 32}};
  EXPECT_EQ(*p.Choose(m, "cpu", h), "gpu");
  h.resources = {{"mem_gb", 128}};
  auto r = p.Choose(m, "cpu", h);
  EXPECT_TRUE(absl::IsFailedPrecondition(r.status())) << r.status();
}

TEST(PlacerTest, AffinityPreferredOrRequired) {
  std::vector<NodeInfo> m = {Node("a", 0), Node("b", 9)};
  Placer p;
  PlacementHints h;
  h.affinity_node = "b";
  EXPECT_EQ(*p.Choose(m, "a", h), "b");
  h.affinity_node = "gone";
  EXPECT_EQ(*p.Choose(m, "a", h), "a");  // preferred: ignored
  h.affinity_required = true;
  EXPECT_TRUE(absl::IsFailedPrecondition(p.Choose(m, "a", h).status()));
}

TEST(PlacerTest, SpillBackIsBounded) {
  std::vector<NodeInfo> m = {Node("a", 0), Node("b", 0), Node("c", 0),
                             Node("d", 0), Node("e", 0)};
  Placer p({.max_hops = 3}, 3);
  absl::flat_hash_set<std::string> refused;
  int hops = 0;
  for (; hops <= 3; ++hops) {
    auto n = p.Choose(m, "", {}, refused, hops);
    ASSERT_TRUE(n.ok()) << n.status();
    EXPECT_FALSE(refused.contains(*n));
    refused.insert(*n);  // every node refuses
  }
  auto r = p.Choose(m, "", {}, refused, hops);
  EXPECT_TRUE(absl::IsResourceExhausted(r.status())) << r.status();
}

TEST(PlacerTest, EverybodyExcludedIsAnError) {
  std::vector<NodeInfo> m = {Node("a", 0)};
  Placer p;
  EXPECT_TRUE(absl::IsFailedPrecondition(p.Choose(m, "", {}, {"a"}).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(p.Choose({}, "", {}).status()));
}

}  // namespace
}  // namespace moirai::distributed
