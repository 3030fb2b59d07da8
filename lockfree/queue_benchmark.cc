// Copyright 2026 The Moirai Authors.
//
// lockfree/queue_benchmark.cc
// -----------------------------------------------------------------------------
//
// Queue throughput against the peers of PERFORMANCE.md. Every case moves the
// same fixed number of 64-bit items per iteration (kItems) for every
// implementation: P producer threads push kItems/P each, C consumer threads
// pop kItems/C each (spinning on an empty queue), threads are started and
// joined inside the iteration (the same cost for every implementation), and
// a thread that finds the queue full/empty yields (Backoff()).
//
//   queue_mpmc_1p1c/{moirai,moodycamel,boost,tbb,std}    (Queue)
//   queue_mpmc_2p2c/{...}
//   queue_ms_1p1c/{moirai_ms,boost}     (MsQueue, the reference design)
//   queue_ms_2p2c/{moirai_ms,boost}
//   queue_bounded_1p1c/{moirai,boost}   capacity 1024 (boost: fixed_sized)
//   queue_bounded_2p2c/{moirai,boost}
//   queue_spsc_1p1c/{moirai,boost}      capacity 1024
//
// The std peer is std::mutex + std::queue. Peers use their plain APIs (no
// moodycamel producer tokens, which Moirai's queue has no equivalent of).

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "boost/lockfree/policies.hpp"
#include "boost/lockfree/queue.hpp"
#include "boost/lockfree/spsc_queue.hpp"
#include "concurrentqueue/concurrentqueue.h"
#include "moirai/lockfree/bounded_queue.h"
#include "moirai/lockfree/ms_queue.h"
#include "moirai/lockfree/queue.h"
#include "moirai/lockfree/spsc_queue.h"
#include "tbb/concurrent_queue.h"

namespace moirai::lockfree {
namespace {

constexpr std::int64_t kItems = 1 << 17;
constexpr std::size_t kBoundedCapacity = 1024;

// What every implementation does when the queue is full (bounded) or empty:
// yield, so that on a machine with fewer cores than threads the thread that
// can make progress gets the CPU. Identical for all implementations.
inline void Backoff() { std::this_thread::yield(); }

// Adapters: Push(v) may spin if the queue is bounded; TryPop(&v) -> bool.
struct MoiraiQueue {
  Queue<std::uint64_t> q;
  void Push(std::uint64_t v) { q.Push(v); }
  bool TryPop(std::uint64_t* v) {
    std::optional<std::uint64_t> r = q.TryPop();
    if (!r) return false;
    *v = *r;
    return true;
  }
};

struct MoiraiMsQueue {
  MsQueue<std::uint64_t> q;
  void Push(std::uint64_t v) { q.Push(v); }
  bool TryPop(std::uint64_t* v) {
    std::optional<std::uint64_t> r = q.TryPop();
    if (!r) return false;
    *v = *r;
    return true;
  }
};

struct MoodycamelQueue {
  moodycamel::ConcurrentQueue<std::uint64_t> q;
  void Push(std::uint64_t v) { q.enqueue(v); }
  bool TryPop(std::uint64_t* v) { return q.try_dequeue(*v); }
};

struct BoostQueue {
  boost::lockfree::queue<std::uint64_t> q{kBoundedCapacity};
  void Push(std::uint64_t v) {
    while (!q.push(v)) Backoff();
  }
  bool TryPop(std::uint64_t* v) { return q.pop(*v); }
};

struct TbbQueue {
  tbb::concurrent_queue<std::uint64_t> q;
  void Push(std::uint64_t v) { q.push(v); }
  bool TryPop(std::uint64_t* v) { return q.try_pop(*v); }
};

struct StdQueue {
  std::mutex mu;
  std::queue<std::uint64_t> q;
  void Push(std::uint64_t v) {
    std::lock_guard<std::mutex> lock(mu);
    q.push(v);
  }
  bool TryPop(std::uint64_t* v) {
    std::lock_guard<std::mutex> lock(mu);
    if (q.empty()) return false;
    *v = q.front();
    q.pop();
    return true;
  }
};

struct MoiraiBoundedQueue {
  BoundedQueue<std::uint64_t> q{kBoundedCapacity};
  void Push(std::uint64_t v) {
    while (!q.TryPush(v)) Backoff();
  }
  bool TryPop(std::uint64_t* v) {
    std::optional<std::uint64_t> r = q.TryPop();
    if (!r) return false;
    *v = *r;
    return true;
  }
};

struct BoostBoundedQueue {
  boost::lockfree::queue<std::uint64_t,
                         boost::lockfree::capacity<kBoundedCapacity>>
      q;
  void Push(std::uint64_t v) {
    while (!q.bounded_push(v)) Backoff();
  }
  bool TryPop(std::uint64_t* v) { return q.pop(*v); }
};

struct MoiraiSpscQueue {
  SpscQueue<std::uint64_t> q{kBoundedCapacity};
  void Push(std::uint64_t v) {
    while (!q.TryPush(v)) Backoff();
  }
  bool TryPop(std::uint64_t* v) {
    std::optional<std::uint64_t> r = q.TryPop();
    if (!r) return false;
    *v = *r;
    return true;
  }
};

struct BoostSpscQueue {
  boost::lockfree::spsc_queue<std::uint64_t,
                              boost::lockfree::capacity<kBoundedCapacity>>
      q;
  void Push(std::uint64_t v) {
    while (!q.push(v)) Backoff();
  }
  bool TryPop(std::uint64_t* v) { return q.pop(*v); }
};

template <typename Q, int kProducers, int kConsumers>
void BM_Transfer(benchmark::State& state) {
  auto q = std::make_unique<Q>();
  std::uint64_t checksum = 0;
  for (auto _ : state) {
    std::vector<std::thread> threads;
    std::atomic<std::uint64_t> sum{0};
    for (int p = 0; p < kProducers; ++p) {
      threads.emplace_back([&q, p] {
        const std::int64_t n = kItems / kProducers;
        for (std::int64_t i = 0; i < n; ++i) {
          q->Push(static_cast<std::uint64_t>(p * n + i));
        }
      });
    }
    for (int c = 0; c < kConsumers; ++c) {
      threads.emplace_back([&q, &sum] {
        const std::int64_t n = kItems / kConsumers;
        std::uint64_t local = 0, v;
        for (std::int64_t i = 0; i < n; ++i) {
          while (!q->TryPop(&v)) Backoff();
          local += v;
        }
        sum.fetch_add(local, std::memory_order_relaxed);
      });
    }
    for (auto& t : threads) t.join();
    checksum += sum.load();
  }
  // Every item arrived exactly once (sum of 0..kItems-1 per iteration).
  const std::uint64_t expect = static_cast<std::uint64_t>(kItems) *
                               (kItems - 1) / 2 * state.iterations();
  if (checksum != expect) state.SkipWithError("items lost or duplicated");
  state.SetItemsProcessed(state.iterations() * kItems);
}

#define MOIRAI_QUEUE_BENCH(Q, P, C, name)  \
  BENCHMARK_TEMPLATE(BM_Transfer, Q, P, C) \
      ->Name(name)                         \
      ->UseRealTime()                      \
      ->Unit(benchmark::kMillisecond)

MOIRAI_QUEUE_BENCH(MoiraiQueue, 1, 1, "queue_mpmc_1p1c/moirai");
MOIRAI_QUEUE_BENCH(MoodycamelQueue, 1, 1, "queue_mpmc_1p1c/moodycamel");
MOIRAI_QUEUE_BENCH(BoostQueue, 1, 1, "queue_mpmc_1p1c/boost");
MOIRAI_QUEUE_BENCH(TbbQueue, 1, 1, "queue_mpmc_1p1c/tbb");
MOIRAI_QUEUE_BENCH(StdQueue, 1, 1, "queue_mpmc_1p1c/std");

MOIRAI_QUEUE_BENCH(MoiraiQueue, 2, 2, "queue_mpmc_2p2c/moirai");
MOIRAI_QUEUE_BENCH(MoodycamelQueue, 2, 2, "queue_mpmc_2p2c/moodycamel");
MOIRAI_QUEUE_BENCH(BoostQueue, 2, 2, "queue_mpmc_2p2c/boost");
MOIRAI_QUEUE_BENCH(TbbQueue, 2, 2, "queue_mpmc_2p2c/tbb");
MOIRAI_QUEUE_BENCH(StdQueue, 2, 2, "queue_mpmc_2p2c/std");

// The Michael-Scott reference queue against boost's (also Michael-Scott,
// with a node free list). Kept out of queue_mpmc_* whose goals are for Queue.
MOIRAI_QUEUE_BENCH(MoiraiMsQueue, 1, 1, "queue_ms_1p1c/moirai_ms");
MOIRAI_QUEUE_BENCH(BoostQueue, 1, 1, "queue_ms_1p1c/boost");
MOIRAI_QUEUE_BENCH(MoiraiMsQueue, 2, 2, "queue_ms_2p2c/moirai_ms");
MOIRAI_QUEUE_BENCH(BoostQueue, 2, 2, "queue_ms_2p2c/boost");

MOIRAI_QUEUE_BENCH(MoiraiBoundedQueue, 1, 1, "queue_bounded_1p1c/moirai");
MOIRAI_QUEUE_BENCH(BoostBoundedQueue, 1, 1, "queue_bounded_1p1c/boost");
MOIRAI_QUEUE_BENCH(MoiraiBoundedQueue, 2, 2, "queue_bounded_2p2c/moirai");
MOIRAI_QUEUE_BENCH(BoostBoundedQueue, 2, 2, "queue_bounded_2p2c/boost");

MOIRAI_QUEUE_BENCH(MoiraiSpscQueue, 1, 1, "queue_spsc_1p1c/moirai");
MOIRAI_QUEUE_BENCH(BoostSpscQueue, 1, 1, "queue_spsc_1p1c/boost");

}  // namespace
}  // namespace moirai::lockfree
