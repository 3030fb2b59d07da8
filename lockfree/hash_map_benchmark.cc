// Copyright 2026 The Moirai Authors.
//
// lockfree/hash_map_benchmark.cc
// -----------------------------------------------------------------------------
//
// HashMap against tbb::concurrent_hash_map, libcuckoo's cuckoohash_map and
// std::mutex + std::unordered_map, with the same keys, hash-independent
// workload and flags for all four.
//
//   map_find_10k/{moirai,tbb,libcuckoo,std}
//       One thread; a 10k-entry table (cache-resident); each iteration is one
//       successful find of a key drawn from a fixed pseudo-random sequence.
//   map_read90_2t/{moirai,tbb,libcuckoo,std}
//       Two threads; each iteration, each thread does kOpsPerIteration
//       operations: 90% find, 5% insert, 5% erase, keys uniform over 20k
//       (10k present at the start, so about half the finds hit).
//
// Keys and values are uint64_t. Each implementation uses its default hash
// (absl::Hash for moirai, tbb_hash_compare, std::hash for libcuckoo and
// std); the keys are the same, so the work is identical.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "benchmark/benchmark.h"
#include "libcuckoo/cuckoohash_map.hh"
#include "moirai/lockfree/hash_map.h"
#include "oneapi/tbb/concurrent_hash_map.h"

namespace moirai::lockfree {
namespace {

constexpr uint64_t kPresentKeys = 10000;
constexpr uint64_t kKeySpace = 2 * kPresentKeys;
constexpr int kOpsPerIteration = 1000;

// Spreads small integers over 64 bits so that key values do not favour any
// hash (std::hash<uint64_t> is the identity).
uint64_t KeyOf(uint64_t i) { return i * 0x9E3779B97F4A7C15ULL + 1; }

struct MoiraiMap {
  HashMap<uint64_t, uint64_t> map;
  bool Find(uint64_t k, uint64_t* v) {
    return map.Visit(k, [v](const uint64_t& x) { *v = x; });
  }
  bool Insert(uint64_t k, uint64_t v) { return map.Insert(k, v); }
  bool Erase(uint64_t k) { return map.Erase(k); }
};

struct TbbMap {
  tbb::concurrent_hash_map<uint64_t, uint64_t> map;
  bool Find(uint64_t k, uint64_t* v) {
    tbb::concurrent_hash_map<uint64_t, uint64_t>::const_accessor a;
    if (!map.find(a, k)) return false;
    *v = a->second;
    return true;
  }
  bool Insert(uint64_t k, uint64_t v) { return map.insert({k, v}); }
  bool Erase(uint64_t k) { return map.erase(k); }
};

struct CuckooMap {
  libcuckoo::cuckoohash_map<uint64_t, uint64_t> map;
  bool Find(uint64_t k, uint64_t* v) { return map.find(k, *v); }
  bool Insert(uint64_t k, uint64_t v) { return map.insert(k, v); }
  bool Erase(uint64_t k) { return map.erase(k); }
};

struct StdMap {
  std::mutex mu;
  std::unordered_map<uint64_t, uint64_t> map;
  bool Find(uint64_t k, uint64_t* v) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = map.find(k);
    if (it == map.end()) return false;
    *v = it->second;
    return true;
  }
  bool Insert(uint64_t k, uint64_t v) {
    std::lock_guard<std::mutex> lock(mu);
    return map.emplace(k, v).second;
  }
  bool Erase(uint64_t k) {
    std::lock_guard<std::mutex> lock(mu);
    return map.erase(k) != 0;
  }
};

template <typename M>
std::unique_ptr<M> Prefilled() {
  auto m = std::make_unique<M>();
  for (uint64_t i = 0; i < kPresentKeys; ++i) m->Insert(KeyOf(i), i);
  return m;
}

struct XorShift {
  uint64_t s;
  uint64_t operator()() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

template <typename M>
void BM_Find10k(benchmark::State& state) {
  auto m = Prefilled<M>();
  // A fixed sequence of present keys (power-of-two length for cheap wrap).
  std::vector<uint64_t> keys(1 << 14);
  XorShift rng{0x2545F4914F6CDD1DULL};
  for (uint64_t& k : keys) k = KeyOf(rng() % kPresentKeys);
  uint64_t sum = 0, v = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    if (!m->Find(keys[i++ & (keys.size() - 1)], &v)) {
      state.SkipWithError("key missing");
      break;
    }
    sum += v;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}

template <typename M>
std::unique_ptr<M> shared_map;  // one per implementation; set by thread 0

template <typename M>
void BM_Read90(benchmark::State& state) {
  // Google Benchmark holds all threads at a barrier before the timed loop
  // and after it, so thread 0's setup/teardown is ordered with the others.
  if (state.thread_index() == 0) shared_map<M> = Prefilled<M>();
  XorShift rng{0x9E3779B97F4A7C15ULL * (state.thread_index() + 1)};
  uint64_t sum = 0, v = 0;
  for (auto _ : state) {
    M& m = *shared_map<M>;
    for (int i = 0; i < kOpsPerIteration; ++i) {
      const uint64_t r = rng();
      const uint64_t key = KeyOf((r >> 8) % kKeySpace);
      const int dice = static_cast<int>(r & 0xFF) % 100;
      if (dice < 90) {
        if (m.Find(key, &v)) sum += v;
      } else if (dice < 95) {
        m.Insert(key, r);
      } else {
        m.Erase(key);
      }
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * kOpsPerIteration);
  if (state.thread_index() == 0) shared_map<M>.reset();
}

BENCHMARK_TEMPLATE(BM_Find10k, MoiraiMap)->Name("map_find_10k/moirai");
BENCHMARK_TEMPLATE(BM_Find10k, TbbMap)->Name("map_find_10k/tbb");
BENCHMARK_TEMPLATE(BM_Find10k, CuckooMap)->Name("map_find_10k/libcuckoo");
BENCHMARK_TEMPLATE(BM_Find10k, StdMap)->Name("map_find_10k/std");

BENCHMARK_TEMPLATE(BM_Read90, MoiraiMap)
    ->Name("map_read90_2t/moirai")
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_Read90, TbbMap)
    ->Name("map_read90_2t/tbb")
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_Read90, CuckooMap)
    ->Name("map_read90_2t/libcuckoo")
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_Read90, StdMap)
    ->Name("map_read90_2t/std")
    ->Threads(2)
    ->UseRealTime();

}  // namespace
}  // namespace moirai::lockfree
