// Copyright 2026 The Moirai Authors.
//
// lockfree/deque_benchmark.cc
// -----------------------------------------------------------------------------
//
// deque_owner_push_pop/{moirai,floor}: the owner pushes a batch of 64 items
// and pops them all back (no thieves), the pattern of a fork-join worker.
// Time is reported per operation (one push or one pop). The floor is the same
// pattern on a plain std::vector used as a stack: what the owner path would
// cost without any thief-safety (no fence in pop).

#include <cstdint>
#include <vector>

#include "benchmark/benchmark.h"
#include "moirai/lockfree/work_stealing_deque.h"

namespace moirai::lockfree {
namespace {

constexpr int kBatch = 64;

void BM_DequeOwnerPushPop_Moirai(benchmark::State& state) {
  WorkStealingDeque<std::uintptr_t> d;
  std::uintptr_t sum = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) d.Push(static_cast<std::uintptr_t>(i));
    std::uintptr_t v;
    while (d.Pop(&v)) sum += v;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * kBatch * 2);
  state.counters["ns_per_op"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kBatch * 2),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_DequeOwnerPushPop_Moirai)->Name("deque_owner_push_pop/moirai");

void BM_DequeOwnerPushPop_Floor(benchmark::State& state) {
  std::vector<std::uintptr_t> d;
  d.reserve(256);
  std::uintptr_t sum = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      d.push_back(static_cast<std::uintptr_t>(i));
      benchmark::ClobberMemory();
    }
    while (!d.empty()) {
      sum += d.back();
      d.pop_back();
      benchmark::ClobberMemory();
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * kBatch * 2);
  state.counters["ns_per_op"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kBatch * 2),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_DequeOwnerPushPop_Floor)->Name("deque_owner_push_pop/floor");

}  // namespace
}  // namespace moirai::lockfree
