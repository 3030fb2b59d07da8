// Copyright 2026 The Moirai Authors.
//
// distributed benchmarks. Case names follow PERFORMANCE.md (<case>/<impl>).
//
//   embedded_spawn_get/moirai      Cluster::Embedded(1) with one worker:
//                                  Spawn<&Add>(i, 1) then Get(), one at a
//                                  time, from the benchmark thread.
//   embedded_spawn_get/local       the same through a one-worker
//                                  sched::Scheduler::Spawn([i] { Add(i, 1) }).
//   embedded_spawn_batch_1k/...    1000 spawns in flight, then 1000 Gets.
//   embedded_spawn_get_wire/moirai the first case with the forced codec
//                                  round trip (protobuf envelope + result).
//
// The goal (issue 14): embedded spawn within 3x a local Scheduler::Spawn.

#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "moirai/distributed/cluster.h"
#include "moirai/sched/scheduler.h"

namespace moirai::distributed {
namespace {

int Add(int a, int b) { return a + b; }

std::unique_ptr<Cluster> MakeCluster(bool wire) {
  ClusterOptions o;
  o.workers_per_node = 1;
  o.force_codec_round_trip = wire;
  auto c = Cluster::Embedded(1, o);
  if (!c.ok() || !(*c)->Register<&Add>("add").ok()) std::abort();
  return std::move(*c);
}

std::unique_ptr<sched::Scheduler> MakeScheduler() {
  auto s = sched::Scheduler::Create({.num_workers = 1});
  if (!s.ok()) std::abort();
  return std::move(*s);
}

void BM_EmbeddedSpawnGet(benchmark::State& state, bool wire) {
  std::unique_ptr<Cluster> c = MakeCluster(wire);
  int i = 0;
  for (auto _ : state) {
    absl::StatusOr<int> v = c->Spawn<&Add>(i, 1).Get();
    benchmark::DoNotOptimize(v);
    ++i;
  }
}

void BM_LocalSpawnGet(benchmark::State& state) {
  std::unique_ptr<sched::Scheduler> s = MakeScheduler();
  int i = 0;
  for (auto _ : state) {
    absl::StatusOr<int> v = s->Spawn([i] { return Add(i, 1); }).Get();
    benchmark::DoNotOptimize(v);
    ++i;
  }
}

constexpr int kBatch = 1000;

void BM_EmbeddedBatch(benchmark::State& state) {
  std::unique_ptr<Cluster> c = MakeCluster(false);
  std::vector<core::Future<int>> fs;
  fs.reserve(kBatch);
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) fs.push_back(c->Spawn<&Add>(i, 1));
    for (auto& f : fs) benchmark::DoNotOptimize(std::move(f).Get());
    fs.clear();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_LocalBatch(benchmark::State& state) {
  std::unique_ptr<sched::Scheduler> s = MakeScheduler();
  std::vector<core::Future<int>> fs;
  fs.reserve(kBatch);
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      fs.push_back(s->Spawn([i] { return Add(i, 1); }));
    }
    for (auto& f : fs) benchmark::DoNotOptimize(std::move(f).Get());
    fs.clear();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

BENCHMARK_CAPTURE(BM_EmbeddedSpawnGet, moirai, false)
    ->Name("embedded_spawn_get/moirai")
    ->UseRealTime();
BENCHMARK(BM_LocalSpawnGet)->Name("embedded_spawn_get/local")->UseRealTime();
BENCHMARK(BM_EmbeddedBatch)
    ->Name("embedded_spawn_batch_1k/moirai")
    ->UseRealTime();
BENCHMARK(BM_LocalBatch)->Name("embedded_spawn_batch_1k/local")->UseRealTime();
BENCHMARK_CAPTURE(BM_EmbeddedSpawnGet, wire, true)
    ->Name("embedded_spawn_get_wire/moirai")
    ->UseRealTime();

}  // namespace
}  // namespace moirai::distributed
