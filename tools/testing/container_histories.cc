// Copyright 2026 The Moirai Authors.
//
// tools/testing/container_histories.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/testing/container_histories.h"

#include <thread>

#include "moirai/core/arch.h"

namespace moirai::testing {

std::vector<std::vector<IntContainerOp>> MakeContainerPlan(
    uint64_t seed, const std::vector<ThreadRole>& roles, int ops_per_thread) {
  uint64_t state = seed * 0x9e3779b97f4a7c15ULL + 0x2545F4914F6CDD1DULL;
  auto next = [&state] {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  std::vector<std::vector<IntContainerOp>> plan(roles.size());
  for (std::size_t t = 0; t < roles.size(); ++t) {
    for (int i = 0; i < ops_per_thread; ++i) {
      const uint64_t value = (t + 1) * 1000 + static_cast<uint64_t>(i);
      switch (roles[t]) {
        case ThreadRole::kPushPop:
          plan[t].push_back(next() % 2 == 0 ? IntContainerOp::Push(value)
                                            : IntContainerOp::Pop());
          break;
        case ThreadRole::kPush:
          plan[t].push_back(IntContainerOp::Push(value));
          break;
        case ThreadRole::kPop:
          plan[t].push_back(IntContainerOp::Pop());
          break;
        case ThreadRole::kSteal:
          plan[t].push_back(IntContainerOp::Steal());
          break;
      }
    }
  }
  return plan;
}

void RunThreadsTogether(std::vector<std::function<void()>> threads) {
  const int n = static_cast<int>(threads.size());
  std::atomic<int> ready{0};
  std::vector<std::thread> os_threads;
  os_threads.reserve(n);
  for (int i = 0; i < n; ++i) {
    os_threads.emplace_back([&, i] {
      ready.fetch_add(1, std::memory_order_acq_rel);
      while (ready.load(std::memory_order_acquire) < n) core::CpuRelax();
      threads[i]();
    });
  }
  for (std::thread& t : os_threads) t.join();
}

}  // namespace moirai::testing
