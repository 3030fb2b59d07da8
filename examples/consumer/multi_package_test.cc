// Several Moirai packages linked into one binary and used together: the
// scheduler's workers fill a lock-free queue with blocks from a memory pool,
// counting under a sync::Mutex; fibers of an async runtime drain it through
// a channel; a core::Future carries the result back to main().
#include <cstdint>
#include <utility>

#include "expect.h"
#include "moirai/async/channel.h"
#include "moirai/async/runtime.h"
#include "moirai/core/future.h"
#include "moirai/lockfree/queue.h"
#include "moirai/memory/fixed_pool.h"
#include "moirai/numa/topology.h"
#include "moirai/sched/parallel.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sync/mutex.h"

int main() {
  const auto topo = moirai::numa::Topology::DetectOrFallback();
  const int workers = topo.num_cpus() < 2 ? 2 : topo.num_cpus();
  auto sched = moirai::sched::Scheduler::Create({.num_workers = workers});
  EXPECT(sched.ok());

  auto pool =
      moirai::memory::FixedPool::Create({.block_size = sizeof(int64_t)});
  EXPECT(pool.ok());
  moirai::lockfree::Queue<int64_t*> queue;
  moirai::sync::Mutex mu;
  int64_t pushed = 0;

  constexpr int64_t kItems = 5000;
  absl::Status s = moirai::sched::ParallelFor(
      **sched, 0, kItems, /*grain=*/64, [&](int64_t i) {
        auto* block = static_cast<int64_t*>((*pool)->Allocate());
        *block = i;
        queue.Push(block);
        moirai::sync::MutexLock lock(&mu);
        ++pushed;
      });
  EXPECT(s.ok());
  {
    moirai::sync::MutexLock lock(&mu);
    EXPECT(pushed == kItems);
  }

  auto rt = moirai::async::Runtime::Create();
  EXPECT(rt.ok());
  moirai::async::Channel<int64_t> ch(64);
  auto [promise, future] = moirai::core::MakePromiseFuture<int64_t>();
  auto producer = (*rt)->Spawn([&] {
    while (auto block = queue.TryPop()) {
      ch.Send(**block).IgnoreError();
      (*pool)->Free(*block);
    }
    ch.Close();
  });
  auto consumer = (*rt)->Spawn([&, p = std::move(promise)]() mutable {
    int64_t sum = 0;
    for (auto v = ch.Recv(); v.ok(); v = ch.Recv()) sum += *v;
    p.SetValue(sum).IgnoreError();
  });
  absl::StatusOr<int64_t> sum = std::move(future).Get();
  EXPECT(producer.Join().ok() && consumer.Join().ok());
  EXPECT(sum.ok() && *sum == kItems * (kItems - 1) / 2);
  EXPECT((*pool)->stats().blocks_in_use == 0);
  return 0;
}
