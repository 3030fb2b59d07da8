// Copyright 2026 The Moirai Authors.
//
// lockfree/hash_map_deterministic_test.cc
// -----------------------------------------------------------------------------
//
// HashMap under the deterministic schedule (//tools/testing). Every key hashes
// to the same value, so all keys share one chain of a one-segment map, and 8
// entries are inserted before the threads start, so the first insert of a
// run grows the table while the other threads read and write: chain
// surgery, copy-on-write updates and the table swap all interleave. Each
// history of 3 threads x 4 random operations on 3 keys is checked for
// linearizability per key. The same trial with `BrokenRmwAtomic` (the segment
// lock's exchange split into a load and a store, so two writers can hold it)
// must fail.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "moirai/core/arch.h"
#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/hash_map.h"
#include "moirai/tools/testing/container_histories.h"
#include "moirai/tools/testing/deterministic_schedule.h"
#include "moirai/tools/testing/linearizability.h"
#include "moirai/tools/testing/sequential_specs.h"

namespace moirai::lockfree {
namespace {

using ::moirai::testing::BrokenRmwAtomic;
using ::moirai::testing::DeterministicAtomic;
using ::moirai::testing::DeterministicSchedule;
using ::moirai::testing::ExploreResult;
using ::moirai::testing::ExploreSchedules;
using ::moirai::testing::HistoryRecorder;
using Spec = ::moirai::testing::MapKeySpec<int, int64_t>;
using Op = ::moirai::testing::MapOp<int, int64_t>;
using Ret = ::moirai::testing::MapRet<int, int64_t>;
using Kind = Op::Kind;

#if defined(MOIRAI_TSAN)
constexpr int kSeeds = 100;
#else
constexpr int kSeeds = 200;
#endif

// Prefilled keys (never touched by the threads) and the hot keys.
constexpr int kPrefill = 8;
constexpr int kHotKeys = 3;

struct CollidingHash {
  std::size_t operator()(int) const { return 0x5bd1e995; }
};

template <template <typename> class Atom>
absl::Status MapTrial(DeterministicSchedule& sched) {
  EpochDomain domain;
  HashMap<int, int64_t, CollidingHash, std::equal_to<int>, Atom> map(
      HashMapOptions{.segments = 1, .domain = &domain});
  for (int k = 0; k < kPrefill; ++k) map.Insert(100 + k, k);

  uint64_t rng = sched.options().seed * 0x9e3779b97f4a7c15ULL + 1;
  auto next = [&rng] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  constexpr int kThreads = 3;
  constexpr int kOps = 4;
  std::vector<std::vector<Op>> plan(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kOps; ++i) {
      const Kind kind = static_cast<Kind>(next() % 6);
      plan[t].push_back(Op{kind, static_cast<int>(next() % kHotKeys),
                           static_cast<int64_t>((t + 1) * 100 + i)});
    }
  }
  HistoryRecorder<Spec> recorder(kThreads);
  auto exec = [&](const Op& op) -> Ret {
    switch (op.kind) {
      case Kind::kFind: {
        std::optional<int64_t> v = map.Find(op.key);
        return {v.has_value(), v.value_or(0)};
      }
      case Kind::kInsert:
        return {map.Insert(op.key, op.value), 0};
      case Kind::kInsertOrAssign:
        return {map.InsertOrAssign(op.key, op.value), 0};
      case Kind::kErase:
        return {map.Erase(op.key), 0};
      case Kind::kComputeIfAbsent: {
        bool computed = false;
        const int64_t v = map.ComputeIfAbsent(op.key, [&] {
          computed = true;
          return op.value;
        });
        return {computed, v};
      }
      case Kind::kUpdateAdd:
        return {map.Update(op.key, [&](int64_t& v) { v += op.value; }), 0};
    }
    return {};
  };
  std::vector<std::function<void()>> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.push_back([&, t] {
      for (const Op& op : plan[t]) {
        recorder.Call(t, op, [&] { return exec(op); });
      }
    });
  }
  sched.Run(std::move(threads));
  // Quiescent read-back of every hot key, recorded as thread 0.
  for (int k = 0; k < kHotKeys; ++k) {
    const Op find{Kind::kFind, k, 0};
    recorder.Call(0, find, [&] { return exec(find); });
  }
  // The prefilled keys survived every resize and chain edit.
  for (int k = 0; k < kPrefill; ++k) {
    if (map.Find(100 + k) != std::optional<int64_t>(k)) {
      return absl::DataLossError("a prefilled key was lost");
    }
  }
  return ::moirai::testing::LinearizableOrError(
      ::moirai::testing::CheckLinearizablePartitioned(
          Spec{}, recorder.TakeHistory(),
          ::moirai::testing::MapKeyOf<int, int64_t>));
}

TEST(HashMapDeterministicTest, LinearizableOnManySeeds) {
  ExploreResult r =
      ExploreSchedules({.num_seeds = kSeeds}, MapTrial<DeterministicAtomic>);
  EXPECT_FALSE(r.failed) << r.message;
}

// Two writers inside one segment can corrupt a chain into a cycle, and a
// reader then walks it forever: the schedule reports that as a livelock and
// aborts. So the broken trial runs in a death test, and either outcome (a
// failed check, or the livelock abort) counts as caught.
TEST(HashMapDeterministicDeathTest, BrokenSegmentLockIsCaught) {
  EXPECT_DEATH(
      ::moirai::testing::AbortIfCaught({.num_seeds = 100,
                                        .schedule = {.max_steps = 200000},
                                        .print_failure = false},
                                       MapTrial<BrokenRmwAtomic>),
      "caught:|livelock|free|AddressSanitizer|ThreadSanitizer");
}

}  // namespace
}  // namespace moirai::lockfree
