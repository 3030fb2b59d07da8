// Copyright 2026 The Moirai Authors.
//
// memory/memory_benchmark.cc
// -----------------------------------------------------------------------------
//
// Moirai's FixedPool against glibc malloc, mimalloc, jemalloc, tcmalloc
// (gperftools) and boost::pool, with the same loops:
//
//   alloc_free_64/<impl>            allocate 64 B, free it; one pair per iter
//   alloc_free_64_batch1000/<impl>  allocate 1000 x 64 B, then free all 1000
//   alloc_free_64_xthread_2t/<impl> thread 0 allocates, thread 1 frees
//                                   (256 blocks per iter cross an SPSC ring
//                                   of batches)
//
// How the malloc peers are called. Debian's libmimalloc, libjemalloc and
// libtcmalloc_minimal all export plain `malloc`/`free`, so linking them
// interposes one of them process-wide (the first in link order) and glibc's
// `malloc` symbol would no longer be glibc's. So every malloc peer -- glibc
// included -- is called through the `malloc`/`free` that its own shared
// object defines, looked up with dlopen(RTLD_NOLOAD) + dlsym on that object:
// the real entry point and fast path of each allocator, called through a
// function pointer exactly like a PLT call. (The prefixed APIs are not used
// for jemalloc: `mallocx` skips jemalloc's malloc fast path.) The benchmark
// context line `process_malloc` says which allocator serves everything else
// in this process (Google Benchmark's own allocations, boost::pool chunks).

#include <dlfcn.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "boost/pool/pool.hpp"
#include "gperftools/tcmalloc.h"
#include "jemalloc/jemalloc.h"
#include "mimalloc.h"
#include "moirai/core/arch.h"
#include "moirai/memory/fixed_pool.h"

namespace moirai::memory {
namespace {

constexpr std::size_t kSize = 64;

using MallocFn = void* (*)(std::size_t);
using FreeFn = void (*)(void*);

struct MallocPeer {
  const char* name;
  const char* soname;
  MallocFn malloc_fn = nullptr;
  FreeFn free_fn = nullptr;
};

std::array<MallocPeer, 4>& Peers() {
  static std::array<MallocPeer, 4> peers = [] {
    std::array<MallocPeer, 4> p = {{{"glibc", "libc.so.6"},
                                    {"mimalloc", "libmimalloc.so.2"},
                                    {"jemalloc", "libjemalloc.so.2"},
                                    {"tcmalloc", "libtcmalloc_minimal.so.4"}}};
    for (MallocPeer& peer : p) {
      void* h = dlopen(peer.soname, RTLD_NOW | RTLD_NOLOAD);
      if (h == nullptr) {
        std::fprintf(stderr, "memory_benchmark: %s is not loaded: %s\n",
                     peer.soname, dlerror());
        continue;
      }
      peer.malloc_fn = reinterpret_cast<MallocFn>(dlsym(h, "malloc"));
      peer.free_fn = reinterpret_cast<FreeFn>(dlsym(h, "free"));
    }
    return p;
  }();
  return peers;
}

// Keeps the three peer libraries linked (their headers' APIs are referenced
// here, so the linker records them) and names the process-wide malloc.
std::string ProcessMalloc() {
  volatile int keep = mi_version();
  (void)keep;
  volatile const char* tc = tc_version(nullptr, nullptr, nullptr);
  (void)tc;
  std::size_t sz = sizeof(const char*);
  const char* je = nullptr;
  mallctl("version", &je, &sz, nullptr, 0);
  void* global = dlsym(RTLD_DEFAULT, "malloc");
  for (const MallocPeer& peer : Peers()) {
    if (reinterpret_cast<void*>(peer.malloc_fn) == global) return peer.name;
  }
  return "unknown";
}

// Every implementation goes through this shape, so the loops are identical.
struct Moirai {
  static FixedPool* Pool() {
    static FixedPool* pool = [] {
      FixedPoolOptions o;
      o.block_size = kSize;
      o.alignment = 16;
      return FixedPool::Create(o).value().release();
    }();
    return pool;
  }
  void* Alloc() { return pool->Allocate(); }
  void Free(void* p) { pool->Free(p); }
  FixedPool* pool = Pool();
};

template <int kPeer>
struct Malloc {
  void* Alloc() { return m(kSize); }
  void Free(void* p) { f(p); }
  MallocFn m = Peers()[kPeer].malloc_fn;
  FreeFn f = Peers()[kPeer].free_fn;
};

// boost::pool is not thread-safe: single-threaded cases use it bare, the
// cross-thread case behind a mutex (what boost::singleton_pool does).
struct Boost {
  static boost::pool<>& Pool() {
    static boost::pool<>* pool = new boost::pool<>(kSize);
    return *pool;
  }
  void* Alloc() { return Pool().malloc(); }
  void Free(void* p) { Pool().free(p); }
};
struct BoostLocked {
  static std::mutex& Mu() {
    static std::mutex* mu = new std::mutex;
    return *mu;
  }
  void* Alloc() {
    std::lock_guard<std::mutex> l(Mu());
    return Boost::Pool().malloc();
  }
  void Free(void* p) {
    std::lock_guard<std::mutex> l(Mu());
    Boost::Pool().free(p);
  }
};

template <int kPeer>
bool PeerAvailable(benchmark::State& state) {
  if (Peers()[kPeer].malloc_fn == nullptr ||
      Peers()[kPeer].free_fn == nullptr) {
    state.SkipWithError("allocator not loaded");
    return false;
  }
  return true;
}

template <typename Impl>
void BM_AllocFree(benchmark::State& state) {
  Impl impl;
  for (auto _ : state) {
    void* p = impl.Alloc();
    benchmark::DoNotOptimize(p);
    impl.Free(p);
  }
  state.SetItemsProcessed(state.iterations());
}

template <typename Impl>
void BM_AllocFreeBatch(benchmark::State& state) {
  Impl impl;
  constexpr int kBatch = 1000;
  std::vector<void*> ptrs(kBatch);
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      ptrs[i] = impl.Alloc();
      benchmark::DoNotOptimize(ptrs[i]);
    }
    for (int i = 0; i < kBatch; ++i) impl.Free(ptrs[i]);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

// A bounded single-producer single-consumer ring of batches: blocks cross
// threads 256 at a time, so the hand-off costs one release/acquire pair per
// batch and the loop measures the allocators rather than the ring.
constexpr int kPerBatch = 256;
struct Ring {
  static constexpr std::size_t kCap = 8;
  alignas(core::kFalseSharingRange) std::atomic<std::size_t> head{0};
  alignas(core::kFalseSharingRange) std::atomic<std::size_t> tail{0};
  alignas(core::kFalseSharingRange)
      std::array<std::array<void*, kPerBatch>, kCap> slots;

  // The producer fills the next free slot in place, then publishes it.
  std::array<void*, kPerBatch>& BeginPush() {
    const std::size_t t = tail.load(std::memory_order_relaxed);
    while (t - head.load(std::memory_order_acquire) == kCap) Wait();
    return slots[t % kCap];
  }
  void EndPush() {
    // Release pairs with BeginPop's acquire: the batch contents are visible.
    tail.store(tail.load(std::memory_order_relaxed) + 1,
               std::memory_order_release);
  }
  std::array<void*, kPerBatch>& BeginPop() {
    const std::size_t h = head.load(std::memory_order_relaxed);
    while (tail.load(std::memory_order_acquire) == h) Wait();
    return slots[h % kCap];
  }
  void EndPop() {
    // Release pairs with BeginPush's acquire: the slot may be refilled.
    head.store(head.load(std::memory_order_relaxed) + 1,
               std::memory_order_release);
  }
  static void Wait() {
    core::CpuRelax();
    std::this_thread::yield();  // 2 shared cores: let the other side run
  }
};

template <typename Impl>
void BM_CrossThread(benchmark::State& state) {
  static Ring* ring = new Ring;
  Impl impl;
  for (auto _ : state) {
    if (state.thread_index() == 0) {
      std::array<void*, kPerBatch>& batch = ring->BeginPush();
      for (int i = 0; i < kPerBatch; ++i) batch[i] = impl.Alloc();
      ring->EndPush();
    } else {
      std::array<void*, kPerBatch>& batch = ring->BeginPop();
      for (int i = 0; i < kPerBatch; ++i) impl.Free(batch[i]);
      ring->EndPop();
    }
  }
  // Both threads run the same number of iterations, so the ring is empty
  // when the benchmark ends.
  state.SetItemsProcessed(state.iterations() * kPerBatch);
}

template <int kPeer>
void BM_AllocFreePeer(benchmark::State& state) {
  if (PeerAvailable<kPeer>(state)) BM_AllocFree<Malloc<kPeer>>(state);
}
template <int kPeer>
void BM_AllocFreeBatchPeer(benchmark::State& state) {
  if (PeerAvailable<kPeer>(state)) BM_AllocFreeBatch<Malloc<kPeer>>(state);
}
template <int kPeer>
void BM_CrossThreadPeer(benchmark::State& state) {
  if (PeerAvailable<kPeer>(state)) BM_CrossThread<Malloc<kPeer>>(state);
}

BENCHMARK(BM_AllocFree<Moirai>)->Name("alloc_free_64/moirai");
BENCHMARK(BM_AllocFreePeer<0>)->Name("alloc_free_64/glibc");
BENCHMARK(BM_AllocFreePeer<1>)->Name("alloc_free_64/mimalloc");
BENCHMARK(BM_AllocFreePeer<2>)->Name("alloc_free_64/jemalloc");
BENCHMARK(BM_AllocFreePeer<3>)->Name("alloc_free_64/tcmalloc");
BENCHMARK(BM_AllocFree<Boost>)->Name("alloc_free_64/boost");

BENCHMARK(BM_AllocFreeBatch<Moirai>)->Name("alloc_free_64_batch1000/moirai");
BENCHMARK(BM_AllocFreeBatchPeer<0>)->Name("alloc_free_64_batch1000/glibc");
BENCHMARK(BM_AllocFreeBatchPeer<1>)->Name("alloc_free_64_batch1000/mimalloc");
BENCHMARK(BM_AllocFreeBatchPeer<2>)->Name("alloc_free_64_batch1000/jemalloc");
BENCHMARK(BM_AllocFreeBatchPeer<3>)->Name("alloc_free_64_batch1000/tcmalloc");
BENCHMARK(BM_AllocFreeBatch<Boost>)->Name("alloc_free_64_batch1000/boost");

BENCHMARK(BM_CrossThread<Moirai>)
    ->Name("alloc_free_64_xthread_2t/moirai")
    ->Threads(2)
    ->UseRealTime();
BENCHMARK(BM_CrossThreadPeer<0>)
    ->Name("alloc_free_64_xthread_2t/glibc")
    ->Threads(2)
    ->UseRealTime();
BENCHMARK(BM_CrossThreadPeer<1>)
    ->Name("alloc_free_64_xthread_2t/mimalloc")
    ->Threads(2)
    ->UseRealTime();
BENCHMARK(BM_CrossThreadPeer<2>)
    ->Name("alloc_free_64_xthread_2t/jemalloc")
    ->Threads(2)
    ->UseRealTime();
BENCHMARK(BM_CrossThreadPeer<3>)
    ->Name("alloc_free_64_xthread_2t/tcmalloc")
    ->Threads(2)
    ->UseRealTime();
BENCHMARK(BM_CrossThread<BoostLocked>)
    ->Name("alloc_free_64_xthread_2t/boost")
    ->Threads(2)
    ->UseRealTime();

// Registers the process_malloc context line before the benchmarks run.
const bool context_added = [] {
  benchmark::AddCustomContext("process_malloc", ProcessMalloc());
  return true;
}();

}  // namespace
}  // namespace moirai::memory
