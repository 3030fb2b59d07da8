// Copyright 2026 The Moirai Authors.
//
// sched/steal_strategy.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::sched::StealStrategy`, the pluggable policy a
// `Scheduler` worker uses when its own queues are empty: which other workers
// to steal from, in what order, and whether to take one task or half of a
// victim's queue. Three strategies are built in:
//
//   * random victim (`MakeRandomVictimStrategy`): every other worker, starting
//     at a random one (Blumofe-Leiserson randomized work stealing);
//   * steal-half (`MakeStealHalfStrategy`): the same order, but a successful
//     steal takes half of the victim's lane (up to 32 tasks) into the thief's
//     own deque, which amortises steals when work is coarse and unbalanced;
//   * locality-aware (`MakeLocalityAwareStrategy`): victims sharing the
//     thief's last-level cache first, then the rest of its NUMA node, then
//     remote nodes nearest first; random order within each tier. The places
//     come from `numa::Topology` (`WorkerPlacesFromTopology` /
//     `LocalityAwareOptions` in `moirai/sched/locality.h`) or from the
//     caller.
//
// Users can implement their own `StealStrategy` and pass it in
// `SchedulerOptions::steal_strategy`.
//
// Thread safety: a strategy object is shared by all workers of a scheduler;
// `Victims()` and `steal_half()` are called concurrently from every worker
// thread and must not mutate shared state (they are `const`).

#ifndef MOIRAI_SCHED_STEAL_STRATEGY_H_
#define MOIRAI_SCHED_STEAL_STRATEGY_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace moirai::sched {

class StealStrategy {
 public:
  virtual ~StealStrategy() = default;

  // StealStrategy::name()
  //
  // A short name for statistics and logs ("random", "half", "locality", ...).
  virtual absl::string_view name() const = 0;

  // StealStrategy::Victims()
  //
  // Fills `out` (cleared by the caller) with the workers `thief` should try,
  // most preferred first; worker indices are in [0, num_workers). Entries
  // equal to `thief` or out of range are ignored by the scheduler, and a
  // worker may be listed more than once. Called once per search round by the
  // thief's own thread; `random` is a fresh 64-bit random number from that
  // thread's generator, so a strategy needs no state of its own for
  // randomisation.
  virtual void Victims(int thief, int num_workers, std::uint64_t random,
                       std::vector<int>* out) const = 0;

  // StealStrategy::steal_half()
  //
  // True to take half of a victim's lane (up to 32 tasks) per steal instead
  // of one task.
  virtual bool steal_half() const { return false; }
};

// MakeRandomVictimStrategy()
//
// Every other worker once, starting at a uniformly random one.
std::unique_ptr<StealStrategy> MakeRandomVictimStrategy();

// MakeStealHalfStrategy()
//
// The random-victim order with steal-half.
std::unique_ptr<StealStrategy> MakeStealHalfStrategy();

// WorkerPlace
//
// Where a worker runs: its last-level-cache domain and its NUMA node (ids as
// in `numa::CpuInfo`). `node_distance[a][b]` (SLIT units, 10 = local) orders
// remote nodes; leave it empty to order remote nodes by id distance.
struct WorkerPlace {
  int llc = 0;
  int node = 0;
};

// MakeLocalityAwareStrategy()
//
// Same LLC first, then same node, then other nodes nearest first (ties and
// each tier in random order). `places[i]` describes worker i; the scheduler
// requires `places.size() == num_workers`. Returns InvalidArgument for an
// empty `places`, negative ids, or a `node_distance` matrix that is not
// square or does not cover every node id used.
absl::StatusOr<std::unique_ptr<StealStrategy>> MakeLocalityAwareStrategy(
    std::vector<WorkerPlace> places,
    std::vector<std::vector<int>> node_distance = {});

}  // namespace moirai::sched

#endif  // MOIRAI_SCHED_STEAL_STRATEGY_H_
