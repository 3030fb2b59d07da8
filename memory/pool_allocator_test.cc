// Copyright 2026 The Moirai Authors.
//
// memory/pool_allocator_test.cc
// -----------------------------------------------------------------------------

#include "moirai/memory/pool_allocator.h"

#include <atomic>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moirai::memory {
namespace {

template <typename T>
using Alloc = PoolAllocator<T>;

// Counts live instances; marks destroyed ones so a double destroy or a use
// after destroy is caught.
struct Tracked {
  static std::atomic<int> live;
  explicit Tracked(int v) : value(v) { live.fetch_add(1); }
  Tracked(const Tracked& o) : value(o.value) {
    EXPECT_EQ(o.alive, kAlive);
    live.fetch_add(1);
  }
  ~Tracked() {
    EXPECT_EQ(alive, kAlive) << "double destroy";
    alive = 0;
    live.fetch_sub(1);
  }
  static constexpr std::uint32_t kAlive = 0xA11FEu;
  int value;
  std::uint32_t alive = kAlive;
};
std::atomic<int> Tracked::live{0};

std::size_t InUse(PoolResource& r) {
  std::size_t n = 0;
  for (std::size_t size = PoolResource::kGranule;
       size <= PoolResource::kMaxPooledSize; size += PoolResource::kGranule) {
    if (FixedPool* p = r.PoolFor(size, 16)) n += p->stats().blocks_in_use;
  }
  return n;
}

TEST(PoolAllocator, ListOfTracked) {
  PoolResource r;
  {
    std::list<Tracked, Alloc<Tracked>> l{Alloc<Tracked>(&r)};
    for (int i = 0; i < 10000; ++i) l.emplace_back(i);
    EXPECT_EQ(Tracked::live.load(), 10000);
    EXPECT_EQ(InUse(r), 10000u);
    long sum = 0;
    for (const Tracked& t : l) sum += t.value;
    EXPECT_EQ(sum, 10000L * 9999 / 2);
    l.remove_if([](const Tracked& t) { return t.value % 2 == 0; });
    EXPECT_EQ(l.size(), 5000u);
    EXPECT_EQ(InUse(r), 5000u);
  }
  EXPECT_EQ(Tracked::live.load(), 0);
  EXPECT_EQ(InUse(r), 0u);
}

TEST(PoolAllocator, MapMatchesStdMap) {
  PoolResource r;
  using Value = std::pair<const int, std::string>;
  std::map<int, std::string, std::less<int>, Alloc<Value>> m{std::less<int>(),
                                                             Alloc<Value>(&r)};
  std::map<int, std::string> ref;
  for (int i = 0; i < 5000; ++i) {
    const int k = (i * 7919) % 5003;
    m[k] = std::to_string(k);
    ref[k] = std::to_string(k);
  }
  for (int k = 0; k < 5003; k += 3) {
    EXPECT_EQ(m.erase(k), ref.erase(k));
  }
  EXPECT_TRUE(std::equal(m.begin(), m.end(), ref.begin(), ref.end()));
  m.clear();
  EXPECT_EQ(InUse(r), 0u);
}

TEST(PoolAllocator, SetUnorderedMapDequeVector) {
  PoolResource r;
  {
    std::set<int, std::less<int>, Alloc<int>> s{std::less<int>(),
                                                Alloc<int>(&r)};
    std::unordered_map<int, int, std::hash<int>, std::equal_to<int>,
                       Alloc<std::pair<const int, int>>>
        um{16, std::hash<int>(), std::equal_to<int>(),
           Alloc<std::pair<const int, int>>(&r)};
    std::deque<int, Alloc<int>> d{Alloc<int>(&r)};
    std::vector<int, Alloc<int>> v{Alloc<int>(&r)};
    for (int i = 0; i < 3000; ++i) {
      s.insert(i % 1000);
      um[i % 777] += 1;
      d.push_front(i);
      v.push_back(i);
    }
    EXPECT_EQ(s.size(), 1000u);
    EXPECT_EQ(um.size(), 777u);
    EXPECT_EQ(um[0], 4);
    EXPECT_EQ(d.front(), 2999);
    EXPECT_EQ(v[2999], 2999);
    EXPECT_GT(InUse(r), 0u);
  }
  EXPECT_EQ(InUse(r), 0u);
}

TEST(PoolAllocator, OverAlignedElements) {
  struct alignas(64) Line {
    int x;
  };
  PoolResource r;
  std::list<Line, Alloc<Line>> l{Alloc<Line>(&r)};
  for (int i = 0; i < 100; ++i) l.push_back(Line{i});
  for (const Line& line : l) {
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(&line) % 64, 0u);
  }
  struct alignas(256) Big {
    int x;
  };
  std::list<Big, Alloc<Big>> big{Alloc<Big>(&r)};  // goes to operator new
  big.push_back(Big{1});
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(&big.front()) % 256, 0u);
}

TEST(PoolAllocator, EqualityAndRebind) {
  PoolResource a, b;
  Alloc<int> ai(&a), ai2(&a), bi(&b);
  Alloc<double> ad(ai);
  EXPECT_TRUE(ai == ai2);
  EXPECT_FALSE(ai == bi);
  EXPECT_TRUE(ad == ai);
  EXPECT_EQ(ad.resource(), &a);
  EXPECT_EQ(Alloc<int>().resource(), PoolResource::Default());
  EXPECT_EQ(a.PoolFor(2000, 8), nullptr);
  EXPECT_EQ(a.PoolFor(64, 128), nullptr);
  ASSERT_NE(a.PoolFor(64, 64), nullptr);
  EXPECT_EQ(a.PoolFor(64, 64), a.PoolFor(50, 16));
  EXPECT_THROW(ai.allocate(std::size_t(-1) / 2), std::bad_array_new_length);
}

// Lists built on one thread and destroyed on another: every node goes home.
TEST(PoolAllocator, CrossThreadContainers) {
  PoolResource r;
  const int kThreads = 4;
  using List = std::list<Tracked, Alloc<Tracked>>;
  std::vector<List> lists;
  for (int t = 0; t < kThreads; ++t) lists.emplace_back(Alloc<Tracked>(&r));
  std::vector<std::thread> builders;
  for (int t = 0; t < kThreads; ++t) {
    builders.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) lists[t].emplace_back(i);
    });
  }
  for (auto& th : builders) th.join();
  EXPECT_EQ(InUse(r), 8000u);
  std::vector<std::thread> destroyers;
  for (int t = 0; t < kThreads; ++t) {
    destroyers.emplace_back([&, t] {
      List mine = std::move(lists[(t + 1) % kThreads]);
      EXPECT_EQ(mine.size(), 2000u);
    });
  }
  for (auto& th : destroyers) th.join();
  EXPECT_EQ(Tracked::live.load(), 0);
  EXPECT_EQ(InUse(r), 0u);
}

}  // namespace
}  // namespace moirai::memory
