// Copyright 2026 The Moirai Authors.
//
// core/core_benchmark.cc
// -----------------------------------------------------------------------------
//
// Benchmarks for moirai::core against the standard library, named
// `<case>/<impl>` (PERFORMANCE.md):
//
//   task_construct_invoke/{moirai,std,floor}      3-pointer capture (24 B)
//   task_construct_invoke_48b/{moirai,std,floor}  6-pointer capture (48 B)
//     Build a type-erased callable from a lambda, invoke it once, destroy it.
//     `floor` calls the lambda directly (no erasure). `moirai` also draws a
//     TaskId, which std::function has no equivalent of.
//   future_set_get/{moirai,std}
//     Make a promise/future pair, set an int, get it (one thread).
//   task_id_next/{moirai,floor}
//     TaskId::Next() versus a relaxed fetch_add on a local atomic counter.
//
// Every implementation runs the same lambda body on the same data.

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>

#include "benchmark/benchmark.h"
#include "moirai/core/future.h"
#include "moirai/core/task.h"
#include "moirai/core/task_id.h"

namespace moirai::core {
namespace {

// --- task_construct_invoke (24-byte capture) --------------------------------

struct Counters {
  std::int64_t a = 0, b = 0, c = 0, d = 0, e = 0, f = 0;
};

#define MOIRAI_SMALL_LAMBDA \
  [pa = &k.a, pb = &k.b, pc = &k.c] { ++*pa, ++*pb, ++*pc; }

#define MOIRAI_48B_LAMBDA                                              \
  [pa = &k.a, pb = &k.b, pc = &k.c, pd = &k.d, pe = &k.e, pf = &k.f] { \
    ++*pa, ++*pb, ++*pc, ++*pd, ++*pe, ++*pf;                          \
  }

void BM_TaskConstructInvokeMoirai(benchmark::State& state) {
  Counters storage;
  Counters* kp = &storage;
  benchmark::DoNotOptimize(kp);
  for (auto _ : state) {
    Counters& k = *kp;
    Task t(MOIRAI_SMALL_LAMBDA);
    t();
    benchmark::DoNotOptimize(t);
  }
  benchmark::DoNotOptimize(storage);
}
BENCHMARK(BM_TaskConstructInvokeMoirai)->Name("task_construct_invoke/moirai");

void BM_TaskConstructInvokeStd(benchmark::State& state) {
  Counters storage;
  Counters* kp = &storage;
  benchmark::DoNotOptimize(kp);
  for (auto _ : state) {
    Counters& k = *kp;
    std::function<void()> t(MOIRAI_SMALL_LAMBDA);
    t();
    benchmark::DoNotOptimize(t);
  }
  benchmark::DoNotOptimize(storage);
}
BENCHMARK(BM_TaskConstructInvokeStd)->Name("task_construct_invoke/std");

void BM_TaskConstructInvokeFloor(benchmark::State& state) {
  Counters storage;
  Counters* kp = &storage;
  benchmark::DoNotOptimize(kp);
  for (auto _ : state) {
    Counters& k = *kp;
    auto t = MOIRAI_SMALL_LAMBDA;
    benchmark::DoNotOptimize(t);
    t();
  }
  benchmark::DoNotOptimize(storage);
}
BENCHMARK(BM_TaskConstructInvokeFloor)->Name("task_construct_invoke/floor");

// --- task_construct_invoke_48b (48-byte capture) ----------------------------

void BM_TaskConstructInvoke48Moirai(benchmark::State& state) {
  Counters storage;
  Counters* kp = &storage;
  benchmark::DoNotOptimize(kp);
  for (auto _ : state) {
    Counters& k = *kp;
    Task t(MOIRAI_48B_LAMBDA);
    t();
    benchmark::DoNotOptimize(t);
  }
  benchmark::DoNotOptimize(storage);
}
BENCHMARK(BM_TaskConstructInvoke48Moirai)
    ->Name("task_construct_invoke_48b/moirai");

void BM_TaskConstructInvoke48Std(benchmark::State& state) {
  Counters storage;
  Counters* kp = &storage;
  benchmark::DoNotOptimize(kp);
  for (auto _ : state) {
    Counters& k = *kp;
    std::function<void()> t(MOIRAI_48B_LAMBDA);
    t();
    benchmark::DoNotOptimize(t);
  }
  benchmark::DoNotOptimize(storage);
}
BENCHMARK(BM_TaskConstructInvoke48Std)->Name("task_construct_invoke_48b/std");

void BM_TaskConstructInvoke48Floor(benchmark::State& state) {
  Counters storage;
  Counters* kp = &storage;
  benchmark::DoNotOptimize(kp);
  for (auto _ : state) {
    Counters& k = *kp;
    auto t = MOIRAI_48B_LAMBDA;
    benchmark::DoNotOptimize(t);
    t();
  }
  benchmark::DoNotOptimize(storage);
}
BENCHMARK(BM_TaskConstructInvoke48Floor)
    ->Name("task_construct_invoke_48b/floor");

// --- future_set_get ----------------------------------------------------------

void BM_FutureSetGetMoirai(benchmark::State& state) {
  int v = 0;
  for (auto _ : state) {
    auto [p, f] = MakePromiseFuture<int>();
    (void)p.SetValue(++v);
    absl::StatusOr<int> r = std::move(f).Get();
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_FutureSetGetMoirai)->Name("future_set_get/moirai");

void BM_FutureSetGetStd(benchmark::State& state) {
  int v = 0;
  for (auto _ : state) {
    std::promise<int> p;
    std::future<int> f = p.get_future();
    p.set_value(++v);
    int r = f.get();
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_FutureSetGetStd)->Name("future_set_get/std");

// --- task_id_next ------------------------------------------------------------

void BM_TaskIdNextMoirai(benchmark::State& state) {
  for (auto _ : state) {
    TaskId id = TaskId::Next();
    benchmark::DoNotOptimize(id);
  }
}
BENCHMARK(BM_TaskIdNextMoirai)->Name("task_id_next/moirai");

void BM_TaskIdNextFloor(benchmark::State& state) {
  std::atomic<std::uint64_t> counter{1};
  for (auto _ : state) {
    std::uint64_t id = counter.fetch_add(1, std::memory_order_relaxed);
    benchmark::DoNotOptimize(id);
  }
}
BENCHMARK(BM_TaskIdNextFloor)->Name("task_id_next/floor");

}  // namespace
}  // namespace moirai::core
