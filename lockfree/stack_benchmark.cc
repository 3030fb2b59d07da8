// Copyright 2026 The Moirai Authors.
//
// lockfree/stack_benchmark.cc
// -----------------------------------------------------------------------------
//
// Stack throughput against boost::lockfree::stack and std::mutex+std::vector.
//
//   stack_push_pop/{moirai,boost,std}      one thread, one push + one pop per
//                                          iteration (the uncontended cost)
//   stack_push_pop_2t/{moirai,boost,std}   two threads, each does kPairs
//                                          push+pop pairs per iteration
//   stack_push_pop_4t/{...}                four threads (more than CI cores)
//
// Items are 64-bit integers; the boost stack is given the same initial node
// reserve in every case.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "boost/lockfree/stack.hpp"
#include "moirai/lockfree/stack.h"

namespace moirai::lockfree {
namespace {

constexpr int kPairs = 1 << 15;

struct MoiraiStack {
  Stack<std::uint64_t> s;
  void Push(std::uint64_t v) { s.Push(v); }
  bool TryPop(std::uint64_t* v) {
    std::optional<std::uint64_t> r = s.TryPop();
    if (!r) return false;
    *v = *r;
    return true;
  }
};

struct BoostStack {
  boost::lockfree::stack<std::uint64_t> s{1024};
  void Push(std::uint64_t v) { s.push(v); }
  bool TryPop(std::uint64_t* v) { return s.pop(*v); }
};

struct StdStack {
  std::mutex mu;
  std::vector<std::uint64_t> s;
  void Push(std::uint64_t v) {
    std::lock_guard<std::mutex> lock(mu);
    s.push_back(v);
  }
  bool TryPop(std::uint64_t* v) {
    std::lock_guard<std::mutex> lock(mu);
    if (s.empty()) return false;
    *v = s.back();
    s.pop_back();
    return true;
  }
};

template <typename S>
void BM_PushPop1(benchmark::State& state) {
  auto s = std::make_unique<S>();
  std::uint64_t sum = 0, v = 0, i = 0;
  for (auto _ : state) {
    s->Push(++i);
    if (s->TryPop(&v)) sum += v;
  }
  benchmark::DoNotOptimize(sum);
  if (sum != i * (i + 1) / 2) state.SkipWithError("items lost");
  state.SetItemsProcessed(state.iterations() * 2);
}

template <typename S, int kThreads>
void BM_PushPopN(benchmark::State& state) {
  auto s = std::make_unique<S>();
  for (auto _ : state) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&s] {
        std::uint64_t v, sum = 0;
        for (int i = 0; i < kPairs; ++i) {
          s->Push(static_cast<std::uint64_t>(i));
          if (s->TryPop(&v)) sum += v;
        }
        benchmark::DoNotOptimize(sum);
      });
    }
    for (auto& t : threads) t.join();
  }
  state.SetItemsProcessed(state.iterations() * kThreads * kPairs * 2);
}

BENCHMARK_TEMPLATE(BM_PushPop1, MoiraiStack)->Name("stack_push_pop/moirai");
BENCHMARK_TEMPLATE(BM_PushPop1, BoostStack)->Name("stack_push_pop/boost");
BENCHMARK_TEMPLATE(BM_PushPop1, StdStack)->Name("stack_push_pop/std");

#define MOIRAI_STACK_BENCH(S, T, name)  \
  BENCHMARK_TEMPLATE(BM_PushPopN, S, T) \
      ->Name(name)                      \
      ->UseRealTime()                   \
      ->Unit(benchmark::kMillisecond)

MOIRAI_STACK_BENCH(MoiraiStack, 2, "stack_push_pop_2t/moirai");
MOIRAI_STACK_BENCH(BoostStack, 2, "stack_push_pop_2t/boost");
MOIRAI_STACK_BENCH(StdStack, 2, "stack_push_pop_2t/std");
MOIRAI_STACK_BENCH(MoiraiStack, 4, "stack_push_pop_4t/moirai");
MOIRAI_STACK_BENCH(BoostStack, 4, "stack_push_pop_4t/boost");
MOIRAI_STACK_BENCH(StdStack, 4, "stack_push_pop_4t/std");

}  // namespace
}  // namespace moirai::lockfree
