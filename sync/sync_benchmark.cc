// Copyright 2026 The Moirai Authors.
//
// Benchmarks for moirai::sync against its peers (PERFORMANCE.md). Names are
// `<case>/<impl>`; multi-threaded cases use Google Benchmark threads with real
// time, so every iteration is one operation per thread for every
// implementation and time ratios within a case compare directly. Run with
//   bazel run --config=opt //sync:sync_benchmark -- --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true

#include <pthread.h>

#include <atomic>
#include <barrier>
#include <cstdint>
#include <latch>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "benchmark/benchmark.h"
#include "moirai/core/arch.h"
#include "moirai/sync/sync.h"

namespace moirai::sync {
namespace {

// glibc runs pthread_mutex_lock/unlock without atomic instructions while the
// process has never had a second thread (`__libc_single_threaded`), which
// would make "uncontended std::mutex" a non-atomic measurement that no real
// concurrent program sees. Start (and join) one thread before any benchmark
// runs so every implementation is measured as in a multi-threaded program.
[[maybe_unused]] const bool kProcessIsMultiThreaded = [] {
  std::thread([] {}).join();
  return true;
}();

// --- peers wrapped as Lockable -----------------------------------------------

// The floor: the cheapest lock there is, a bare atomic exchange (with a
// read-only spin so that contended runs are not pathological).
class FloorLock {
 public:
  void lock() {
    while (locked_.exchange(true, std::memory_order_acquire)) {
      while (locked_.load(std::memory_order_relaxed)) core::CpuRelax();
    }
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

class PthreadSpinLock {
 public:
  PthreadSpinLock() { pthread_spin_init(&lock_, PTHREAD_PROCESS_PRIVATE); }
  ~PthreadSpinLock() { pthread_spin_destroy(&lock_); }
  void lock() { pthread_spin_lock(&lock_); }
  void unlock() { pthread_spin_unlock(&lock_); }

 private:
  pthread_spinlock_t lock_;
};

class AbslMutexLock {
 public:
  void lock() { mu_.Lock(); }
  void unlock() { mu_.Unlock(); }
  void lock_shared() { mu_.ReaderLock(); }
  void unlock_shared() { mu_.ReaderUnlock(); }

 private:
  absl::Mutex mu_;
};

// Runtime-switchable metrics, switched off / on: the cost of the switch.
LockMetrics g_metrics_off(/*enabled=*/false);
LockMetrics g_metrics_on(/*enabled=*/true);
struct MeteredOff : MeteredLock<Mutex> {
  MeteredOff() : MeteredLock<Mutex>(&g_metrics_off) {}
};
struct MeteredOn : MeteredLock<Mutex> {
  MeteredOn() : MeteredLock<Mutex>(&g_metrics_on) {}
};

// --- exclusive locks ---------------------------------------------------------

template <typename Lock>
void BM_Uncontended(benchmark::State& state) {
  Lock lock;
  std::int64_t counter = 0;
  for (auto _ : state) {
    lock.lock();
    ++counter;
    lock.unlock();
  }
  benchmark::DoNotOptimize(counter);
}

// One lock shared by all threads; a short critical section (one increment of
// a shared counter). Each iteration is one lock/unlock per thread.
template <typename Lock>
void BM_Contended(benchmark::State& state) {
  static Lock* lock;
  static std::int64_t counter;
  if (state.thread_index() == 0) {
    lock = new Lock;
    counter = 0;
  }
  for (auto _ : state) {
    lock->lock();
    ++counter;
    lock->unlock();
  }
  if (state.thread_index() == 0) {
    benchmark::DoNotOptimize(counter);
    delete lock;
  }
}

#define MOIRAI_LOCK_CASES(CASE, BM, THREADS)                                   \
  BENCHMARK_TEMPLATE(BM, Mutex)->Name(CASE "/moirai") THREADS;                 \
  BENCHMARK_TEMPLATE(BM, std::mutex)->Name(CASE "/std") THREADS;               \
  BENCHMARK_TEMPLATE(BM, AbslMutexLock)->Name(CASE "/absl") THREADS;           \
  BENCHMARK_TEMPLATE(BM, PthreadSpinLock)->Name(CASE "/pthread_spin") THREADS; \
  BENCHMARK_TEMPLATE(BM, FloorLock)->Name(CASE "/floor") THREADS

#define MOIRAI_SPIN_CASES(CASE, BM, THREADS)                                   \
  BENCHMARK_TEMPLATE(BM, SpinLock)->Name(CASE "/moirai") THREADS;              \
  BENCHMARK_TEMPLATE(BM, PthreadSpinLock)->Name(CASE "/pthread_spin") THREADS; \
  BENCHMARK_TEMPLATE(BM, FloorLock)->Name(CASE "/floor") THREADS

#define MOIRAI_NO_THREADS
#define MOIRAI_THREADS(n) ->Threads(n)->UseRealTime()

MOIRAI_LOCK_CASES("mutex_uncontended", BM_Uncontended, MOIRAI_NO_THREADS);
BENCHMARK_TEMPLATE(BM_Uncontended, MeteredOff)
    ->Name("mutex_uncontended/moirai_metrics_off");
BENCHMARK_TEMPLATE(BM_Uncontended, MeteredOn)
    ->Name("mutex_uncontended/moirai_metrics_on");
MOIRAI_LOCK_CASES("mutex_contended_2t", BM_Contended, MOIRAI_THREADS(2));
MOIRAI_LOCK_CASES("mutex_contended_4t", BM_Contended, MOIRAI_THREADS(4));
MOIRAI_SPIN_CASES("spinlock_uncontended", BM_Uncontended, MOIRAI_NO_THREADS);
MOIRAI_SPIN_CASES("spinlock_contended_2t", BM_Contended, MOIRAI_THREADS(2));
MOIRAI_SPIN_CASES("spinlock_contended_4t", BM_Contended, MOIRAI_THREADS(4));

// --- reader-writer locks -----------------------------------------------------

// Readers only: each iteration is one shared lock/unlock per thread around a
// read of a shared value.
template <typename Lock>
void BM_Readers(benchmark::State& state) {
  static Lock* lock;
  static std::int64_t value;
  if (state.thread_index() == 0) {
    lock = new Lock;
    value = 42;
  }
  std::int64_t sum = 0;
  for (auto _ : state) {
    lock->lock_shared();
    sum += value;
    lock->unlock_shared();
  }
  benchmark::DoNotOptimize(sum);
  if (state.thread_index() == 0) delete lock;
}

BENCHMARK_TEMPLATE(BM_Readers, RwLock)
    ->Name("rwlock_readers_2t/moirai") MOIRAI_THREADS(2);
BENCHMARK_TEMPLATE(BM_Readers, std::shared_mutex)
    ->Name("rwlock_readers_2t/std") MOIRAI_THREADS(2);
BENCHMARK_TEMPLATE(BM_Readers, AbslMutexLock)
    ->Name("rwlock_readers_2t/absl") MOIRAI_THREADS(2);
BENCHMARK_TEMPLATE(BM_Readers, RwLock)->Name("rwlock_readers_1t/moirai");
BENCHMARK_TEMPLATE(BM_Readers, std::shared_mutex)
    ->Name("rwlock_readers_1t/std");
BENCHMARK_TEMPLATE(BM_Readers, AbslMutexLock)->Name("rwlock_readers_1t/absl");

// --- barriers and latches ----------------------------------------------------

struct MoiraiBarrier {
  explicit MoiraiBarrier(int n) : barrier(n) {}
  void ArriveAndWait() { barrier.ArriveAndWait(); }
  Barrier barrier;
};
struct StdBarrier {
  explicit StdBarrier(int n) : barrier(n) {}
  void ArriveAndWait() { barrier.arrive_and_wait(); }
  std::barrier<> barrier;
};

// Each iteration is one barrier phase (every thread arrives once).
template <typename B>
void BM_Barrier(benchmark::State& state) {
  static B* barrier;
  if (state.thread_index() == 0) barrier = new B(state.threads());
  for (auto _ : state) barrier->ArriveAndWait();
  if (state.thread_index() == 0) delete barrier;
}

BENCHMARK_TEMPLATE(BM_Barrier, MoiraiBarrier)
    ->Name("barrier_2t/moirai") MOIRAI_THREADS(2);
BENCHMARK_TEMPLATE(BM_Barrier, StdBarrier)
    ->Name("barrier_2t/std") MOIRAI_THREADS(2);

// Single thread: construct a latch of 2, count it down twice, wait.
void BM_LatchMoirai(benchmark::State& state) {
  for (auto _ : state) {
    Latch latch(2);
    latch.CountDown();
    latch.CountDown();
    latch.Wait();
    benchmark::DoNotOptimize(&latch);
  }
}
void BM_LatchStd(benchmark::State& state) {
  for (auto _ : state) {
    std::latch latch(2);
    latch.count_down();
    latch.count_down();
    latch.wait();
    benchmark::DoNotOptimize(&latch);
  }
}
BENCHMARK(BM_LatchMoirai)->Name("latch/moirai");
BENCHMARK(BM_LatchStd)->Name("latch/std");

// --- counters ----------------------------------------------------------------

// Two threads bump one counter: sharded vs one shared atomic.
void BM_CounterSharded(benchmark::State& state) {
  static ShardedCounter* counter;
  if (state.thread_index() == 0) counter = new ShardedCounter;
  for (auto _ : state) counter->Increment();
  if (state.thread_index() == 0) {
    benchmark::DoNotOptimize(counter->Read());
    delete counter;
  }
}
void BM_CounterAtomic(benchmark::State& state) {
  static std::atomic<std::int64_t> counter;
  for (auto _ : state) counter.fetch_add(1, std::memory_order_relaxed);
}
BENCHMARK(BM_CounterSharded)->Name("counter_add_2t/moirai") MOIRAI_THREADS(2);
BENCHMARK(BM_CounterAtomic)->Name("counter_add_2t/std") MOIRAI_THREADS(2);

}  // namespace
}  // namespace moirai::sync
