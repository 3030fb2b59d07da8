// Copyright 2026 The Moirai Authors.
//
// distributed/placement.h
// -----------------------------------------------------------------------------
//
// This header defines `Placer`, the pure node-selection policy (no I/O, no
// clock, a seeded RNG), in the order it is applied:
//
//   1. filter: alive members that are not excluded (already refused this
//      task), carry every required label and have every requested resource;
//   2. affinity: the hinted node if it passed the filter (if it did not, a
//      required affinity is FailedPrecondition, a preferred one is ignored);
//   3. local first: the submitting node while its load factor is below
//      `local_threshold` (Ray's hybrid policy, 0.5);
//   4. otherwise power of two choices: two distinct random candidates, the
//      less loaded one (by load factor; ties go to the first drawn).
//
// Spill-back: a node that refuses a task (its admission queue is full) is
// added to `exclude` and `Choose` is asked again with `hops` one higher;
// after `max_hops` refusals it returns ResourceExhausted, so a saturated
// cluster answers instead of bouncing a task forever.
//
// Not synchronised (the RNG is state): one Placer per submitter, or a lock.

#ifndef MOIRAI_DISTRIBUTED_PLACEMENT_H_
#define MOIRAI_DISTRIBUTED_PLACEMENT_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "moirai/distributed/node_info.h"
#include "moirai/distributed/task_spec.h"

namespace moirai::distributed {

struct PlacementOptions {
  // Load factor below which the local node takes its own tasks.
  double local_threshold = 0.5;
  // Refusals (spill-backs) allowed before giving up.
  int max_hops = 3;
};

class Placer {
 public:
  explicit Placer(PlacementOptions options = {}, std::uint64_t seed = 1)
      : options_(options), rng_(seed) {}

  // Placer::Choose()
  //
  // The id of the node to send the task to. `local` is the submitting node
  // ("" if it is not a node). FailedPrecondition when no member passes the
  // filter (the message says which requirement failed), ResourceExhausted
  // when `hops` exceeds max_hops.
  absl::StatusOr<std::string> Choose(
      const std::vector<NodeInfo>& members, absl::string_view local,
      const PlacementHints& hints,
      const absl::flat_hash_set<std::string>& exclude = {}, int hops = 0);

  const PlacementOptions& options() const noexcept { return options_; }

  // Placer::Matches(): step 1 for one node.
  static bool Matches(const NodeInfo& node, const PlacementHints& hints);

 private:
  PlacementOptions options_;
  std::mt19937_64 rng_;
};

}  // namespace moirai::distributed

#endif  // MOIRAI_DISTRIBUTED_PLACEMENT_H_
