// Copyright 2026 The Moirai Authors.
//
// memory/fixed_pool_test.cc
// -----------------------------------------------------------------------------

#include "moirai/memory/fixed_pool.h"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moirai/core/arch.h"
#include "moirai/sync/mutex.h"

namespace moirai::memory {
namespace {

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kScale = 8;
#else
constexpr int kScale = 1;
#endif

FixedPoolOptions Opts(std::size_t block_size, std::size_t alignment = 16,
                      std::size_t max_bytes = 0) {
  FixedPoolOptions o;
  o.block_size = block_size;
  o.alignment = alignment;
  o.max_bytes = max_bytes;
  return o;
}

std::unique_ptr<FixedPool> MakePool(std::size_t block_size,
                                    std::size_t alignment = 16,
                                    std::size_t max_bytes = 0) {
  auto pool = FixedPool::Create(Opts(block_size, alignment, max_bytes));
  EXPECT_TRUE(pool.ok()) << pool.status();
  return std::move(pool).value();
}

// A block's contents: every 8-byte word holds `tag`. If two live blocks
// overlapped, writing one would corrupt the other's pattern.
void Fill(void* p, std::size_t size, std::uint64_t tag) {
  auto* w = static_cast<unsigned char*>(p);
  for (std::size_t i = 0; i < size; ++i)
    w[i] = static_cast<unsigned char>(tag >> (8 * (i % 8)));
}
bool Check(const void* p, std::size_t size, std::uint64_t tag) {
  const auto* w = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < size; ++i) {
    if (w[i] != static_cast<unsigned char>(tag >> (8 * (i % 8)))) return false;
  }
  return true;
}

TEST(FixedPoolCreate, RejectsBadParameters) {
  EXPECT_EQ(FixedPool::Create(Opts(0)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      FixedPool::Create(Opts(FixedPool::kMaxBlockSize + 1)).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FixedPool::Create(Opts(~std::size_t{0})).status().code(),
            absl::StatusCode::kInvalidArgument);
  for (std::size_t bad_alignment : {0, 3, 24, 8192, 1 << 20}) {
    auto pool = FixedPool::Create(Opts(64, bad_alignment));
    EXPECT_EQ(pool.status().code(), absl::StatusCode::kInvalidArgument)
        << bad_alignment;
  }
  EXPECT_EQ(FixedPool::Create(Opts(64, 16, 100)).status().code(),
            absl::StatusCode::kInvalidArgument);
  FixedPoolOptions failing = Opts(64);
  failing.on_reserve = [](void*, std::size_t) {
    return absl::UnavailableError("no");
  };
  auto hook_fails = FixedPool::Create(failing);
  EXPECT_EQ(hook_fails.status().code(), absl::StatusCode::kUnavailable);
}

TEST(FixedPoolCreate, OnReserveSeesTheRange) {
  void* seen_base = nullptr;
  std::size_t seen_len = 0;
  FixedPoolOptions opts = Opts(64, 16, 1 << 22);
  opts.on_reserve = [&](void* b, std::size_t n) {
    seen_base = b;
    seen_len = n;
    return absl::OkStatus();
  };
  auto pool = FixedPool::Create(opts);
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(seen_len, std::size_t{1} << 22);
  void* p = (*pool)->Allocate();
  ASSERT_NE(p, nullptr);
  EXPECT_GE(static_cast<char*>(p), static_cast<char*>(seen_base));
  EXPECT_LT(static_cast<char*>(p), static_cast<char*>(seen_base) + seen_len);
  (*pool)->Free(p);
}

class FixedPoolGeometry
    : public ::testing::TestWithParam<std::pair<std::size_t, std::size_t>> {};

TEST_P(FixedPoolGeometry, BlocksAreAlignedDisjointAndOwned) {
  const auto [block_size, alignment] = GetParam();
  auto pool = MakePool(block_size, alignment);
  EXPECT_EQ(pool->block_size(), block_size);
  EXPECT_GE(pool->alignment(), alignment);
  // Enough blocks for several chunks, at most 64 MiB.
  const int n = static_cast<int>(
      std::min<std::size_t>(300, (std::size_t{64} << 20) / block_size));
  // Patterns cover small blocks whole, and the head and tail of big ones
  // (disjointness is checked on the sorted addresses below).
  const std::size_t pattern = std::min<std::size_t>(block_size, 4096);
  const std::size_t tail = block_size - pattern;
  std::vector<char*> blocks;
  for (int i = 0; i < n; ++i) {
    auto* p = static_cast<char*>(pool->Allocate());
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % alignment, 0u);
    EXPECT_TRUE(pool->Owns(p));
    Fill(p, pattern, i);
    Fill(p + tail, pattern, i);
    blocks.push_back(p);
  }
  for (int i = 0; i < n; ++i) {
    EXPECT_TRUE(Check(blocks[i], pattern, i));
    EXPECT_TRUE(Check(blocks[i] + tail, pattern, i));
  }
  std::vector<char*> sorted = blocks;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i + 1 < n; ++i) {
    EXPECT_LE(sorted[i] + block_size, sorted[i + 1]);
  }
  int x = 0;
  EXPECT_FALSE(pool->Owns(&x));
  for (char* p : blocks) pool->Free(p);
  EXPECT_EQ(pool->stats().blocks_in_use, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    SizesAndAlignments, FixedPoolGeometry,
    ::testing::Values(std::pair<std::size_t, std::size_t>{1, 1},
                      std::pair<std::size_t, std::size_t>{7, 2},
                      std::pair<std::size_t, std::size_t>{8, 8},
                      std::pair<std::size_t, std::size_t>{24, 8},
                      std::pair<std::size_t, std::size_t>{64, 64},
                      std::pair<std::size_t, std::size_t>{100, 32},
                      std::pair<std::size_t, std::size_t>{64, 4096},
                      std::pair<std::size_t, std::size_t>{4096, 4096},
                      std::pair<std::size_t, std::size_t>{5000, 128},
                      std::pair<std::size_t, std::size_t>{
                          FixedPool::kMaxBlockSize, 4096}));

TEST(FixedPool, StatisticsSingleThread) {
  auto pool = MakePool(64);
  FixedPoolStats st = pool->stats();
  EXPECT_EQ(st.blocks_in_use, 0u);
  EXPECT_EQ(st.chunks, 0u);
  EXPECT_EQ(st.bytes_reserved, 0u);
  const std::size_t n = 5000;
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < n; ++i) blocks.push_back(pool->Allocate());
  st = pool->stats();
  EXPECT_EQ(st.allocations, n);
  EXPECT_EQ(st.frees, 0u);
  EXPECT_EQ(st.blocks_in_use, n);
  EXPECT_EQ(st.peak_blocks_in_use, n);
  EXPECT_GE(st.chunks * (st.chunk_bytes / st.block_stride), n);
  EXPECT_EQ(st.bytes_reserved, st.chunks * st.chunk_bytes);
  EXPECT_EQ(st.thread_caches, 1u);
  const std::size_t chunks = st.chunks;
  for (void* p : blocks) pool->Free(p);
  st = pool->stats();
  EXPECT_EQ(st.frees, n);
  EXPECT_EQ(st.blocks_in_use, 0u);
  EXPECT_EQ(st.peak_blocks_in_use, n);
  // Freed blocks are reused: the same workload again needs no new chunk.
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < n; ++i) blocks[i] = pool->Allocate();
    for (void* p : blocks) pool->Free(p);
  }
  EXPECT_EQ(pool->stats().chunks, chunks);
}

TEST(FixedPool, MaxBytesIsAHardLimit) {
  auto probe = MakePool(256);
  auto pool = MakePool(256, 16, probe->chunk_bytes());
  std::vector<void*> blocks;
  while (void* p = pool->Allocate()) blocks.push_back(p);
  // One chunk, less the slab header.
  EXPECT_LT(blocks.size(), pool->chunk_bytes() / pool->block_stride());
  EXPECT_GE(blocks.size(), pool->chunk_bytes() / pool->block_stride() - 2);
  EXPECT_EQ(pool->Allocate(), nullptr);
  pool->Free(blocks.back());
  blocks.pop_back();
  void* again = pool->Allocate();
  EXPECT_NE(again, nullptr);
  blocks.push_back(again);
  for (void* p : blocks) pool->Free(p);
  EXPECT_EQ(pool->stats().chunks, 1u);
}

TEST(FixedPool, TwoPoolsInOneThreadStaySeparate) {
  auto a = MakePool(32);
  auto b = MakePool(32);
  std::vector<void*> from_a, from_b;
  for (int i = 0; i < 2000; ++i) {
    from_a.push_back(a->Allocate());
    from_b.push_back(b->Allocate());
  }
  for (void* p : from_a) EXPECT_TRUE(a->Owns(p) && !b->Owns(p));
  for (void* p : from_b) EXPECT_TRUE(b->Owns(p) && !a->Owns(p));
  for (int i = 0; i < 2000; ++i) {
    a->Free(from_a[i]);
    b->Free(from_b[i]);
  }
  EXPECT_EQ(a->stats().blocks_in_use, 0u);
  EXPECT_EQ(b->stats().blocks_in_use, 0u);
  EXPECT_EQ(a->stats().allocations, 2000u);
}

// Blocks freed by another thread go back to the slab they came from, and the
// allocating thread reuses them: the second round needs no new chunk.
TEST(FixedPool, CrossThreadFreesFindTheirWayHome) {
  auto pool = MakePool(64);
  const int n = 20000 / kScale;
  std::vector<void*> blocks(n);
  for (int i = 0; i < n; ++i) {
    blocks[i] = pool->Allocate();
    Fill(blocks[i], 64, i);
  }
  const std::size_t chunks = pool->stats().chunks;
  std::thread consumer([&] {
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(Check(blocks[i], 64, i));
      pool->Free(blocks[i]);
    }
  });
  consumer.join();
  FixedPoolStats st = pool->stats();
  EXPECT_EQ(st.blocks_in_use, 0u);
  EXPECT_EQ(st.frees, static_cast<std::uint64_t>(n));
  for (int i = 0; i < n; ++i) blocks[i] = pool->Allocate();
  EXPECT_EQ(pool->stats().chunks, chunks);
  for (void* p : blocks) pool->Free(p);
}

// A thread's cache goes back to the pool when the thread exits: the main
// thread then adopts the abandoned chunk instead of committing a new one.
TEST(FixedPool, ThreadExitReturnsItsCache) {
  auto pool = MakePool(64);
  std::thread worker([&] {
    std::vector<void*> blocks;
    for (int i = 0; i < 500; ++i) blocks.push_back(pool->Allocate());
    for (void* p : blocks) pool->Free(p);
    EXPECT_EQ(pool->stats().thread_caches, 1u);
  });
  worker.join();
  FixedPoolStats st = pool->stats();
  EXPECT_EQ(st.thread_caches, 0u);
  EXPECT_EQ(st.chunks, 1u);
  EXPECT_EQ(st.allocations, 500u);
  EXPECT_EQ(st.frees, 500u);
  std::vector<void*> blocks;
  for (int i = 0; i < 500; ++i) blocks.push_back(pool->Allocate());
  EXPECT_EQ(pool->stats().chunks, 1u);
  for (void* p : blocks) pool->Free(p);
}

// Blocks still held when their thread exits stay valid and can be freed by
// anyone; the abandoned chunk collects them for its next owner.
TEST(FixedPool, BlocksOutliveTheirThread) {
  auto pool = MakePool(48);
  std::vector<void*> blocks;
  std::thread worker([&] {
    for (int i = 0; i < 1000; ++i) {
      blocks.push_back(pool->Allocate());
      Fill(blocks.back(), 48, i);
    }
  });
  worker.join();
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(Check(blocks[i], 48, i));
    pool->Free(blocks[i]);
  }
  EXPECT_EQ(pool->stats().blocks_in_use, 0u);
}

// A thread_local whose destructor runs after the thread's pool registry is
// gone still allocates and frees correctly (through the pool's orphan cache).
struct LateUser {
  FixedPool* pool = nullptr;
  void* block = nullptr;
  ~LateUser() {
    if (pool == nullptr) return;
    pool->Free(block);
    void* p = pool->Allocate();
    EXPECT_NE(p, nullptr);
    pool->Free(p);
  }
};

TEST(FixedPool, AllocateAndFreeDuringThreadExit) {
  auto pool = MakePool(64);
  std::thread worker([&] {
    static thread_local LateUser late;  // constructed before the registry
    late.pool = pool.get();
    late.block = pool->Allocate();
  });
  worker.join();
  FixedPoolStats st = pool->stats();
  EXPECT_EQ(st.allocations, 2u);
  EXPECT_EQ(st.frees, 2u);
  EXPECT_EQ(st.blocks_in_use, 0u);
}

// The pool is destroyed while threads still hold caches for it; the threads
// then use a new pool and exit. Both clean-up orders are exercised (ASan
// checks that every cache is freed exactly once).
TEST(FixedPool, PoolDestroyedBeforeThreadsExit) {
  auto pool = MakePool(64);
  const int kThreads = 4;
  std::mutex mu;
  std::condition_variable cv;
  int ready = 0;
  bool destroyed = false;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<void*> blocks;
      for (int i = 0; i < 100; ++i) blocks.push_back(pool->Allocate());
      for (void* p : blocks) pool->Free(p);
      {
        std::unique_lock<std::mutex> lock(mu);
        ++ready;
        cv.notify_all();
        cv.wait(lock, [&] { return destroyed; });
      }
      // A fresh pool (the old cache is swept on this first use).
      auto fresh = MakePool(64);
      void* p = fresh->Allocate();
      EXPECT_NE(p, nullptr);
      fresh->Free(p);
      EXPECT_EQ(fresh->stats().thread_caches, 1u);
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return ready == kThreads; });
  }
  EXPECT_EQ(pool->stats().thread_caches, static_cast<std::size_t>(kThreads));
  pool.reset();
  {
    std::lock_guard<std::mutex> lock(mu);
    destroyed = true;
  }
  cv.notify_all();
  for (auto& t : threads) t.join();
}

// Stress: each thread allocates and frees at random, hands some blocks to its
// neighbour to free, and checks every block's pattern before freeing it.
// Conserved: every allocation is freed exactly once; the pool's counters
// equal the threads' counts; no two live blocks overlap.
class FixedPoolStress : public ::testing::TestWithParam<int> {};

TEST_P(FixedPoolStress, ConservesBlocks) {
  const int threads = GetParam();
  const std::size_t kBlock = 40;
  auto pool = MakePool(kBlock, 8);
  const int ops = 40000 / kScale / std::max(1, threads / 4);

  struct Mailbox {
    sync::Mutex mu;
    std::deque<std::pair<void*, std::uint64_t>> items ABSL_GUARDED_BY(mu);
  };
  std::vector<Mailbox> mailboxes(threads);
  std::atomic<std::uint64_t> allocated{0}, freed{0};
  std::atomic<int> done{0};

  auto body = [&](int t) {
    std::mt19937_64 rng(t * 7919 + 1);
    std::vector<std::pair<void*, std::uint64_t>> live;
    std::uint64_t my_alloc = 0, my_free = 0;
    auto free_checked = [&](void* p, std::uint64_t tag) {
      ASSERT_TRUE(Check(p, kBlock, tag)) << "block corrupted: overlap?";
      std::memset(p, 0xdd, kBlock);
      pool->Free(p);
      ++my_free;
    };
    for (int i = 0; i < ops; ++i) {
      const int r = static_cast<int>(rng() % 10);
      if (r < 5 || live.empty()) {
        void* p = pool->Allocate();
        ASSERT_NE(p, nullptr);
        const std::uint64_t tag = (std::uint64_t(t) << 40) | my_alloc;
        Fill(p, kBlock, tag);
        live.emplace_back(p, tag);
        ++my_alloc;
      } else if (r < 8) {
        const std::size_t k = rng() % live.size();
        free_checked(live[k].first, live[k].second);
        live[k] = live.back();
        live.pop_back();
      } else {
        // Hand one block to the neighbour, who frees it.
        const std::size_t k = rng() % live.size();
        Mailbox& m = mailboxes[(t + 1) % threads];
        {
          sync::MutexLock lock(&m.mu);
          m.items.push_back(live[k]);
        }
        live[k] = live.back();
        live.pop_back();
      }
      if (i % 64 == 0) {
        Mailbox& mine = mailboxes[t];
        std::deque<std::pair<void*, std::uint64_t>> got;
        {
          sync::MutexLock lock(&mine.mu);
          got.swap(mine.items);
        }
        for (auto& [p, tag] : got) free_checked(p, tag);
      }
    }
    for (auto& [p, tag] : live) free_checked(p, tag);
    allocated += my_alloc;
    freed += my_free;
    done.fetch_add(1);
    // Keep draining until every thread is done so no mailbox is left full.
    for (;;) {
      const bool all_done = done.load() == threads;
      Mailbox& mine = mailboxes[t];
      std::deque<std::pair<void*, std::uint64_t>> got;
      {
        sync::MutexLock lock(&mine.mu);
        got.swap(mine.items);
      }
      std::uint64_t extra = 0;
      for (auto& [p, tag] : got) {
        ASSERT_TRUE(Check(p, kBlock, tag));
        pool->Free(p);
        ++extra;
      }
      freed += extra;
      if (all_done && got.empty()) break;
      if (got.empty()) std::this_thread::yield();
    }
  };
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) ts.emplace_back(body, t);
  for (auto& th : ts) th.join();
  for (auto& m : mailboxes) {
    sync::MutexLock lock(&m.mu);
    EXPECT_TRUE(m.items.empty());
  }
  FixedPoolStats st = pool->stats();
  EXPECT_EQ(allocated.load(), freed.load());
  EXPECT_EQ(st.allocations, allocated.load());
  EXPECT_EQ(st.frees, freed.load());
  EXPECT_EQ(st.blocks_in_use, 0u);
  EXPECT_LE(st.peak_blocks_in_use, st.allocations);
  EXPECT_EQ(st.thread_caches, 0u);
  EXPECT_EQ(st.bytes_reserved, st.chunks * st.chunk_bytes);
}

INSTANTIATE_TEST_SUITE_P(Threads, FixedPoolStress,
                         ::testing::Values(1, 2, 4, 8, 16));

#ifndef NDEBUG
TEST(FixedPoolDeathTest, FreeingAForeignPointerCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto pool = MakePool(64);
  void* p = pool->Allocate();
  void* foreign = std::malloc(64);
  EXPECT_DEATH(pool->Free(foreign), "foreign pointer .*not inside any chunk");
  EXPECT_DEATH(pool->Free(static_cast<char*>(p) + 8),
               "foreign pointer .*not the start of a block");
  auto other = MakePool(64);
  void* q = other->Allocate();
  EXPECT_DEATH(pool->Free(q), "foreign pointer");
  other->Free(q);
  pool->Free(p);
  std::free(foreign);
}
#endif

}  // namespace
}  // namespace moirai::memory
