// Copyright 2026 The Moirai Authors.
//
// rt/ready_queue_benchmark.cc
// -----------------------------------------------------------------------------
//
// Part of //rt:rt_benchmark. The ready queues' cost (RT.md, goal G4: EDF
// push+pop with 64 ready jobs <= 100 ns; a priority or deadline change of
// a queued job <= 50 ns):
//
//   edf_push_pop_64        one Push and one Pop on a heap holding 64 jobs
//                          (the popped id is pushed back with a later
//                          deadline, as a periodic job's next release).
//                          Peer: std::priority_queue of the same triples.
//   fp_push_pop_64         the same on the bitmap queue, 64 jobs over 64
//                          levels spread across the 4096.
//   edf_deadline_change_64 IndexedHeap::Update of a random queued job to a
//                          random deadline (decrease- or increase-key).
//   fp_priority_change_64  FixedPriorityReadyQueue::SetLevel of a random
//                          queued job to a random level.
//
// Build with --config=opt. The random draws come from a table filled
// before timing, so the loop times the queue only.

#include <cstdint>
#include <queue>
#include <tuple>
#include <vector>

#include "benchmark/benchmark.h"
#include "moirai/rt/ready_queue.h"
#include "moirai/rt/taskset_gen.h"

namespace moirai::rt {
namespace {

constexpr std::uint32_t kJobs = 64;
constexpr std::size_t kTable = 4096;  // power of two

std::vector<std::int64_t> Draws(std::uint64_t seed, std::int64_t lo,
                                std::int64_t hi) {
  Prng rng(seed);
  std::vector<std::int64_t> v(kTable);
  for (auto& x : v) x = rng.NextInRange(lo, hi);
  return v;
}

void BM_EdfPushPop(benchmark::State& state) {
  IndexedHeap h;
  (void)h.Reserve(kJobs);
  const std::vector<std::int64_t> d = Draws(1, 0, 1000000);
  std::uint64_t seq = 0;
  for (std::uint32_t i = 0; i < kJobs; ++i) (void)h.Push(i, d[i], ++seq);
  std::size_t k = 0;
  std::int64_t now = 0;
  for (auto _ : state) {
    const std::int64_t key = h.TopKey();
    const std::uint32_t id = h.Pop();
    now = key;
    (void)h.Push(id, now + d[k++ & (kTable - 1)], ++seq);
  }
  benchmark::DoNotOptimize(now);
}
BENCHMARK(BM_EdfPushPop)->Name("edf_push_pop_64/moirai");

void BM_EdfPushPopStd(benchmark::State& state) {
  using Item = std::tuple<std::int64_t, std::uint64_t, std::uint32_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> q;
  const std::vector<std::int64_t> d = Draws(1, 0, 1000000);
  std::uint64_t seq = 0;
  for (std::uint32_t i = 0; i < kJobs; ++i) q.emplace(d[i], ++seq, i);
  std::size_t k = 0;
  std::int64_t now = 0;
  for (auto _ : state) {
    const auto [key, s, id] = q.top();
    q.pop();
    now = key;
    q.emplace(now + d[k++ & (kTable - 1)], ++seq, id);
  }
  benchmark::DoNotOptimize(now);
}
BENCHMARK(BM_EdfPushPopStd)->Name("edf_push_pop_64/std");

void BM_FpPushPop(benchmark::State& state) {
  FixedPriorityReadyQueue q;
  (void)q.Reserve(kJobs, FixedPriorityReadyQueue::kMaxLevels);
  const std::vector<std::int64_t> lv =
      Draws(2, 0, FixedPriorityReadyQueue::kMaxLevels - 1);
  for (std::uint32_t i = 0; i < kJobs; ++i) {
    (void)q.PushBack(i, static_cast<int>(lv[i]));
  }
  std::size_t k = 0;
  for (auto _ : state) {
    const std::uint32_t id = q.Pop();
    (void)q.PushBack(id, static_cast<int>(lv[k++ & (kTable - 1)]));
  }
  benchmark::DoNotOptimize(q);
}
BENCHMARK(BM_FpPushPop)->Name("fp_push_pop_64/moirai");

void BM_EdfDeadlineChange(benchmark::State& state) {
  IndexedHeap h;
  (void)h.Reserve(kJobs);
  const std::vector<std::int64_t> d = Draws(3, 0, 1000000);
  const std::vector<std::int64_t> ids = Draws(4, 0, kJobs - 1);
  for (std::uint32_t i = 0; i < kJobs; ++i) (void)h.Push(i, d[i], i);
  std::size_t k = 0;
  for (auto _ : state) {
    const std::size_t j = k++ & (kTable - 1);
    (void)h.Update(static_cast<std::uint32_t>(ids[j]), d[j], j);
  }
  benchmark::DoNotOptimize(h);
}
BENCHMARK(BM_EdfDeadlineChange)->Name("edf_deadline_change_64/moirai");

void BM_FpPriorityChange(benchmark::State& state) {
  FixedPriorityReadyQueue q;
  (void)q.Reserve(kJobs, FixedPriorityReadyQueue::kMaxLevels);
  const std::vector<std::int64_t> lv =
      Draws(5, 0, FixedPriorityReadyQueue::kMaxLevels - 1);
  const std::vector<std::int64_t> ids = Draws(6, 0, kJobs - 1);
  for (std::uint32_t i = 0; i < kJobs; ++i) {
    (void)q.PushBack(i, static_cast<int>(lv[i]));
  }
  std::size_t k = 0;
  for (auto _ : state) {
    const std::size_t j = k++ & (kTable - 1);
    (void)q.SetLevel(static_cast<std::uint32_t>(ids[j]),
                     static_cast<int>(lv[j]));
  }
  benchmark::DoNotOptimize(q);
}
BENCHMARK(BM_FpPriorityChange)->Name("fp_priority_change_64/moirai");

}  // namespace
}  // namespace moirai::rt
