// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/placement.h"

#include "absl/strings/str_cat.h"

namespace moirai::distributed {

bool Placer::Matches(const NodeInfo& node, const PlacementHints& hints) {
  for (const auto& [key, value] : hints.required_labels) {
    auto it = node.labels.find(key);
    if (it == node.labels.end() || it->second != value) return false;
  }
  for (const auto& [name, amount] : hints.resources) {
    auto it = node.resources.find(name);
    if (it == node.resources.end() || it->second < amount) return false;
  }
  return true;
}

absl::StatusOr<std::string> Placer::Choose(
    const std::vector<NodeInfo>& members, absl::string_view local,
    const PlacementHints& hints,
    const absl::flat_hash_set<std::string>& exclude, int hops) {
  if (hops > options_.max_hops) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "placement: refused by ", hops, " nodes (at most ", options_.max_hops,
        " spill-back hops): the cluster is saturated"));
  }
  std::vector<const NodeInfo*> candidates;
  candidates.reserve(members.size());
  for (const NodeInfo& n : members) {
    if (!exclude.contains(n.id) && Matches(n, hints)) candidates.push_back(&n);
  }
  const NodeInfo* affinity = nullptr;
  if (!hints.affinity_node.empty()) {
    for (const NodeInfo* n : candidates) {
      if (n->id == hints.affinity_node) affinity = n;
    }
    if (affinity != nullptr) return affinity->id;
    if (hints.affinity_required) {
      return absl::FailedPreconditionError(absl::StrCat(
          "placement: the required node ", hints.affinity_node,
          " is not a live member matching the task's labels and resources",
          exclude.contains(hints.affinity_node) ? " (it refused the task)"
                                                : ""));
    }
  }
  if (candidates.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "placement: none of ", members.size(), " members (", exclude.size(),
        " excluded) has the required labels and resources"));
  }
  for (const NodeInfo* n : candidates) {
    if (!local.empty() && n->id == local &&
        n->load.load_factor() < options_.local_threshold) {
      return n->id;
    }
  }
  if (candidates.size() == 1) return candidates[0]->id;
  std::uniform_int_distribution<std::size_t> pick(0, candidates.size() - 1);
  const std::size_t a = pick(rng_);
  std::size_t b = pick(rng_);
  if (b == a)
    b = (a + 1 + pick(rng_) % (candidates.size() - 1)) % candidates.size();
  return candidates[b]->load.load_factor() < candidates[a]->load.load_factor()
             ? candidates[b]->id
             : candidates[a]->id;
}

}  // namespace moirai::distributed
