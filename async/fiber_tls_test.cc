// Copyright 2026 The Moirai Authors.
//
// async/fiber_tls_test.cc
// -----------------------------------------------------------------------------
//
// Regression tests for thread-local fast paths reached from fibers
// (`core::TaskId::Next()`, `memory::FixedPool`). The test is built with -O2
// (see BUILD.bazel): the bug only shows when the optimizer keeps a
// thread-local's address in a register across a fiber switch, as GCC does
// for -fPIC code, so that after a migration the fiber writes the old
// thread's state without synchronisation.
//
// The checks do not rely on a lucky race. Each thread takes TaskIds from its
// own block of kBlockSize consecutive ids and allocates pool blocks from the
// slabs its own cache owns, so every id block and every slab is used by
// exactly one thread. A fiber that reaches the old thread's state after a
// migration breaks that at once, concurrent or not.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/async/internal/test_util.h"
#include "moirai/async/runtime.h"
#include "moirai/core/task.h"
#include "moirai/core/task_id.h"
#include "moirai/memory/fixed_pool.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sync/mutex.h"

namespace moirai::async {
namespace {

// What one thread or fiber took: (thing, worker it was taken on).
struct Taken {
  std::uint64_t value;
  int worker;
};

struct Log {
  sync::Mutex mu;
  std::vector<Taken> ids ABSL_GUARDED_BY(mu);
  std::vector<Taken> slabs ABSL_GUARDED_BY(mu);
  void Add(const std::vector<Taken>& i, const std::vector<Taken>& s) {
    sync::MutexLock lock(&mu);
    ids.insert(ids.end(), i.begin(), i.end());
    slabs.insert(slabs.end(), s.begin(), s.end());
  }
};

constexpr int kPerStep = 64;  // ids and blocks taken between switches
constexpr int kMigrations = 4;

// Every id unique, and every id block / slab used by one worker only.
void CheckLog(Log& log) {
  sync::MutexLock lock(&log.mu);
  std::set<std::uint64_t> ids;
  std::map<std::uint64_t, std::set<int>> block_users;
  for (const Taken& t : log.ids) {
    EXPECT_TRUE(ids.insert(t.value).second) << "duplicate id " << t.value;
    block_users[(t.value - 1) / core::TaskId::kBlockSize].insert(t.worker);
  }
  int shared_blocks = 0;
  for (const auto& [block, users] : block_users)
    shared_blocks += users.size() > 1;
  EXPECT_EQ(shared_blocks, 0)
      << "id blocks handed out on two workers (a fiber used the thread-local "
         "block of a thread it had left)";
  std::map<std::uint64_t, std::set<int>> slab_users;
  for (const Taken& t : log.slabs) slab_users[t.value].insert(t.worker);
  int shared_slabs = 0;
  for (const auto& [slab, users] : slab_users) shared_slabs += users.size() > 1;
  EXPECT_EQ(shared_slabs, 0)
      << "pool slabs allocated from on two workers (a fiber used the "
         "thread cache of a thread it had left)";
}

TEST(FiberThreadLocalTest, TaskIdsAndPoolBlocksFollowTheThread) {
  auto rt = testing_util::MakeRuntime(2);
  ASSERT_NE(rt, nullptr);
  memory::FixedPoolOptions pool_options;
  pool_options.block_size = 64;
  auto pool_or = memory::FixedPool::Create(pool_options);
  ASSERT_TRUE(pool_or.ok());
  memory::FixedPool& pool = **pool_or;
  const std::uint64_t slab_mask = ~std::uint64_t{pool.chunk_bytes() - 1};
  Log log;
  std::atomic<int> migrations{0};
  std::atomic<bool> fibers_done{false};

  // Fibers: take ids and blocks, move to another worker, take more. The
  // TaskId::Next() and Allocate() calls before and after the switch are in
  // one loop, which is what lets the compiler hoist the address.
  constexpr int kFibers = 4;
  std::vector<JoinHandle<void>> fibers;
  for (int f = 0; f < kFibers; ++f) {
    fibers.push_back(rt->Spawn([&] {
      // Preallocated: no calls in the loop but the ones under test, Yield()
      // and CurrentWorkerIndex().
      constexpr int kMaxRounds = 20000;
      std::vector<Taken> ids(kMaxRounds * kPerStep), slabs(ids.size());
      std::vector<void*> blocks(kPerStep);
      std::size_t n = 0;
      int moved = 0;
      for (int round = 0; round < kMaxRounds && moved < kMigrations; ++round) {
        const int worker = sched::Scheduler::CurrentWorkerIndex();
        for (int i = 0; i < kPerStep; ++i, ++n) {
          ids[n] = {core::TaskId::Next().value(), worker};
          blocks[i] = pool.Allocate();
          slabs[n] = {reinterpret_cast<std::uint64_t>(blocks[i]) & slab_mask,
                      worker};
        }
        for (void* b : blocks) pool.Free(b);
        if (round % 4 == 3) {
          async::SleepFor(absl::Microseconds(20)).IgnoreError();
        } else {
          Yield();
        }
        if (sched::Scheduler::CurrentWorkerIndex() != worker) ++moved;
      }
      ids.resize(n);
      slabs.resize(n);
      migrations.fetch_add(moved);
      log.Add(ids, slabs);
    }));
  }

  // Plain tasks on both workers do the same meanwhile.
  std::atomic<int> plain_running{0};
  std::thread submitter([&] {
    while (!fibers_done.load()) {
      if (plain_running.load() > 8) {
        std::this_thread::yield();
        continue;
      }
      plain_running.fetch_add(1);
      rt->scheduler()
          ->Submit(core::Task([&] {
            std::vector<Taken> ids, slabs;
            const int worker = sched::Scheduler::CurrentWorkerIndex();
            void* blocks[kPerStep];
            for (int i = 0; i < kPerStep; ++i) {
              ids.push_back({core::TaskId::Next().value(), worker});
              blocks[i] = pool.Allocate();
              slabs.push_back(
                  {reinterpret_cast<std::uint64_t>(blocks[i]) & slab_mask,
                   worker});
            }
            for (void* b : blocks) pool.Free(b);
            log.Add(ids, slabs);
            plain_running.fetch_sub(1);
          }))
          .IgnoreError();
    }
  });
  for (auto& h : fibers) ASSERT_TRUE(h.Join().ok());
  fibers_done.store(true);
  submitter.join();
  while (plain_running.load() != 0) std::this_thread::yield();

  if (migrations.load() == 0) GTEST_SKIP() << "no fiber ever migrated";
  CheckLog(log);
  const memory::FixedPoolStats st = pool.stats();
  EXPECT_EQ(st.allocations, st.frees);
  EXPECT_EQ(st.blocks_in_use, 0u);
  // Every block comes back once: allocate them all again, no duplicates.
  std::set<void*> seen;
  std::vector<void*> again;
  for (std::uint64_t i = 0; i < st.allocations && i < 4096; ++i) {
    void* b = pool.Allocate();
    ASSERT_NE(b, nullptr);
    EXPECT_TRUE(seen.insert(b).second) << "block handed out twice: " << b;
    again.push_back(b);
  }
  for (void* b : again) pool.Free(b);
}

}  // namespace
}  // namespace moirai::async
