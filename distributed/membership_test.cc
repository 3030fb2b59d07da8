// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/membership.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace moirai::distributed {
namespace {

NodeInfo Node(std::string id) {
  NodeInfo n;
  n.id = std::move(id);
  return n;
}

std::string Describe(const MemberEvent& e) {
  const char* k = e.kind == MemberEvent::Kind::kJoined ? "+"
                  : e.kind == MemberEvent::Kind::kLeft ? "-"
                                                       : "~";
  return k + e.node.id;
}

TEST(InMemoryMembershipTest, JoinLeaveUpdateFireInOrder) {
  InMemoryMembership m;
  std::vector<std::string> seen;
  WatchHandle w = m.Watch([&](const MemberEvent& e) {
    seen.push_back(Describe(e));
    // The change is visible from the callback.
    EXPECT_EQ(m.Get(e.node.id).ok(), e.kind != MemberEvent::Kind::kLeft);
  });
  ASSERT_TRUE(m.Join(Node("a")).ok());
  ASSERT_TRUE(m.Join(Node("b")).ok());
  LoadReport load;
  load.running = 3;
  ASSERT_TRUE(m.UpdateLoad("a", load).ok());
  ASSERT_TRUE(m.Leave("b").ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"+a", "+b", "~a", "-b"}));
  EXPECT_EQ(m.Get("a")->load.running, 3u);
  EXPECT_EQ(m.Members().size(), 1u);
}

TEST(InMemoryMembershipTest, BadChangesAreRefused) {
  InMemoryMembership m;
  ASSERT_TRUE(m.Join(Node("a")).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(m.Join(Node("a"))));
  EXPECT_TRUE(absl::IsInvalidArgument(m.Join(Node(""))));
  NodeInfo zero = Node("z");
  zero.workers = 0;
  EXPECT_TRUE(absl::IsInvalidArgument(m.Join(zero)));
  EXPECT_TRUE(absl::IsNotFound(m.Leave("x")));
  EXPECT_TRUE(absl::IsNotFound(m.UpdateLoad("x", {})));
  EXPECT_TRUE(absl::IsNotFound(m.Get("x").status()));
}

TEST(InMemoryMembershipTest, CancelledWatchNeverFiresAgain) {
  InMemoryMembership m;
  int calls = 0;
  WatchHandle w = m.Watch([&](const MemberEvent&) { ++calls; });
  ASSERT_TRUE(m.Join(Node("a")).ok());
  w.Cancel();
  EXPECT_FALSE(w.active());
  ASSERT_TRUE(m.Join(Node("b")).ok());
  EXPECT_EQ(calls, 1);
}

TEST(InMemoryMembershipTest, CallbackMayCancelItself) {
  InMemoryMembership m;
  int calls = 0;
  WatchHandle w;
  w = m.Watch([&](const MemberEvent&) {
    ++calls;
    w.Cancel();
  });
  ASSERT_TRUE(m.Join(Node("a")).ok());
  ASSERT_TRUE(m.Join(Node("b")).ok());
  EXPECT_EQ(calls, 1);
}

TEST(InMemoryMembershipTest, ConcurrentChangesAllSeenOnce) {
  InMemoryMembership m;
  std::vector<std::string> seen;  // callbacks are serialised
  WatchHandle w =
      m.Watch([&](const MemberEvent& e) { seen.push_back(Describe(e)); });
  constexpr int kThreads = 4, kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string id = std::to_string(t) + "/" + std::to_string(i);
        ASSERT_TRUE(m.Join(Node(id)).ok());
        ASSERT_TRUE(m.Leave(id).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(seen.size(), 2u * kThreads * kEach);
  EXPECT_TRUE(m.Members().empty());
}

TEST(StaticMembershipTest, FixedListSilentLoads) {
  auto m = StaticMembership::Create({Node("a"), Node("b")});
  ASSERT_TRUE(m.ok());
  int calls = 0;
  WatchHandle w = (*m)->Watch([&](const MemberEvent&) { ++calls; });
  LoadReport load;
  load.running = 1;
  ASSERT_TRUE((*m)->UpdateLoad("b", load).ok());
  EXPECT_EQ((*m)->Get("b")->load.running, 1u);
  EXPECT_EQ((*m)->Members().size(), 2u);
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(absl::IsAlreadyExists(
      StaticMembership::Create({Node("a"), Node("a")}).status()));
}

}  // namespace
}  // namespace moirai::distributed
