// Copyright 2026 The Moirai Authors.
//
// Cluster basics: spawning, results and errors, registry checks, roles,
// nested spawns and what they inherit, the forced codec round trip. Every
// test runs with and without the round trip (the parameter).

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/core/task_context.h"
#include "moirai/distributed/cluster.h"

namespace moirai::distributed {
namespace {

Cluster* g_cluster = nullptr;  // for functions that spawn nested tasks

int Add(int a, int b) { return a + b; }
int Mul(int a, int b) { return a * b; }
long MulLong(long a, long b) { return a * b; }  // NOLINT
std::string Join(const std::vector<std::string>& parts, std::string sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}
absl::StatusOr<int> Checked(int x) {
  if (x < 0) return absl::OutOfRangeError("negative");
  return x * 2;
}
absl::Status MaybeFail(bool fail) {
  return fail ? absl::AbortedError("asked to fail") : absl::OkStatus();
}
int Throws() { throw std::runtime_error("boom"); }
struct Opaque {  // copyable, but no codec
  std::string s;
};
int Len(Opaque o) { return static_cast<int>(o.s.size()); }
int PriorityIndexHere() {
  return core::PriorityIndex(core::TaskContext::current()->priority());
}
bool HasDeadline() {
  return core::TaskContext::current()->deadline() != absl::InfiniteFuture();
}
int NodeOnly(int x) { return x + 1; }
// Spawns PriorityIndexHere / NodeOnly / HasDeadline nested and combines.
int Outer(int x) {
  int p = *g_cluster->Spawn<&PriorityIndexHere>().Get();
  absl::StatusOr<int> n = g_cluster->Spawn<&NodeOnly>(x).Get();
  bool d = *g_cluster->Spawn<&HasDeadline>().Get();
  return p * 1000 + (n.ok() ? *n : -1) * 10 + (d ? 1 : 0);
}

class ClusterTest : public ::testing::TestWithParam<bool> {
 protected:
  void Start(int n, ClusterOptions options = {}) {
    options.force_codec_round_trip = GetParam();
    auto c = Cluster::Embedded(n, std::move(options));
    ASSERT_TRUE(c.ok()) << c.status();
    cluster_ = std::move(*c);
    g_cluster = cluster_.get();
    ASSERT_TRUE(cluster_->Register<&Add>("add").ok());
    ASSERT_TRUE(cluster_->Register<&Join>("join").ok());
    ASSERT_TRUE(cluster_->Register<&Checked>("checked").ok());
    ASSERT_TRUE(cluster_->Register<&MaybeFail>("maybe_fail").ok());
    ASSERT_TRUE(cluster_->Register<&Throws>("throws").ok());
    ASSERT_TRUE(cluster_->Register<&Len>("len").ok());
    ASSERT_TRUE(cluster_->Register<&PriorityIndexHere>("prio").ok());
    ASSERT_TRUE(cluster_->Register<&HasDeadline>("has_deadline").ok());
    ASSERT_TRUE(
        cluster_->Register<&NodeOnly>("node_only", {.allowed_roles = {"node"}})
            .ok());
    ASSERT_TRUE(cluster_->Register<&Outer>("outer").ok());
  }
  void TearDown() override {
    cluster_.reset();
    g_cluster = nullptr;
  }
  std::unique_ptr<Cluster> cluster_;
};

TEST_P(ClusterTest, SpawnReturnsTheValue) {
  Start(2);
  EXPECT_EQ(*cluster_->Spawn<&Add>(2, 3).Get(), 5);
  TaskSpec spec;
  spec.priority = core::Priority::kHigh;
  EXPECT_EQ(*cluster_->Spawn<&Add>(20, 22, spec).Get(), 42);
  EXPECT_EQ(*cluster_
                 ->Spawn<&Join>(std::vector<std::string>{"a", "b", "c"},
                                std::string("+"))
                 .Get(),
            "a+b+c");
}

TEST_P(ClusterTest, ErrorsComeBackAsStatuses) {
  Start(2);
  EXPECT_EQ(*cluster_->Spawn<&Checked>(4).Get(), 8);
  EXPECT_TRUE(absl::IsOutOfRange(cluster_->Spawn<&Checked>(-1).Get().status()));
  EXPECT_TRUE(cluster_->Spawn<&MaybeFail>(false).Get().ok());
  EXPECT_TRUE(absl::IsAborted(cluster_->Spawn<&MaybeFail>(true).Get()));
  absl::Status thrown = cluster_->Spawn<&Throws>().Get().status();
  EXPECT_TRUE(absl::IsUnknown(thrown));
  EXPECT_NE(thrown.message().find("boom"), std::string::npos) << thrown;
  TaskSpec bad;
  bad.timeout = -absl::Seconds(1);
  EXPECT_TRUE(
      absl::IsInvalidArgument(cluster_->Spawn<&Add>(1, 2, bad).Get().status()));
}

TEST_P(ClusterTest, UsesEveryNodeAboveTheLocalThreshold) {
  ClusterOptions o;
  o.placement.local_threshold = 0;  // never local-first: p2c
  o.seed = 9;
  Start(3, o);
  std::map<std::string, int> nodes;
  for (int i = 0; i < 60; ++i) {
    RemoteTask<int> t = cluster_->Submit<&Add>(i, 1);
    ASSERT_EQ(*std::move(t.future).Get(), i + 1);
    TaskInfo info = cluster_->Describe(t.handle);
    EXPECT_EQ(info.state, TaskState::kSucceeded);
    EXPECT_EQ(info.attempts, 1);
    ASSERT_EQ(info.history.size(), 1u);
    ++nodes[info.history[0].node];
  }
  EXPECT_EQ(nodes.size(), 3u);
}

TEST_P(ClusterTest, LocalFirstWhileIdle) {
  Start(3);
  for (int i = 0; i < 10; ++i) {
    RemoteTask<int> t = cluster_->Submit<&Add>(i, 1);
    ASSERT_TRUE(std::move(t.future).Get().ok());
    EXPECT_EQ(cluster_->Describe(t.handle).history[0].node, "node-0");
  }
}

TEST_P(ClusterTest, UnknownAndMismatchedFunctions) {
  Start(3);
  // Never registered with the cluster.
  EXPECT_TRUE(absl::IsNotFound(cluster_->Spawn<&Mul>(1, 2).Get().status()));
  // "mul" is Mul on node 0; node 1 has another function under that name (a
  // binary built from other source); node 2 has no "mul".
  ASSERT_TRUE(cluster_->RegisterOn<&Mul>({0}, "mul").ok());
  ASSERT_TRUE(cluster_->RegisterOn<&MulLong>({1}, "mul").ok());
  TaskSpec on;
  on.placement.affinity_required = true;
  on.placement.affinity_node = "node-0";
  EXPECT_EQ(*cluster_->Spawn<&Mul>(6, 7, on).Get(), 42);
  on.placement.affinity_node = "node-1";
  absl::Status s = cluster_->Spawn<&Mul>(6, 7, on).Get().status();
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(s.message().find("different source"), std::string::npos) << s;
  on.placement.affinity_node = "node-2";
  EXPECT_TRUE(absl::IsNotFound(cluster_->Spawn<&Mul>(6, 7, on).Get().status()));
  on.placement.affinity_node = "node-9";
  EXPECT_TRUE(absl::IsFailedPrecondition(
      cluster_->Spawn<&Mul>(6, 7, on).Get().status()));
}

TEST_P(ClusterTest, RolesAreEnforced) {
  ClusterOptions o;
  o.workers_per_node = 2;
  Start(2, o);
  absl::Status s = cluster_->Spawn<&NodeOnly>(1).Get().status();
  EXPECT_TRUE(absl::IsPermissionDenied(s)) << s;
  // Outer spawns NodeOnly from inside a task: role "node".
  TaskSpec spec;
  spec.priority = core::Priority::kHigh;
  spec.timeout = absl::Hours(1);
  absl::StatusOr<int> v = cluster_->Spawn<&Outer>(5, spec).Get();
  ASSERT_TRUE(v.ok()) << v.status();
  // Priority kHigh (1) inherited; NodeOnly(5) = 6; deadline inherited.
  EXPECT_EQ(*v, 1 * 1000 + 6 * 10 + 1);
}

TEST_P(ClusterTest, NoInheritanceAtTheRoot) {
  Start(1);
  EXPECT_EQ(*cluster_->Spawn<&PriorityIndexHere>().Get(),
            core::PriorityIndex(core::Priority::kNormal));
  EXPECT_FALSE(*cluster_->Spawn<&HasDeadline>().Get());
  TaskSpec spec;
  spec.timeout = absl::Hours(1);
  EXPECT_TRUE(*cluster_->Spawn<&HasDeadline>(spec).Get());
}

TEST_P(ClusterTest, UnserializableArgumentsFailOnlyOverTheWire) {
  Start(1);
  absl::StatusOr<int> r = cluster_->Spawn<&Len>(Opaque{"abc"}).Get();
  if (GetParam()) {
    EXPECT_TRUE(absl::IsFailedPrecondition(r.status())) << r.status();
    EXPECT_NE(r.status().message().find("codec"), std::string::npos);
  } else {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, 3);
  }
}

TEST_P(ClusterTest, ManyThreadsManyTasksNothingLost) {
  ClusterOptions o;
  o.workers_per_node = 2;
  o.placement.local_threshold = 0;
  Start(3, o);
  constexpr int kThreads = 4, kEach = 200;
  std::atomic<long> sum{0};  // NOLINT
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<core::Future<int>> fs;
      for (int i = 0; i < kEach; ++i) fs.push_back(cluster_->Spawn<&Add>(t, i));
      for (auto& f : fs) {
        absl::StatusOr<int> v = std::move(f).Get();
        ASSERT_TRUE(v.ok()) << v.status();
        // Relaxed: joined before the check.
        sum.fetch_add(*v, std::memory_order_relaxed);
      }
    });
  }
  for (auto& t : threads) t.join();
  long want = 0;  // NOLINT
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) want += t + i;
  }
  EXPECT_EQ(sum.load(), want);
}

TEST(ClusterOptionsTest, BadOptionsAreRefused) {
  EXPECT_TRUE(absl::IsInvalidArgument(Cluster::Embedded(0).status()));
  ClusterOptions o;
  o.workers_per_node = 0;
  EXPECT_TRUE(absl::IsInvalidArgument(Cluster::Embedded(1, o).status()));
  o = ClusterOptions();
  o.admission_capacity = 0;
  EXPECT_TRUE(absl::IsInvalidArgument(Cluster::Embedded(1, o).status()));
  ClusterOptions twice;
  twice.nodes.resize(2);
  twice.nodes[0].id = twice.nodes[1].id = "same";
  EXPECT_TRUE(absl::IsInvalidArgument(Cluster::Embedded(2, twice).status()));
  auto c = Cluster::Embedded(1);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(absl::IsNotFound((*c)->MarkDead("nope")));
}

INSTANTIATE_TEST_SUITE_P(Codec, ClusterTest, ::testing::Bool(),
                         [](const auto& param_info) {
                           return param_info.param ? "round_trip"
                                                   : "in_process";
                         });

}  // namespace
}  // namespace moirai::distributed
