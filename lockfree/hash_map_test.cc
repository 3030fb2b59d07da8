// Copyright 2026 The Moirai Authors.
//
// lockfree/hash_map_test.cc
// -----------------------------------------------------------------------------
//
// Sequential semantics, element lifetimes, and concurrent mixes of HashMap
// checked against per-key histories (linearizability, partitioned by key),
// plus conserved quantities for Update and ComputeIfAbsent and growth under
// concurrent readers. Short and deterministic interleavings are in
// hash_map_linearizability_test.cc and hash_map_deterministic_test.cc.

#include "moirai/lockfree/hash_map.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "moirai/core/arch.h"
#include "moirai/lockfree/epoch.h"
#include "moirai/tools/testing/linearizability.h"
#include "moirai/tools/testing/sequential_specs.h"
#include "moirai/tools/testing/stress_oracles.h"

namespace moirai::lockfree {
namespace {

using ::moirai::testing::CheckLinearizablePartitioned;
using ::moirai::testing::HistoryRecorder;
using ::moirai::testing::LifetimeCounters;
using ::moirai::testing::LifetimeTracked;
using ::moirai::testing::LinearizabilityResult;
using ::moirai::testing::MapKeyOf;
using ::moirai::testing::MapKeySpec;
using ::moirai::testing::MapOp;
using ::moirai::testing::MapRet;

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kScale = 4;  // sanitizers: fewer iterations
#else
constexpr int kScale = 1;
#endif

TEST(HashMapTest, SequentialSemantics) {
  HashMap<std::string, int> map;
  EXPECT_TRUE(map.Empty());
  EXPECT_FALSE(map.Find("a").has_value());
  EXPECT_TRUE(map.Insert("a", 1));
  EXPECT_FALSE(map.Insert("a", 2));  // existing mapping kept
  EXPECT_EQ(map.Find("a"), 1);
  EXPECT_FALSE(map.InsertOrAssign("a", 3));  // assigned
  EXPECT_EQ(map.Find("a"), 3);
  EXPECT_TRUE(map.InsertOrAssign("b", 4));  // inserted
  EXPECT_TRUE(map.Contains("b"));
  EXPECT_EQ(map.Size(), 2u);
  EXPECT_TRUE(map.Update("a", [](int& v) { v += 39; }));
  EXPECT_EQ(map.Find("a"), 42);
  EXPECT_FALSE(map.Update("zz", [](int& v) { v = 0; }));
  int calls = 0;
  EXPECT_EQ(map.ComputeIfAbsent("c",
                                [&] {
                                  ++calls;
                                  return 7;
                                }),
            7);
  EXPECT_EQ(map.ComputeIfAbsent("c",
                                [&] {
                                  ++calls;
                                  return 8;
                                }),
            7);
  EXPECT_EQ(calls, 1);
  int seen = 0;
  EXPECT_TRUE(map.Visit("c", [&](const int& v) { seen = v; }));
  EXPECT_EQ(seen, 7);
  EXPECT_TRUE(map.Erase("a"));
  EXPECT_FALSE(map.Erase("a"));
  EXPECT_FALSE(map.Contains("a"));
  EXPECT_EQ(map.Size(), 2u);
  map.Clear();
  EXPECT_TRUE(map.Empty());
  EXPECT_FALSE(map.Contains("b"));
}

TEST(HashMapTest, GrowsAndKeepsEverything) {
  HashMap<int, int> map(HashMapOptions{.segments = 4});
  const std::size_t initial_buckets = map.BucketCount();
  constexpr int kN = 20000;
  for (int i = 0; i < kN; ++i) ASSERT_TRUE(map.Insert(i, i * 3));
  EXPECT_EQ(map.Size(), static_cast<std::size_t>(kN));
  EXPECT_GE(map.BucketCount(), static_cast<std::size_t>(kN));
  EXPECT_GT(map.BucketCount(), initial_buckets);
  for (int i = 0; i < kN; ++i) ASSERT_EQ(map.Find(i), i * 3) << i;
  // ForEach visits each entry exactly once when quiescent.
  absl::flat_hash_map<int, int> visited;
  map.ForEach([&](const int& k, const int& v) { visited[k] += 1 + 0 * v; });
  EXPECT_EQ(visited.size(), static_cast<std::size_t>(kN));
  for (const auto& [k, times] : visited) ASSERT_EQ(times, 1) << k;
  for (int i = 0; i < kN; i += 2) ASSERT_TRUE(map.Erase(i));
  EXPECT_EQ(map.Size(), static_cast<std::size_t>(kN / 2));
  for (int i = 0; i < kN; ++i) ASSERT_EQ(map.Contains(i), i % 2 == 1) << i;
}

TEST(HashMapTest, InitialCapacityAvoidsGrowth) {
  HashMap<int, int> map(
      HashMapOptions{.segments = 16, .initial_capacity = 4096});
  EXPECT_GE(map.BucketCount(), 4096u);
  EXPECT_EQ(map.SegmentCount(), 16u);
}

TEST(HashMapTest, OptionsAreValidated) {
  EXPECT_TRUE(HashMapOptions{}.Validate().ok());
  EXPECT_EQ(HashMapOptions{.segments = 0}.Validate().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HashMapOptions{.segments = 12}.Validate().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HashMapOptions{.segments = 1 << 17}.Validate().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HashMapOptions{.initial_capacity = std::size_t{1} << 41}
                .Validate()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(HashMapDeathTest, InvalidOptionsCrashLoudly) {
  EXPECT_DEATH((HashMap<int, int>(HashMapOptions{.segments = 3})),
               "segments must be a power of two");
}

// Every element constructed is destroyed exactly once, never used after
// destruction, across inserts, assignments, updates, erases, growth, Clear
// and destruction; a private domain lets the test wait for all garbage.
TEST(HashMapTest, ElementLifetimes) {
  LifetimeCounters keys, values;
  {
    auto domain = std::make_unique<EpochDomain>();
    struct TrackedHash {
      std::size_t operator()(const LifetimeTracked& t) const {
        return absl::Hash<int64_t>()(t.value());
      }
    };
    HashMap<LifetimeTracked, LifetimeTracked, TrackedHash> map(
        HashMapOptions{.segments = 2, .domain = domain.get()});
    for (int i = 0; i < 500; ++i) {
      map.Insert(LifetimeTracked(i, &keys), LifetimeTracked(i, &values));
    }
    for (int i = 0; i < 500; i += 3) {
      map.InsertOrAssign(LifetimeTracked(i, &keys),
                         LifetimeTracked(-i, &values));
    }
    for (int i = 1; i < 500; i += 3) {
      map.Update(LifetimeTracked(i, &keys), [&](LifetimeTracked& v) {
        v = LifetimeTracked(v.value() + 1000, &values);
      });
    }
    for (int i = 2; i < 500; i += 6) map.Erase(LifetimeTracked(i, &keys));
    EXPECT_EQ(map.Find(LifetimeTracked(3, &keys))->value(), -3);
    EXPECT_EQ(map.Find(LifetimeTracked(4, &keys))->value(), 1004);
    EXPECT_FALSE(map.Contains(LifetimeTracked(2, &keys)));
    map.Clear();
    for (int i = 0; i < 100; ++i) {
      map.ComputeIfAbsent(LifetimeTracked(i, &keys),
                          [&] { return LifetimeTracked(i, &values); });
    }
    // The map and then the domain (which frees retired nodes) go away here.
  }
  EXPECT_EQ(keys.live(), 0);
  EXPECT_EQ(values.live(), 0);
  EXPECT_GT(values.constructed.load(), 1000);
}

// The 20/20/60 insert/erase/find mix over a key space, on real threads, with
// every operation recorded; the history is then checked per key.
void RunMix(int threads, int key_space, int ops_per_thread, int segments) {
  using Spec = MapKeySpec<int, int64_t>;
  using Op = MapOp<int, int64_t>;
  using Kind = Op::Kind;
  HashMap<int, int64_t> map(
      HashMapOptions{.segments = static_cast<std::size_t>(segments)});
  HistoryRecorder<Spec> recorder(threads);
  std::atomic<int> ready{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      uint64_t rng = 0x9e3779b97f4a7c15ULL * (t + 1);
      auto next = [&rng] {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
      };
      ready.fetch_add(1);
      while (ready.load() < threads) {
      }
      for (int i = 0; i < ops_per_thread; ++i) {
        const int key = static_cast<int>(next() % key_space);
        const int dice = static_cast<int>(next() % 100);
        // A value unique to this call, so reads identify their writer.
        const int64_t value = int64_t{t} << 32 | i;
        if (dice < 20) {
          recorder.Call(t, Op{Kind::kInsert, key, value}, [&] {
            return MapRet<int, int64_t>{map.Insert(key, value), 0};
          });
        } else if (dice < 40) {
          recorder.Call(t, Op{Kind::kErase, key, 0}, [&] {
            return MapRet<int, int64_t>{map.Erase(key), 0};
          });
        } else {
          recorder.Call(t, Op{Kind::kFind, key, 0}, [&] {
            std::optional<int64_t> v = map.Find(key);
            return MapRet<int, int64_t>{v.has_value(), v.value_or(0)};
          });
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  LinearizabilityResult r = CheckLinearizablePartitioned(
      Spec{}, recorder.TakeHistory(), MapKeyOf<int, int64_t>);
  EXPECT_TRUE(r.linearizable()) << r.explanation;
}

class HashMapMixTest : public ::testing::TestWithParam<int> {};

TEST_P(HashMapMixTest, LargeKeySpace) {
  RunMix(GetParam(), 50000, 40000 / kScale / GetParam(), 64);
}

TEST_P(HashMapMixTest, HotKeysFewSegments) {
  // Few keys and one segment: heavy contention on the same chains and many
  // overlapping operations per key.
  RunMix(GetParam(), 16, 8000 / kScale / GetParam(), 1);
}

INSTANTIATE_TEST_SUITE_P(Threads, HashMapMixTest,
                         ::testing::Values(1, 2, 4, 8));

// Conserved quantity: concurrent Update(+1)s on a few keys are never lost.
TEST(HashMapTest, ConcurrentUpdatesAreNotLost) {
  HashMap<int, int64_t> map(HashMapOptions{.segments = 2});
  constexpr int kKeys = 8;
  for (int k = 0; k < kKeys; ++k) map.Insert(k, 0);
  constexpr int kThreads = 4;
  const int per_thread = 20000 / kScale;
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        ASSERT_TRUE(map.Update((i + t) % kKeys, [](int64_t& v) { ++v; }));
      }
    });
  }
  for (std::thread& w : workers) w.join();
  int64_t total = 0;
  for (int k = 0; k < kKeys; ++k) total += *map.Find(k);
  EXPECT_EQ(total, int64_t{kThreads} * per_thread);
}

// ComputeIfAbsent runs the factory exactly once per key, however many
// threads race for it, and all of them see the same value.
TEST(HashMapTest, ComputeIfAbsentRunsFactoryOnce) {
  HashMap<int, int> map(HashMapOptions{.segments = 4});
  constexpr int kKeys = 2000;
  constexpr int kThreads = 4;
  std::atomic<int> factory_calls{0};
  std::vector<std::vector<int>> results(kThreads, std::vector<int>(kKeys));
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int k = 0; k < kKeys; ++k) {
        results[t][k] = map.ComputeIfAbsent(k, [&] {
          factory_calls.fetch_add(1);
          return k * 10 + t;  // which thread won is visible
        });
      }
    });
  }
  for (std::thread& w : workers) w.join();
  EXPECT_EQ(factory_calls.load(), kKeys);
  for (int k = 0; k < kKeys; ++k) {
    for (int t = 1; t < kThreads; ++t) ASSERT_EQ(results[t][k], results[0][k]);
    ASSERT_EQ(results[0][k] / 10, k);
  }
}

// Growth under concurrent access: writers insert disjoint ranges into a
// one-segment map that starts with 8 buckets (so it doubles ~14 times while
// readers run); each writer publishes how far it got, and readers check that
// every key below that mark is present with its value.
TEST(HashMapTest, GrowthUnderConcurrentAccess) {
  HashMap<int, int> map(HashMapOptions{.segments = 1});
  constexpr int kWriters = 2;
  constexpr int kReaders = 2;
  const int per_writer = 60000 / kScale;
  std::vector<std::atomic<int>> progress(kWriters);
  for (auto& p : progress) p.store(0);
  std::atomic<int> writers_done{0};
  std::atomic<int64_t> checks{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < per_writer; ++i) {
        const int key = i * kWriters + w;
        ASSERT_TRUE(map.Insert(key, -key));
        progress[w].store(i + 1, std::memory_order_release);
      }
      writers_done.fetch_add(1);
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      uint64_t rng = 88172645463325252ULL + r;
      do {
        for (int w = 0; w < kWriters; ++w) {
          const int done = progress[w].load(std::memory_order_acquire);
          if (done == 0) continue;
          rng ^= rng << 13;
          rng ^= rng >> 7;
          rng ^= rng << 17;
          const int i = static_cast<int>(rng % done);
          const int key = i * kWriters + w;
          std::optional<int> v = map.Find(key);
          ASSERT_TRUE(v.has_value()) << "key " << key << " lost";
          ASSERT_EQ(*v, -key);
          checks.fetch_add(1, std::memory_order_relaxed);
        }
      } while (writers_done.load() < kWriters);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(map.Size(), static_cast<std::size_t>(kWriters * per_writer));
  EXPECT_GE(map.BucketCount(), static_cast<std::size_t>(kWriters * per_writer));
  for (int k = 0; k < kWriters * per_writer; ++k) ASSERT_EQ(map.Find(k), -k);
}

// ForEach under concurrent writers: keys that are never touched are visited
// exactly once, and no key is visited twice.
TEST(HashMapTest, ForEachIsWeaklyConsistent) {
  HashMap<int, int> map(HashMapOptions{.segments = 8});
  constexpr int kStable = 5000;
  for (int k = 0; k < kStable; ++k) map.Insert(k, k);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    int i = 0;
    while (!stop.load()) {
      const int key = kStable + (i++ % 3000);
      map.Insert(key, key);
      map.Erase(key - 1 < kStable ? key : key - 1);
    }
  });
  for (int round = 0; round < 20 / kScale + 1; ++round) {
    absl::flat_hash_map<int, int> seen;
    map.ForEach([&](const int& k, const int&) { ++seen[k]; });
    for (int k = 0; k < kStable; ++k) ASSERT_EQ(seen[k], 1) << k;
    for (const auto& [k, n] : seen) ASSERT_EQ(n, 1) << k;
  }
  stop.store(true);
  writer.join();
}

// ---- Exception safety (regression tests) ----------------------------------

// A value that counts live instances and whose copy constructor throws once
// its countdown reaches zero (negative: never).
struct ThrowingValue {
  static inline std::atomic<int> live{0};
  static inline std::atomic<int> copies_until_throw{-1};
  explicit ThrowingValue(int x) : v(x) { live.fetch_add(1); }
  ThrowingValue(const ThrowingValue& o) : v(o.v) {
    if (copies_until_throw.load() >= 0 &&
        copies_until_throw.fetch_sub(1) == 0) {
      throw std::runtime_error("copy");
    }
    live.fetch_add(1);
  }
  ThrowingValue(ThrowingValue&& o) noexcept : v(o.v) { live.fetch_add(1); }
  ThrowingValue& operator=(const ThrowingValue&) = delete;
  ~ThrowingValue() { live.fetch_sub(1); }
  int v;
};

class HashMapExceptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ThrowingValue::live.store(0);
    ThrowingValue::copies_until_throw.store(-1);
  }
  // Every value ever created is gone once the map and its domain are.
  void TearDown() override { EXPECT_EQ(ThrowingValue::live.load(), 0); }
};

using ThrowingMap = HashMap<int, ThrowingValue>;

// Regression test: Update() copied the node, then ran the callback; a
// callback that threw leaked the copy (never linked, never retired).
TEST_F(HashMapExceptionTest, UpdateWithThrowingCallbackLeavesValue) {
  EpochDomain domain;
  {
    ThrowingMap map(HashMapOptions{.segments = 1, .domain = &domain});
    ASSERT_TRUE(map.Insert(1, ThrowingValue(10)));
    EXPECT_THROW(map.Update(1,
                            [](ThrowingValue& v) {
                              v.v = 99;
                              throw std::runtime_error("callback");
                            }),
                 std::runtime_error);
    EXPECT_EQ(map.Find(1)->v, 10);
    EXPECT_TRUE(map.Update(1, [](ThrowingValue& v) { v.v = 11; }));
    EXPECT_EQ(map.Find(1)->v, 11);
    EXPECT_EQ(map.Size(), 1u);
  }
}

// Regression test: ComputeIfAbsent() allocated the node, then copied the
// value to return it; a copy that threw leaked the node. A factory that
// throws must leave the key absent.
TEST_F(HashMapExceptionTest, ComputeIfAbsentThrowingFactoryOrCopy) {
  EpochDomain domain;
  {
    ThrowingMap map(HashMapOptions{.segments = 1, .domain = &domain});
    EXPECT_THROW(
        map.ComputeIfAbsent(
            1, []() -> ThrowingValue { throw std::runtime_error("f"); }),
        std::runtime_error);
    EXPECT_FALSE(map.Contains(1));
    ThrowingValue::copies_until_throw.store(0);  // the copy of the result
    EXPECT_THROW(map.ComputeIfAbsent(2, [] { return ThrowingValue(20); }),
                 std::runtime_error);
    ThrowingValue::copies_until_throw.store(-1);
    EXPECT_FALSE(map.Contains(2)) << "a throwing call must not insert";
    EXPECT_EQ(map.ComputeIfAbsent(2, [] { return ThrowingValue(21); }).v, 21);
    EXPECT_EQ(map.Size(), 1u);
  }
}

// Regression test: growth copies every node; a copy that threw in the middle
// of Grow() leaked the half-built table, after the insert that triggered it
// had already been linked (the insert threw and yet took effect). Now the
// table is grown before the new node is linked: a throw leaves the map as it
// was, and a later insert grows it.
TEST_F(HashMapExceptionTest, ThrowDuringGrowthLeavesMapUnchanged) {
  EpochDomain domain;
  {
    ThrowingMap map(HashMapOptions{.segments = 1, .domain = &domain});
    const std::size_t buckets = map.BucketCount();
    for (int k = 0; k < static_cast<int>(buckets); ++k) {
      ASSERT_TRUE(map.Insert(k, ThrowingValue(k)));
    }
    ASSERT_EQ(map.BucketCount(), buckets) << "no growth yet";
    ThrowingValue::copies_until_throw.store(3);  // the 4th copy of Grow throws
    EXPECT_THROW(map.Insert(1000, ThrowingValue(1000)), std::runtime_error);
    ThrowingValue::copies_until_throw.store(-1);
    EXPECT_EQ(map.Size(), buckets);
    EXPECT_FALSE(map.Contains(1000)) << "a throwing insert must not insert";
    EXPECT_EQ(map.BucketCount(), buckets);
    for (int k = 0; k < static_cast<int>(buckets); ++k) {
      ASSERT_TRUE(map.Contains(k)) << k;
    }
    ASSERT_TRUE(map.Insert(1000, ThrowingValue(1000)));
    EXPECT_GT(map.BucketCount(), buckets);
    EXPECT_EQ(map.Size(), buckets + 1);
  }
}

}  // namespace
}  // namespace moirai::lockfree
