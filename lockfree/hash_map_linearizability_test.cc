// Copyright 2026 The Moirai Authors.
//
// lockfree/hash_map_linearizability_test.cc
// -----------------------------------------------------------------------------
//
// HashMap on real threads: many short histories (3 threads x 5 random
// operations of every kind on 2 keys, released together so they overlap),
// recorded with a shared logical clock and checked per key. A one-segment
// map with a colliding hash and 8 prefilled entries makes the first insert
// of a run grow the table while the others operate.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/core/arch.h"
#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/hash_map.h"
#include "moirai/tools/testing/container_histories.h"
#include "moirai/tools/testing/linearizability.h"
#include "moirai/tools/testing/sequential_specs.h"

namespace moirai::lockfree {
namespace {

using Spec = ::moirai::testing::MapKeySpec<int, int64_t>;
using Op = ::moirai::testing::MapOp<int, int64_t>;
using Ret = ::moirai::testing::MapRet<int, int64_t>;
using Kind = Op::Kind;

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kRuns = 40;
#else
constexpr int kRuns = 200;
#endif

struct CollidingHash {
  std::size_t operator()(int) const { return 42; }
};

template <typename Map>
void CheckRuns(std::function<std::unique_ptr<Map>()> make) {
  for (int run = 0; run < kRuns; ++run) {
    std::unique_ptr<Map> map = make();
    for (int k = 0; k < 8; ++k) map->Insert(100 + k, k);
    constexpr int kThreads = 3;
    uint64_t rng = 0x9e3779b97f4a7c15ULL * (run + 1);
    auto next = [&rng] {
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      return rng;
    };
    std::vector<std::vector<Op>> plan(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      for (int i = 0; i < 5; ++i) {
        plan[t].push_back(Op{static_cast<Kind>(next() % 6),
                             static_cast<int>(next() % 2),
                             static_cast<int64_t>((t + 1) * 100 + i)});
      }
    }
    ::moirai::testing::HistoryRecorder<Spec> recorder(kThreads);
    auto exec = [&](const Op& op) -> Ret {
      switch (op.kind) {
        case Kind::kFind: {
          std::optional<int64_t> v = map->Find(op.key);
          return {v.has_value(), v.value_or(0)};
        }
        case Kind::kInsert:
          return {map->Insert(op.key, op.value), 0};
        case Kind::kInsertOrAssign:
          return {map->InsertOrAssign(op.key, op.value), 0};
        case Kind::kErase:
          return {map->Erase(op.key), 0};
        case Kind::kComputeIfAbsent: {
          bool computed = false;
          const int64_t v = map->ComputeIfAbsent(op.key, [&] {
            computed = true;
            return op.value;
          });
          return {computed, v};
        }
        case Kind::kUpdateAdd:
          return {map->Update(op.key, [&](int64_t& v) { v += op.value; }), 0};
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
    ::moirai::testing::RunThreadsTogether(std::move(threads));
    for (int k = 0; k < 2; ++k) {
      const Op find{Kind::kFind, k, 0};
      recorder.Call(0, find, [&] { return exec(find); });
    }
    for (int k = 0; k < 8; ++k) ASSERT_EQ(map->Find(100 + k), k);
    auto r = ::moirai::testing::CheckLinearizablePartitioned(
        Spec{}, recorder.TakeHistory(),
        ::moirai::testing::MapKeyOf<int, int64_t>);
    ASSERT_TRUE(r.linearizable()) << "run " << run << ": " << r.explanation;
  }
}

TEST(HashMapLinearizabilityTest, CollidingKeysOneSegment) {
  EpochDomain domain;
  CheckRuns<HashMap<int, int64_t, CollidingHash>>([&] {
    return std::make_unique<HashMap<int, int64_t, CollidingHash>>(
        HashMapOptions{.segments = 1, .domain = &domain});
  });
}

TEST(HashMapLinearizabilityTest, DefaultHashManySegments) {
  CheckRuns<HashMap<int, int64_t>>(
      [] { return std::make_unique<HashMap<int, int64_t>>(); });
}

}  // namespace
}  // namespace moirai::lockfree
