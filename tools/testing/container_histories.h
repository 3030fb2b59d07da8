// Copyright 2026 The Moirai Authors.
//
// tools/testing/container_histories.h
// -----------------------------------------------------------------------------
//
// Short concurrent histories of stacks, queues and deques, ready for
// `CheckLinearizable()`: a seeded plan says which operation each thread
// performs (pushes carry values unique to the history), the threads run
// either on real threads released together (`RunThreadsTogether`) or under
// a `DeterministicSchedule` (pass `sched.Run`), every call is recorded, and
// the container is then drained on the calling thread (also recorded), so
// the check covers "nothing lost, nothing duplicated, nothing invented" as
// well as ordering.

#ifndef MOIRAI_TOOLS_TESTING_CONTAINER_HISTORIES_H_
#define MOIRAI_TOOLS_TESTING_CONTAINER_HISTORIES_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "moirai/tools/testing/linearizability.h"
#include "moirai/tools/testing/sequential_specs.h"

namespace moirai::testing {

using IntContainerOp = ContainerOp<uint64_t>;
using IntContainerRet = ContainerRet<uint64_t>;

// ThreadRole
//
// Which operations a thread of the plan may perform.
enum class ThreadRole {
  kPushPop,  // any mix of push and pop
  kPush,     // producer only
  kPop,      // consumer only
  kSteal,    // thief only (deques)
};

// MakeContainerPlan()
//
// For thread t (roles[t]), `ops_per_thread` operations drawn from `seed`.
// Push values are unique: (t + 1) * 1000 + i.
std::vector<std::vector<IntContainerOp>> MakeContainerPlan(
    uint64_t seed, const std::vector<ThreadRole>& roles, int ops_per_thread);

// RunThreadsTogether()
//
// Runs each function on its own thread, released together (spin barrier) so
// that their operations overlap, and joins them.
void RunThreadsTogether(std::vector<std::function<void()>> threads);

// RecordContainerHistory()
//
// Runs `plan` with `exec(thread, op) -> IntContainerRet` through
// `run(threads)`, then pops with `exec(0, Pop)` (or `drain_op`) on the
// calling thread until the container reports empty (at most `drain_limit`
// times), and returns the whole history.
template <typename Spec, typename Exec, typename Run>
History<Spec> RecordContainerHistory(
    const std::vector<std::vector<IntContainerOp>>& plan, Exec exec, Run run,
    int drain_limit = 64, IntContainerOp drain_op = IntContainerOp::Pop()) {
  const int n = static_cast<int>(plan.size());
  HistoryRecorder<Spec> recorder(n);
  std::vector<std::function<void()>> threads;
  for (int t = 0; t < n; ++t) {
    threads.push_back([&, t] {
      for (const IntContainerOp& op : plan[t]) {
        recorder.Call(t, op, [&] { return exec(t, op); });
      }
    });
  }
  run(std::move(threads));
  for (int i = 0; i < drain_limit; ++i) {
    const IntContainerRet r =
        recorder.Call(0, drain_op, [&] { return exec(0, drain_op); });
    if (!r.ok && !r.retry) break;
  }
  return recorder.TakeHistory();
}

// LinearizableOrError()
//
// OK, or an Internal error carrying the checker's explanation.
inline absl::Status LinearizableOrError(const LinearizabilityResult& r) {
  if (r.linearizable()) return absl::OkStatus();
  return absl::InternalError(r.explanation);
}

}  // namespace moirai::testing

#endif  // MOIRAI_TOOLS_TESTING_CONTAINER_HISTORIES_H_
