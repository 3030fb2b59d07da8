// Copyright 2026 The Moirai Authors.
//
// async benchmarks: Moirai fibers against Boost.Fiber (same workload, one
// thread each: Moirai's runtime with one worker, Boost.Fiber's default
// round-robin scheduler on the benchmark thread) and raw Boost.Context.
// Each benchmark iteration does kBatch operations inside one driver fiber,
// so the per-iteration cost of starting and joining the driver is amortised
// identically for both implementations.

#include <boost/context/detail/fcontext.hpp>
#include <boost/fiber/all.hpp>
#include <memory>

#include "benchmark/benchmark.h"
#include "moirai/async/channel.h"
#include "moirai/async/runtime.h"

namespace moirai::async {
namespace {

constexpr int kBatch = 1000;

Runtime* OneWorkerRuntime() {
  static Runtime* rt = [] {
    RuntimeOptions o;
    o.num_workers = 1;
    o.stack_size = 64 * 1024;
    return Runtime::Create(o).value().release();
  }();
  return rt;
}

// fiber_spawn_join: spawn a fiber that does nothing and join it.
void BM_SpawnJoinMoirai(benchmark::State& state) {
  Runtime* rt = OneWorkerRuntime();
  for (auto _ : state) {
    rt->Spawn([rt] {
        for (int i = 0; i < kBatch; ++i) {
          auto h = rt->Spawn([] {});
          benchmark::DoNotOptimize(h.Join());
        }
      })
        .Join()
        .IgnoreError();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_SpawnJoinMoirai)->Name("fiber_spawn_join/moirai")->UseRealTime();

void BM_SpawnJoinBoost(benchmark::State& state) {
  for (auto _ : state) {
    boost::fibers::fiber([] {
      for (int i = 0; i < kBatch; ++i) {
        boost::fibers::fiber f([] {});
        f.join();
      }
    }).join();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_SpawnJoinBoost)->Name("fiber_spawn_join/boost")->UseRealTime();

// fiber_yield: one fiber yields kBatch times (a switch out to the
// scheduler and back in per yield).
void BM_YieldMoirai(benchmark::State& state) {
  Runtime* rt = OneWorkerRuntime();
  for (auto _ : state) {
    rt->Spawn([] {
        for (int i = 0; i < kBatch; ++i) Yield();
      })
        .Join()
        .IgnoreError();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_YieldMoirai)->Name("fiber_yield/moirai")->UseRealTime();

void BM_YieldBoost(benchmark::State& state) {
  for (auto _ : state) {
    boost::fibers::fiber([] {
      for (int i = 0; i < kBatch; ++i) boost::this_fiber::yield();
    }).join();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_YieldBoost)->Name("fiber_yield/boost")->UseRealTime();

// The floor: a raw jump_fcontext round trip (into a context and back).
namespace ctx = boost::context::detail;
void PingPongEntry(ctx::transfer_t t) {
  for (;;) t = ctx::jump_fcontext(t.fctx, nullptr);
}

void BM_YieldFloor(benchmark::State& state) {
  constexpr std::size_t kSize = 64 * 1024;
  auto stack = std::make_unique<char[]>(kSize);
  ctx::fcontext_t c =
      ctx::make_fcontext(stack.get() + kSize, kSize, &PingPongEntry);
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) c = ctx::jump_fcontext(c, nullptr).fctx;
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_YieldFloor)->Name("fiber_yield/floor")->UseRealTime();

// channel_pingpong: two fibers bounce one int through two channels kBatch
// times (one round trip = two sends and two receives).
void BM_PingPongMoirai(benchmark::State& state) {
  Runtime* rt = OneWorkerRuntime();
  for (auto _ : state) {
    Channel<int> ping(1), pong(1);
    auto a = rt->Spawn([&] {
      for (int i = 0; i < kBatch; ++i) {
        ping.Send(i).IgnoreError();
        benchmark::DoNotOptimize(pong.Recv());
      }
    });
    auto b = rt->Spawn([&] {
      for (int i = 0; i < kBatch; ++i) {
        absl::StatusOr<int> v = ping.Recv();
        pong.Send(*v).IgnoreError();
      }
    });
    a.Join().IgnoreError();
    b.Join().IgnoreError();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_PingPongMoirai)->Name("channel_pingpong/moirai")->UseRealTime();

void BM_PingPongBoost(benchmark::State& state) {
  for (auto _ : state) {
    // buffered_channel capacity must be a power of two >= 2.
    boost::fibers::buffered_channel<int> ping(2), pong(2);
    boost::fibers::fiber a([&] {
      for (int i = 0; i < kBatch; ++i) {
        ping.push(i);
        int v;
        pong.pop(v);
        benchmark::DoNotOptimize(v);
      }
    });
    boost::fibers::fiber b([&] {
      for (int i = 0; i < kBatch; ++i) {
        int v;
        ping.pop(v);
        pong.push(v);
      }
    });
    a.join();
    b.join();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_PingPongBoost)->Name("channel_pingpong/boost")->UseRealTime();

}  // namespace
}  // namespace moirai::async
