// Copyright 2026 The Moirai Authors.
//
// numa/node_memory_test.cc
// -----------------------------------------------------------------------------
//
// Runs on the real machine (one node in CI). Where the kernel or container
// refuses memory policies, the tests check the documented fallback instead.

#include "moirai/numa/node_memory.h"

#include <cstring>
#include <iostream>
#include <thread>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moirai/numa/topology.h"

namespace moirai::numa {
namespace {

TEST(NodeMemory, BadArguments) {
  EXPECT_EQ(AllocateOnNode(0, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AllocateOnNode(4096, -1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AllocateOnNode(4096, 5000).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AllocateInterleaved(4096, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AllocateOnNode(std::size_t(-1), 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      SetThreadMemoryPolicy({MemoryPolicyMode::kPreferred, {0, 1}}).code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SetThreadMemoryPolicy({MemoryPolicyMode::kDefault, {0}}).code(),
            absl::StatusCode::kInvalidArgument);
  // Node 1000 is a well-formed id no test machine has: the kernel says
  // EINVAL (a caller error), unless it refuses policies altogether, in which
  // case the memory comes back with the refusal recorded.
  auto far = AllocateOnNode(4096, 1000);
  if (far.ok()) {
    EXPECT_FALSE(far->policy_applied());
    EXPECT_TRUE(IsPolicyUnavailable(far->policy_status()));
  } else {
    EXPECT_EQ(far.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(NodeMemory, AllocateOnTheCurrentNode) {
  Topology topo = Topology::DetectOrFallback();
  const int node = topo.node_ids().front();
  auto mem = AllocateOnNode(1 << 20, node);
  ASSERT_TRUE(mem.ok()) << mem.status();
  EXPECT_EQ(mem->size(), std::size_t{1} << 20);
  std::memset(mem->data(), 0x5a, mem->size());
  EXPECT_EQ(static_cast<unsigned char*>(mem->data())[12345], 0x5a);
  if (mem->policy_applied()) {
    auto where = NodeOfAddress(mem->data());
    ASSERT_TRUE(where.ok()) << where.status();
    EXPECT_EQ(*where, node);
  } else {
    std::cout << "memory policy not applied here: " << mem->policy_status()
              << "\n";
    EXPECT_TRUE(IsPolicyUnavailable(mem->policy_status()));
  }
  // Move keeps one owner.
  NodeMemory moved = std::move(*mem);
  EXPECT_EQ(mem->data(), nullptr);
  EXPECT_NE(moved.data(), nullptr);
  NodeMemory again;
  again = std::move(moved);
  EXPECT_EQ(static_cast<unsigned char*>(again.data())[0], 0x5a);

  auto inter = AllocateInterleaved(1 << 16, topo.node_ids());
  ASSERT_TRUE(inter.ok()) << inter.status();
  std::memset(inter->data(), 1, inter->size());
}

TEST(NodeMemory, ThreadPolicyRoundTrip) {
  std::thread t([] {
    Topology topo = Topology::DetectOrFallback();
    const int node = topo.node_ids().front();
    absl::Status s = SetThreadMemoryPolicy({MemoryPolicyMode::kBind, {node}});
    if (!s.ok()) {
      EXPECT_TRUE(IsPolicyUnavailable(s)) << s;
      auto got = GetThreadMemoryPolicy();
      if (!got.ok()) {
        EXPECT_TRUE(IsPolicyUnavailable(got.status()));
      }
      return;
    }
    auto got = GetThreadMemoryPolicy();
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->mode, MemoryPolicyMode::kBind);
    EXPECT_THAT(got->nodes, ::testing::ElementsAre(node));
    ASSERT_TRUE(SetThreadMemoryPolicy({MemoryPolicyMode::kDefault, {}}).ok());
    got = GetThreadMemoryPolicy();
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->mode, MemoryPolicyMode::kDefault);
    EXPECT_TRUE(got->nodes.empty());
  });
  t.join();
}

}  // namespace
}  // namespace moirai::numa
