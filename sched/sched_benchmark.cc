// Copyright 2026 The Moirai Authors.
//
// sched/sched_benchmark.cc
// -----------------------------------------------------------------------------
//
// Fork-join and data-parallel workloads, Moirai against oneTBB, OpenMP
// tasks, Boost.Fiber (work_stealing) and the serial code, with the same
// workload, sizes and compiler flags for each (see PERFORMANCE.md).
//
//   fib30_1t, fib30_2t   naive fib(30), one fork per call (about 1.35M tasks);
//                        counter ns_per_task = time / forks.
//   skynet_1m            1M leaf tasks, 10-ary tree, 2 threads. Peers:
//                        oneTBB task_group; Boost.Fiber work_stealing with
//                        Boost's own skynet code (one fiber per node,
//                        buffered channels, 2-page fixedsize stacks).
//   nqueens12            all solutions of 12 queens, forking per placement in
//                        the first 4 rows (serial below), 2 threads.
//   matmul1024           C += A*B, 1024x1024 doubles, cache-oblivious
//                        recursive split down to 64x64 blocks, 2 threads.
//   uts_geo              an unbalanced tree (UTS-style: child count from a
//                        hash of the node, geometric-ish), 2 threads.
//   parallel_for         1M iterations of a small compute kernel, grain 4096,
//                        2 threads.
//   idle_2w/moirai       counters: CPU % of one core used over 100 ms by an
//                        idle 2-worker scheduler (getrusage), and the RSS of
//                        the scheduler over the process baseline, in KiB.
//
// Thread counts are fixed at 2 for the multi-threaded cases (the CI machine
// has 2 cores); the serial variant is the floor.

#include <omp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "boost/fiber/algo/work_stealing.hpp"
#include "boost/fiber/all.hpp"
#include "moirai/sched/parallel.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sched/task_group.h"
#include "oneapi/tbb/blocked_range.h"
#include "oneapi/tbb/parallel_for.h"
#include "oneapi/tbb/partitioner.h"
#include "oneapi/tbb/task_arena.h"
#include "oneapi/tbb/task_group.h"

namespace moirai::sched {
namespace {

// MOIRAI_BENCH_DEQUE_FENCES=symmetric runs every Moirai row with
// lockfree::DequeFences::kSymmetric instead of the default adaptive policy,
// to compare the two (same binary, same rows).
lockfree::DequeFences BenchDequeFences() {
  const char* v = std::getenv("MOIRAI_BENCH_DEQUE_FENCES");
  return v != nullptr && std::string(v) == "symmetric"
             ? lockfree::DequeFences::kSymmetric
             : lockfree::DequeFences::kAuto;
}

std::unique_ptr<Scheduler> MakeScheduler(int workers) {
  SchedulerOptions o;
  o.num_workers = workers;
  o.deque_fences = BenchDequeFences();
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Create(o);
  if (!s.ok()) std::abort();
  return std::move(*s);
}

// ---------------------------------------------------------------------------
// fib

constexpr int kFibN = 30;

std::int64_t FibSerial(int n) {
  return n < 2 ? n : FibSerial(n - 1) + FibSerial(n - 2);
}

// Number of forks fib(n) does (one per internal call).
std::int64_t FibForks(int n) {
  return n < 2 ? 0 : 1 + FibForks(n - 1) + FibForks(n - 2);
}

std::int64_t FibMoirai(int n) {
  if (n < 2) return n;
  std::int64_t a, b;
  TaskGroup g;
  g.Run([&] { a = FibMoirai(n - 1); });
  b = FibMoirai(n - 2);
  (void)g.Wait();
  return a + b;
}

std::int64_t FibTbb(int n) {
  if (n < 2) return n;
  std::int64_t a, b;
  tbb::task_group g;
  g.run([&] { a = FibTbb(n - 1); });
  b = FibTbb(n - 2);
  g.wait();
  return a + b;
}

std::int64_t FibOmp(int n) {
  if (n < 2) return n;
  std::int64_t a, b;
#pragma omp task shared(a) firstprivate(n)
  a = FibOmp(n - 1);
  b = FibOmp(n - 2);
#pragma omp taskwait
  return a + b;
}

void SetFibCounters(benchmark::State& state) {
  const double forks = static_cast<double>(FibForks(kFibN));
  state.counters["ns_per_task"] = benchmark::Counter(
      forks * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Counters: tasks stolen per iteration (a diagnostic for the 2-thread cases),
// and whether the adaptive deque fences downgraded to symmetric.
void SetStealCounter(benchmark::State& state, const Scheduler& s) {
  std::uint64_t stolen = 0;
  for (const WorkerStats& w : s.Stats().workers) stolen += w.stolen;
  state.counters["steals_per_iter"] =
      static_cast<double>(stolen) /
      static_cast<double>(
          std::max<benchmark::IterationCount>(1, state.iterations()));
  // 1 when the adaptive deque fences switched to symmetric (scheduler.h).
  state.counters["fences_downgraded"] =
      s.Stats().deque_fences_downgraded ? 1.0 : 0.0;
}

template <int kWorkers>
void BM_Fib_Moirai(benchmark::State& state) {
  auto s = MakeScheduler(kWorkers);
  for (auto _ : state) {
    std::int64_t r = *s->Spawn([] { return FibMoirai(kFibN); }).Get();
    benchmark::DoNotOptimize(r);
  }
  SetFibCounters(state);
  SetStealCounter(state, *s);
}

template <int kWorkers>
void BM_Fib_Tbb(benchmark::State& state) {
  tbb::task_arena arena(kWorkers);
  for (auto _ : state) {
    std::int64_t r = 0;
    arena.execute([&] { r = FibTbb(kFibN); });
    benchmark::DoNotOptimize(r);
  }
  SetFibCounters(state);
}

template <int kWorkers>
void BM_Fib_OpenMp(benchmark::State& state) {
  const int threads = kWorkers;
  for (auto _ : state) {
    std::int64_t r = 0;
#pragma omp parallel num_threads(threads)
#pragma omp single
    r = FibOmp(kFibN);
    benchmark::DoNotOptimize(r);
  }
  SetFibCounters(state);
}

void BM_Fib_Serial(benchmark::State& state) {
  for (auto _ : state) {
    std::int64_t r = FibSerial(kFibN);
    benchmark::DoNotOptimize(r);
  }
  SetFibCounters(state);
}

BENCHMARK(BM_Fib_Moirai<1>)
    ->Name("fib30_1t/moirai")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fib_Tbb<1>)
    ->Name("fib30_1t/tbb")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fib_OpenMp<1>)
    ->Name("fib30_1t/openmp")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fib_Serial)
    ->Name("fib30_1t/serial")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fib_Moirai<2>)
    ->Name("fib30_2t/moirai")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fib_Tbb<2>)
    ->Name("fib30_2t/tbb")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fib_OpenMp<2>)
    ->Name("fib30_2t/openmp")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fib_Serial)
    ->Name("fib30_2t/serial")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------
// skynet: 1M leaves, each returns its number; sums up a 10-ary tree.

constexpr std::uint64_t kSkynetSize = 1000000;
constexpr std::uint64_t kSkynetDiv = 10;
constexpr std::uint64_t kSkynetSum = kSkynetSize * (kSkynetSize - 1) / 2;
constexpr int kThreads = 2;

std::uint64_t SkynetMoirai(std::uint64_t num, std::uint64_t size) {
  if (size == 1) return num;
  std::uint64_t sums[kSkynetDiv];
  const std::uint64_t sub = size / kSkynetDiv;
  TaskGroup g;
  for (std::uint64_t i = 0; i < kSkynetDiv; ++i) {
    g.Run([&sums, i, num, sub] { sums[i] = SkynetMoirai(num + i * sub, sub); });
  }
  (void)g.Wait();
  std::uint64_t total = 0;
  for (std::uint64_t v : sums) total += v;
  return total;
}

std::uint64_t SkynetTbb(std::uint64_t num, std::uint64_t size) {
  if (size == 1) return num;
  std::uint64_t sums[kSkynetDiv];
  const std::uint64_t sub = size / kSkynetDiv;
  tbb::task_group g;
  for (std::uint64_t i = 0; i < kSkynetDiv; ++i) {
    g.run([&sums, i, num, sub] { sums[i] = SkynetTbb(num + i * sub, sub); });
  }
  g.wait();
  std::uint64_t total = 0;
  for (std::uint64_t v : sums) total += v;
  return total;
}

// Boost.Fiber: the skynet benchmark as in Boost's own
// libs/fiber/performance/fiber/skynet_stealing_detach.cpp (one fiber per
// node, buffered channels, dispatch launch, small fixedsize stacks), on the
// work_stealing algorithm with kThreads threads.
//
// The stack allocator is `fixedsize_stack` (malloc per stack, thread-safe):
// `pooled_fixedsize_stack` is a `boost::pool` without a lock, and stealing
// moves fibers (and their stack deallocations) between threads.
using SkynetChannel = boost::fibers::buffered_channel<std::uint64_t>;
using SkynetStack = boost::fibers::fixedsize_stack;

void SkynetFiber(SkynetStack& salloc, SkynetChannel& c, std::uint64_t num,
                 std::uint64_t size) {
  if (size == 1) {
    c.push(num);
    return;
  }
  SkynetChannel rc{16};
  const std::uint64_t sub = size / kSkynetDiv;
  for (std::uint64_t i = 0; i < kSkynetDiv; ++i) {
    boost::fibers::fiber{boost::fibers::launch::dispatch,
                         std::allocator_arg,
                         salloc,
                         SkynetFiber,
                         std::ref(salloc),
                         std::ref(rc),
                         num + i * sub,
                         sub}
        .detach();
  }
  std::uint64_t sum = 0;
  for (std::uint64_t i = 0; i < kSkynetDiv; ++i) sum += rc.value_pop();
  c.push(sum);
}

// The kThreads fiber threads of the Boost peer, started once per process.
//
// Boost.Fiber's work_stealing keeps its schedulers in a static array sized on
// first use and numbers threads with a static counter that never resets, so
// a process can install it on one set of threads only: a second set indexes
// past the array (what crashed the first version of this peer, which made
// fresh threads for every iteration). So the threads live as long as the
// process, and between runs they block on a std::condition_variable (the
// whole thread sleeps, so the spinning work_stealing dispatchers cost the
// other benchmarks nothing). During a run, thread 0's main fiber runs the
// root of the tree and the other threads' main fibers wait on a fiber
// condition variable, leaving their dispatchers to steal.
class BoostFiberPool {
 public:
  BoostFiberPool() {
    for (int t = 0; t < kThreads; ++t) {
      threads_.emplace_back([this, t] { ThreadMain(t); });
    }
  }
  ~BoostFiberPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    start_cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  // Runs skynet(1M) on the pool; returns the sum.
  std::uint64_t RunSkynet() {
    std::unique_lock<std::mutex> lock(mu_);
    const std::uint64_t gen = ++generation_;
    start_cv_.notify_all();
    done_cv_.wait(lock, [&] { return finished_ == gen; });
    return result_;
  }

 private:
  void ThreadMain(int t) {
    boost::fibers::use_scheduling_algorithm<boost::fibers::algo::work_stealing>(
        kThreads);
    std::uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      if (t == 0) {
        SkynetChannel rc{2};
        SkynetFiber(salloc_, rc, 0, kSkynetSize);
        const std::uint64_t r = rc.value_pop();
        {
          std::lock_guard<boost::fibers::mutex> lock(fiber_mu_);
          fiber_done_ = seen;
        }
        fiber_cv_.notify_all();
        {
          std::lock_guard<std::mutex> lock(mu_);
          result_ = r;
          finished_ = seen;
        }
        done_cv_.notify_all();
      } else {
        std::unique_lock<boost::fibers::mutex> lock(fiber_mu_);
        fiber_cv_.wait(lock, [&] { return fiber_done_ == seen; });
      }
    }
  }

  SkynetStack salloc_{2 * SkynetStack::traits_type::page_size()};
  std::mutex mu_;
  std::condition_variable start_cv_;
  std::condition_variable done_cv_;
  bool stop_ = false;             // guarded by mu_
  std::uint64_t generation_ = 0;  // guarded by mu_: runs requested
  std::uint64_t finished_ = 0;    // guarded by mu_: runs finished
  std::uint64_t result_ = 0;      // guarded by mu_
  boost::fibers::mutex fiber_mu_;
  boost::fibers::condition_variable fiber_cv_;
  std::uint64_t fiber_done_ = 0;  // guarded by fiber_mu_
  std::vector<std::thread> threads_;
};

void BM_Skynet_BoostFiber(benchmark::State& state) {
  static BoostFiberPool pool;
  for (auto _ : state) {
    if (pool.RunSkynet() != kSkynetSum) state.SkipWithError("wrong skynet sum");
  }
}

void BM_Skynet_Moirai(benchmark::State& state) {
  auto s = MakeScheduler(kThreads);
  for (auto _ : state) {
    std::uint64_t r =
        *s->Spawn([] { return SkynetMoirai(0, kSkynetSize); }).Get();
    if (r != kSkynetSum) state.SkipWithError("wrong skynet sum");
  }
  SetStealCounter(state, *s);
}

void BM_Skynet_Tbb(benchmark::State& state) {
  tbb::task_arena arena(kThreads);
  for (auto _ : state) {
    std::uint64_t r = 0;
    arena.execute([&] { r = SkynetTbb(0, kSkynetSize); });
    if (r != kSkynetSum) state.SkipWithError("wrong skynet sum");
  }
}

BENCHMARK(BM_Skynet_Moirai)
    ->Name("skynet_1m/moirai")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Skynet_Tbb)
    ->Name("skynet_1m/tbb")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Skynet_BoostFiber)
    ->Name("skynet_1m/boost_fiber")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------
// nqueens: count all solutions; fork per placement in rows < kQueensCutoff.

constexpr int kQueensN = 12;
constexpr int kQueensCutoff = 4;
constexpr std::int64_t kQueens12Solutions = 14200;

bool QueenOk(const int* cols, int row, int col) {
  for (int r = 0; r < row; ++r) {
    const int c = cols[r];
    if (c == col || c - col == r - row || c - col == row - r) return false;
  }
  return true;
}

std::int64_t QueensSerial(int* cols, int row) {
  if (row == kQueensN) return 1;
  std::int64_t n = 0;
  for (int c = 0; c < kQueensN; ++c) {
    if (!QueenOk(cols, row, c)) continue;
    cols[row] = c;
    n += QueensSerial(cols, row + 1);
  }
  return n;
}

struct Board {
  int cols[kQueensN];
};

std::int64_t QueensMoirai(const Board& b, int row) {
  if (row >= kQueensCutoff) {
    Board copy = b;
    return QueensSerial(copy.cols, row);
  }
  std::int64_t counts[kQueensN] = {};
  Board children[kQueensN];
  TaskGroup g;
  for (int c = 0; c < kQueensN; ++c) {
    if (!QueenOk(b.cols, row, c)) continue;
    children[c] = b;
    children[c].cols[row] = c;
    g.Run([&counts, &children, c, row] {
      counts[c] = QueensMoirai(children[c], row + 1);
    });
  }
  (void)g.Wait();
  std::int64_t n = 0;
  for (std::int64_t v : counts) n += v;
  return n;
}

std::int64_t QueensTbb(const Board& b, int row) {
  if (row >= kQueensCutoff) {
    Board copy = b;
    return QueensSerial(copy.cols, row);
  }
  std::int64_t counts[kQueensN] = {};
  Board children[kQueensN];
  tbb::task_group g;
  for (int c = 0; c < kQueensN; ++c) {
    if (!QueenOk(b.cols, row, c)) continue;
    children[c] = b;
    children[c].cols[row] = c;
    g.run([&counts, &children, c, row] {
      counts[c] = QueensTbb(children[c], row + 1);
    });
  }
  g.wait();
  std::int64_t n = 0;
  for (std::int64_t v : counts) n += v;
  return n;
}

std::int64_t QueensOmp(const Board& b, int row) {
  if (row >= kQueensCutoff) {
    Board copy = b;
    return QueensSerial(copy.cols, row);
  }
  std::int64_t counts[kQueensN] = {};
  Board children[kQueensN];
  for (int c = 0; c < kQueensN; ++c) {
    if (!QueenOk(b.cols, row, c)) continue;
    children[c] = b;
    children[c].cols[row] = c;
#pragma omp task shared(counts, children) firstprivate(c, row)
    counts[c] = QueensOmp(children[c], row + 1);
  }
#pragma omp taskwait
  std::int64_t n = 0;
  for (std::int64_t v : counts) n += v;
  return n;
}

void BM_Queens_Moirai(benchmark::State& state) {
  auto s = MakeScheduler(kThreads);
  for (auto _ : state) {
    std::int64_t r = *s->Spawn([] { return QueensMoirai(Board{}, 0); }).Get();
    if (r != kQueens12Solutions) state.SkipWithError("wrong nqueens count");
  }
  SetStealCounter(state, *s);
}
void BM_Queens_Tbb(benchmark::State& state) {
  tbb::task_arena arena(kThreads);
  for (auto _ : state) {
    std::int64_t r = 0;
    arena.execute([&] { r = QueensTbb(Board{}, 0); });
    if (r != kQueens12Solutions) state.SkipWithError("wrong nqueens count");
  }
}
void BM_Queens_OpenMp(benchmark::State& state) {
  for (auto _ : state) {
    std::int64_t r = 0;
#pragma omp parallel num_threads(kThreads)
#pragma omp single
    r = QueensOmp(Board{}, 0);
    if (r != kQueens12Solutions) state.SkipWithError("wrong nqueens count");
  }
}
void BM_Queens_Serial(benchmark::State& state) {
  for (auto _ : state) {
    Board b{};
    std::int64_t r = QueensSerial(b.cols, 0);
    if (r != kQueens12Solutions) state.SkipWithError("wrong nqueens count");
  }
}
BENCHMARK(BM_Queens_Moirai)
    ->Name("nqueens12/moirai")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Queens_Tbb)
    ->Name("nqueens12/tbb")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Queens_OpenMp)
    ->Name("nqueens12/openmp")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Queens_Serial)
    ->Name("nqueens12/serial")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------
// matmul: cache-oblivious C += A * B (row-major, leading dimension kN).

constexpr int kN = 1024;
constexpr int kLeaf = 64;

struct Mat {
  const double* a;
  const double* b;
  double* c;
};

void MulLeaf(const double* a, const double* b, double* c, int m, int n, int k) {
  for (int i = 0; i < m; ++i) {
    for (int p = 0; p < k; ++p) {
      const double aip = a[i * kN + p];
      for (int j = 0; j < n; ++j) c[i * kN + j] += aip * b[p * kN + j];
    }
  }
}

// Splits the largest of m, n, k. Splitting m or n gives independent halves
// (forked); splitting k gives two updates of the same C (sequential).
template <typename Fork>
void MulRec(const double* a, const double* b, double* c, int m, int n, int k,
            const Fork& fork) {
  if (m <= kLeaf && n <= kLeaf && k <= kLeaf) {
    MulLeaf(a, b, c, m, n, k);
    return;
  }
  if (m >= n && m >= k) {
    const int h = m / 2;
    fork([=, &fork] { MulRec(a, b, c, h, n, k, fork); },
         [=, &fork] { MulRec(a + h * kN, b, c + h * kN, m - h, n, k, fork); });
  } else if (n >= k) {
    const int h = n / 2;
    fork([=, &fork] { MulRec(a, b, c, m, h, k, fork); },
         [=, &fork] { MulRec(a, b + h, c + h, m, n - h, k, fork); });
  } else {
    const int h = k / 2;
    MulRec(a, b, c, m, n, h, fork);
    MulRec(a + h, b + h * kN, c, m, n, k - h, fork);
  }
}

struct MatmulData {
  std::vector<double> a, b, c;
  MatmulData() : a(kN * kN), b(kN * kN), c(kN * kN) {
    for (int i = 0; i < kN * kN; ++i) {
      a[i] = (i % 7) * 0.5;
      b[i] = (i % 5) * 0.25;
    }
  }
  void Reset() { std::fill(c.begin(), c.end(), 0.0); }
  // c[0][0] and c[last][last] against a direct dot product.
  bool Check() const {
    for (int idx : {0, kN * kN - 1, 517 * kN + 3}) {
      const int i = idx / kN, j = idx % kN;
      double s = 0;
      for (int p = 0; p < kN; ++p) s += a[i * kN + p] * b[p * kN + j];
      if (std::fabs(s - c[idx]) > 1e-6 * std::max(1.0, std::fabs(s)))
        return false;
    }
    return true;
  }
};

void BM_Matmul_Moirai(benchmark::State& state) {
  auto s = MakeScheduler(kThreads);
  MatmulData d;
  auto fork = [](auto&& x, auto&& y) {
    TaskGroup g;
    g.Run(x);
    y();
    (void)g.Wait();
  };
  for (auto _ : state) {
    d.Reset();
    (void)
        s->Spawn([&] {
           MulRec(d.a.data(), d.b.data(), d.c.data(), kN, kN, kN, fork);
         }).Get();
  }
  if (!d.Check()) state.SkipWithError("wrong product");
}
void BM_Matmul_Tbb(benchmark::State& state) {
  tbb::task_arena arena(kThreads);
  MatmulData d;
  auto fork = [](auto&& x, auto&& y) {
    tbb::task_group g;
    g.run(x);
    y();
    g.wait();
  };
  for (auto _ : state) {
    d.Reset();
    arena.execute(
        [&] { MulRec(d.a.data(), d.b.data(), d.c.data(), kN, kN, kN, fork); });
  }
  if (!d.Check()) state.SkipWithError("wrong product");
}
void BM_Matmul_OpenMp(benchmark::State& state) {
  MatmulData d;
  auto fork = [](auto&& x, auto&& y) {
#pragma omp task shared(x)
    x();
    y();
#pragma omp taskwait
  };
  for (auto _ : state) {
    d.Reset();
#pragma omp parallel num_threads(kThreads)
#pragma omp single
    MulRec(d.a.data(), d.b.data(), d.c.data(), kN, kN, kN, fork);
  }
  if (!d.Check()) state.SkipWithError("wrong product");
}
void BM_Matmul_Serial(benchmark::State& state) {
  MatmulData d;
  auto fork = [](auto&& x, auto&& y) {
    x();
    y();
  };
  for (auto _ : state) {
    d.Reset();
    MulRec(d.a.data(), d.b.data(), d.c.data(), kN, kN, kN, fork);
  }
  if (!d.Check()) state.SkipWithError("wrong product");
}
BENCHMARK(BM_Matmul_Moirai)
    ->Name("matmul1024/moirai")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Matmul_Tbb)
    ->Name("matmul1024/tbb")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Matmul_OpenMp)
    ->Name("matmul1024/openmp")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Matmul_Serial)
    ->Name("matmul1024/serial")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------
// UTS-like unbalanced tree: a node's child count comes from a hash of its id
// (0..8 children, mean just under 1 below the root's wide fan-out), so
// subtrees vary wildly in size. The count of nodes is the checked result.

constexpr int kUtsRootChildren = 20000;
constexpr int kUtsMaxDepth = 40;

std::uint64_t Mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

int UtsChildren(std::uint64_t id, int depth) {
  if (depth >= kUtsMaxDepth) return 0;
  // P(k children) = 2^-(k+1) (capped at 8): mean just under 1, a critical
  // branching process: finite, but subtree sizes are heavy-tailed.
  const std::uint64_t h = Mix(id);
  int k = 0;
  while (k < 8 && ((h >> (4 * k)) & 0xF) < 8) ++k;
  return k;
}

std::uint64_t UtsSerial(std::uint64_t id, int depth) {
  std::uint64_t n = 1;
  const int k = UtsChildren(id, depth);
  for (int i = 0; i < k; ++i) n += UtsSerial(Mix(id * 31 + i + 1), depth + 1);
  return n;
}

std::uint64_t UtsMoirai(std::uint64_t id, int depth) {
  const int k = UtsChildren(id, depth);
  if (k == 0) return 1;
  std::uint64_t counts[8];
  TaskGroup g;
  for (int i = 0; i < k; ++i) {
    g.Run([&counts, i, id, depth] {
      counts[i] = UtsMoirai(Mix(id * 31 + i + 1), depth + 1);
    });
  }
  (void)g.Wait();
  std::uint64_t n = 1;
  for (int i = 0; i < k; ++i) n += counts[i];
  return n;
}

std::uint64_t UtsTbb(std::uint64_t id, int depth) {
  const int k = UtsChildren(id, depth);
  if (k == 0) return 1;
  std::uint64_t counts[8];
  tbb::task_group g;
  for (int i = 0; i < k; ++i) {
    g.run([&counts, i, id, depth] {
      counts[i] = UtsTbb(Mix(id * 31 + i + 1), depth + 1);
    });
  }
  g.wait();
  std::uint64_t n = 1;
  for (int i = 0; i < k; ++i) n += counts[i];
  return n;
}

std::uint64_t UtsExpected() {
  std::uint64_t n = 1;
  for (int r = 0; r < kUtsRootChildren; ++r) n += UtsSerial(Mix(r + 12345), 1);
  return n;
}

void BM_Uts_Moirai(benchmark::State& state) {
  auto s = MakeScheduler(kThreads);
  const std::uint64_t expected = UtsExpected();
  for (auto _ : state) {
    std::uint64_t r =
        *s->Spawn([] {
            std::vector<std::uint64_t> counts(kUtsRootChildren);
            TaskGroup g;
            for (int i = 0; i < kUtsRootChildren; ++i) {
              g.Run([&counts, i] { counts[i] = UtsMoirai(Mix(i + 12345), 1); });
            }
            (void)g.Wait();
            std::uint64_t n = 1;
            for (std::uint64_t c : counts) n += c;
            return n;
          }).Get();
    if (r != expected) state.SkipWithError("wrong tree size");
  }
  state.counters["nodes"] = static_cast<double>(expected);
  SetStealCounter(state, *s);
}
void BM_Uts_Tbb(benchmark::State& state) {
  tbb::task_arena arena(kThreads);
  const std::uint64_t expected = UtsExpected();
  for (auto _ : state) {
    std::uint64_t r = 0;
    arena.execute([&] {
      std::vector<std::uint64_t> counts(kUtsRootChildren);
      tbb::task_group g;
      for (int i = 0; i < kUtsRootChildren; ++i) {
        g.run([&counts, i] { counts[i] = UtsTbb(Mix(i + 12345), 1); });
      }
      g.wait();
      r = 1;
      for (std::uint64_t c : counts) r += c;
    });
    if (r != expected) state.SkipWithError("wrong tree size");
  }
  state.counters["nodes"] = static_cast<double>(expected);
}
void BM_Uts_Serial(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(UtsExpected());
}
BENCHMARK(BM_Uts_Moirai)
    ->Name("uts_geo/moirai")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Uts_Tbb)
    ->Name("uts_geo/tbb")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Uts_Serial)
    ->Name("uts_geo/serial")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------
// parallel_for: 1M iterations of a small kernel, grain 4096.

constexpr std::int64_t kPforN = 1 << 20;
constexpr std::int64_t kGrain = 4096;

inline double Kernel(std::int64_t i) {
  double x = static_cast<double>(i) * 1e-6;
  for (int k = 0; k < 8; ++k) x = x * 0.999 + 0.5 / (1.0 + x);
  return x;
}

void BM_Pfor_Moirai(benchmark::State& state) {
  auto s = MakeScheduler(kThreads);
  std::vector<double> out(kPforN);
  for (auto _ : state) {
    (void)ParallelFor(*s, 0, kPforN, kGrain,
                      [&](std::int64_t i) { out[i] = Kernel(i); });
    benchmark::DoNotOptimize(out.data());
  }
  SetStealCounter(state, *s);
}
void BM_Pfor_Tbb(benchmark::State& state) {
  tbb::task_arena arena(kThreads);
  std::vector<double> out(kPforN);
  for (auto _ : state) {
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<std::int64_t>(0, kPforN, kGrain),
          [&](const tbb::blocked_range<std::int64_t>& r) {
            for (std::int64_t i = r.begin(); i < r.end(); ++i)
              out[i] = Kernel(i);
          },
          tbb::simple_partitioner());
    });
    benchmark::DoNotOptimize(out.data());
  }
}
void BM_Pfor_OpenMp(benchmark::State& state) {
  std::vector<double> out(kPforN);
  for (auto _ : state) {
#pragma omp parallel for num_threads(kThreads) schedule(dynamic, kGrain)
    for (std::int64_t i = 0; i < kPforN; ++i) out[i] = Kernel(i);
    benchmark::DoNotOptimize(out.data());
  }
}
void BM_Pfor_Serial(benchmark::State& state) {
  std::vector<double> out(kPforN);
  for (auto _ : state) {
    for (std::int64_t i = 0; i < kPforN; ++i) out[i] = Kernel(i);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Pfor_Moirai)
    ->Name("parallel_for/moirai")
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Pfor_Tbb)
    ->Name("parallel_for/tbb")
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Pfor_OpenMp)
    ->Name("parallel_for/openmp")
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Pfor_Serial)
    ->Name("parallel_for/serial")
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------------------
// Idle cost: CPU and RSS of a 2-worker scheduler with nothing to do.

double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

double RssKiB() {
  long pages = 0, resident = 0;  // NOLINT(runtime/int): statm format
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return static_cast<double>(resident) *
         static_cast<double>(sysconf(_SC_PAGESIZE)) / 1024.0;
}

void BM_Idle_Moirai(benchmark::State& state) {
  double cpu_pct = 0, rss_kib = 0;
  for (auto _ : state) {
    const double rss0 = RssKiB();
    auto s = MakeScheduler(2);
    // Some work first, so the workers have been through a spin/park cycle.
    for (int i = 0; i < 100; ++i) (void)s->Spawn([i] { return i; }).Get();
    // Wait (bounded) until both workers are parked.
    for (int tries = 0; tries < 10000; ++tries) {
      bool all = true;
      for (const WorkerStats& w : s->Stats().workers) all = all && w.parked;
      if (all) break;
      absl::SleepFor(absl::Milliseconds(1));
    }
    rss_kib = RssKiB() - rss0;
    const double c0 = CpuSeconds();
    const absl::Time t0 = absl::Now();
    absl::SleepFor(absl::Milliseconds(100));
    const double wall = absl::ToDoubleSeconds(absl::Now() - t0);
    cpu_pct = 100.0 * (CpuSeconds() - c0) / wall;
  }
  state.counters["idle_cpu_pct_of_one_core"] = cpu_pct;
  state.counters["idle_rss_over_baseline_kib"] = rss_kib;
}
BENCHMARK(BM_Idle_Moirai)
    ->Name("idle_2w/moirai")
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace moirai::sched
