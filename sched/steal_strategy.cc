// Copyright 2026 The Moirai Authors.

#include "moirai/sched/steal_strategy.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace moirai::sched {
namespace {

// Appends every worker but `thief`, starting at a random one and wrapping.
void RandomOrder(int thief, int num_workers, std::uint64_t random,
                 std::vector<int>* out) {
  if (num_workers <= 1) return;
  const int start =
      static_cast<int>(random % static_cast<std::uint64_t>(num_workers));
  for (int i = 0; i < num_workers; ++i) {
    const int v = (start + i) % num_workers;
    if (v != thief) out->push_back(v);
  }
}

class RandomVictimStrategy final : public StealStrategy {
 public:
  absl::string_view name() const override { return "random"; }
  void Victims(int thief, int num_workers, std::uint64_t random,
               std::vector<int>* out) const override {
    RandomOrder(thief, num_workers, random, out);
  }
};

class StealHalfStrategy final : public StealStrategy {
 public:
  absl::string_view name() const override { return "half"; }
  void Victims(int thief, int num_workers, std::uint64_t random,
               std::vector<int>* out) const override {
    RandomOrder(thief, num_workers, random, out);
  }
  bool steal_half() const override { return true; }
};

class LocalityAwareStrategy final : public StealStrategy {
 public:
  // tiers_[thief] lists the thief's victims tier by tier, nearest tier first.
  explicit LocalityAwareStrategy(
      std::vector<std::vector<std::vector<int>>> tiers)
      : tiers_(std::move(tiers)) {}

  absl::string_view name() const override { return "locality"; }

  void Victims(int thief, int num_workers, std::uint64_t random,
               std::vector<int>* out) const override {
    if (thief < 0 || static_cast<std::size_t>(thief) >= tiers_.size() ||
        static_cast<std::size_t>(num_workers) != tiers_.size()) {
      // Not the layout we were built for: behave like random stealing.
      RandomOrder(thief, num_workers, random, out);
      return;
    }
    for (const std::vector<int>& tier : tiers_[thief]) {
      if (tier.empty()) continue;
      // A different rotation per tier from different bits of `random`.
      const std::size_t start = random % tier.size();
      random = random * 6364136223846793005ULL + 1442695040888963407ULL;
      for (std::size_t i = 0; i < tier.size(); ++i) {
        out->push_back(tier[(start + i) % tier.size()]);
      }
    }
  }

 private:
  const std::vector<std::vector<std::vector<int>>> tiers_;
};

}  // namespace

std::unique_ptr<StealStrategy> MakeRandomVictimStrategy() {
  return std::make_unique<RandomVictimStrategy>();
}

std::unique_ptr<StealStrategy> MakeStealHalfStrategy() {
  return std::make_unique<StealHalfStrategy>();
}

absl::StatusOr<std::unique_ptr<StealStrategy>> MakeLocalityAwareStrategy(
    std::vector<WorkerPlace> places,
    std::vector<std::vector<int>> node_distance) {
  if (places.empty()) {
    return absl::InvalidArgumentError(
        "MakeLocalityAwareStrategy: places must describe every worker");
  }
  int max_node = 0;
  for (const WorkerPlace& p : places) {
    if (p.llc < 0 || p.node < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "MakeLocalityAwareStrategy: negative llc/node id (llc=", p.llc,
          ", node=", p.node, ")"));
    }
    max_node = std::max(max_node, p.node);
  }
  if (!node_distance.empty()) {
    if (node_distance.size() <= static_cast<std::size_t>(max_node)) {
      return absl::InvalidArgumentError(
          "MakeLocalityAwareStrategy: node_distance does not cover every node");
    }
    for (const auto& row : node_distance) {
      if (row.size() != node_distance.size()) {
        return absl::InvalidArgumentError(
            "MakeLocalityAwareStrategy: node_distance must be square");
      }
    }
  }
  auto distance = [&](int a, int b) {
    if (!node_distance.empty()) return node_distance[a][b];
    return a == b ? 10 : 20 + std::abs(a - b);
  };
  const int n = static_cast<int>(places.size());
  std::vector<std::vector<std::vector<int>>> tiers(n);
  for (int thief = 0; thief < n; ++thief) {
    std::vector<int> same_llc, same_node;
    // Remote victims grouped by distance from the thief's node, nearest first.
    std::map<int, std::vector<int>> remote;
    for (int v = 0; v < n; ++v) {
      if (v == thief) continue;
      if (places[v].node == places[thief].node) {
        (places[v].llc == places[thief].llc ? same_llc : same_node)
            .push_back(v);
      } else {
        remote[distance(places[thief].node, places[v].node)].push_back(v);
      }
    }
    tiers[thief].push_back(std::move(same_llc));
    tiers[thief].push_back(std::move(same_node));
    for (auto& [d, victims] : remote)
      tiers[thief].push_back(std::move(victims));
  }
  return std::unique_ptr<StealStrategy>(
      std::make_unique<LocalityAwareStrategy>(std::move(tiers)));
}

}  // namespace moirai::sched
