// Copyright 2026 The Moirai Authors.
//
// sync/lock_metrics.h
// -----------------------------------------------------------------------------
//
// This header defines lock-contention metrics: `LockMetrics`, a set of
// counters (acquisitions, contended acquisitions, total time spent waiting),
// and `MeteredLock<Lock, Mode>`, a wrapper that records into a LockMetrics
// every time it is locked. It wraps any Moirai lock (Mutex, SpinLock, RwLock)
// or any other Lockable, and keeps its shared-mode operations if it has them.
//
//   moirai::sync::LockMetrics table_metrics;  // may be shared by many locks
//   moirai::sync::MeteredLock<moirai::sync::Mutex> mu(&table_metrics);
//   ...
//   LockMetricsSnapshot s = table_metrics.Snapshot();
//   // s.acquisitions, s.contended, s.wait_time
//
// Switching metrics on and off:
//   * At compile time, with the `Mode` template argument: `MetricsMode::kOff`
//     compiles the recording out entirely (a MeteredLock<L, kOff> has the
//     code and, with [[no_unique_address]], the size of a bare L), `kOn`
//     records unconditionally.
//   * At run time, with `MetricsMode::kRuntime` (the default):
//     `LockMetrics::Enable()` / `Disable()`. While disabled, a lock pays one
//     relaxed load and a predictable branch.
// The plain lock types (`Mutex`, `RwLock`, `SpinLock`) contain no metrics code
// at all, so code that does not ask for metrics never pays for them.
//
// What is counted: an acquisition is contended if an immediate try-lock
// failed; its wait time is measured with a steady clock only then, so the
// uncontended path reads no clock. Shared (reader) acquisitions count like
// exclusive ones. The counters are ShardedCounters: recording does not itself
// make threads contend.

#ifndef MOIRAI_SYNC_LOCK_METRICS_H_
#define MOIRAI_SYNC_LOCK_METRICS_H_

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <type_traits>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "moirai/core/arch.h"
#include "moirai/sync/sharded_counter.h"

namespace moirai::sync {

// A consistent-enough copy of a LockMetrics (each field read separately).
struct LockMetricsSnapshot {
  std::int64_t acquisitions = 0;  // successful lock()/try_lock()/lock_shared()
  std::int64_t contended = 0;     // acquisitions that had to wait
  absl::Duration wait_time;       // total time spent waiting in them
};

class LockMetrics {
 public:
  // LockMetrics::LockMetrics()
  //
  // Zeroed counters, enabled or not (matters for MetricsMode::kRuntime).
  explicit LockMetrics(bool enabled = true) noexcept : enabled_(enabled) {}

  LockMetrics(const LockMetrics&) = delete;
  LockMetrics& operator=(const LockMetrics&) = delete;

  // LockMetrics::Enable(), LockMetrics::Disable(), LockMetrics::enabled()
  //
  // Run-time switch for MeteredLocks in MetricsMode::kRuntime. Takes effect
  // for lock operations that start after the change is visible to them.
  void Enable() noexcept { enabled_.store(true, std::memory_order_relaxed); }
  void Disable() noexcept { enabled_.store(false, std::memory_order_relaxed); }
  bool enabled() const noexcept {
    // Relaxed: a switch, not a synchronisation point.
    return enabled_.load(std::memory_order_relaxed);
  }

  // LockMetrics::Snapshot()
  //
  // The counters now. Exact for operations that happen before the call.
  LockMetricsSnapshot Snapshot() const noexcept {
    return {acquisitions_.Read(), contended_.Read(),
            absl::Nanoseconds(wait_ns_.Read())};
  }

  // LockMetrics::Reset()
  //
  // Zeroes the counters. Only exact while no metered lock is being taken.
  void Reset() noexcept {
    acquisitions_.Reset();
    contended_.Reset();
    wait_ns_.Reset();
  }

  // LockMetrics::RecordAcquisition()
  //
  // Records one acquisition; `wait_ns` < 0 means it was not contended. For
  // lock wrappers; MeteredLock calls it.
  void RecordAcquisition(std::int64_t wait_ns) noexcept {
    acquisitions_.Increment();
    if (wait_ns >= 0) {
      contended_.Increment();
      wait_ns_.Add(wait_ns);
    }
  }

 private:
  std::atomic<bool> enabled_;
  ShardedCounter acquisitions_{8};
  ShardedCounter contended_{8};
  ShardedCounter wait_ns_{8};
};

// How a MeteredLock decides whether to record.
enum class MetricsMode {
  kOff,      // never: compiled out
  kRuntime,  // when LockMetrics::enabled()
  kOn,       // always
};

namespace internal {

// Stands in for the LockMetrics pointer of a MetricsMode::kOff lock, so that
// such a lock is no bigger than the lock it wraps.
struct NoMetricsPointer {
  explicit NoMetricsPointer(LockMetrics*) noexcept {}
};

template <typename L>
concept SharedLockableType = requires(L& l) {
  l.lock_shared();
  l.unlock_shared();
  { l.try_lock_shared() } -> std::convertible_to<bool>;
};

// Nanoseconds on the steady clock; only read on the contended path.
inline std::int64_t SteadyNowNs() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace internal

// MeteredLock
//
// A `Lock` that records its acquisitions into a LockMetrics (not owned; it
// must outlive the lock). Exclusive (and, if `Lock` has them, shared)
// operations as on `Lock`, with the same thread-safety annotations.
template <typename Lock, MetricsMode kMode = MetricsMode::kRuntime>
class ABSL_LOCKABLE MeteredLock {
 public:
  // MeteredLock::MeteredLock()
  //
  // Records into `*metrics`; with MetricsMode::kOff, `metrics` may be null
  // and is ignored.
  explicit MeteredLock(LockMetrics* metrics) noexcept : metrics_(metrics) {}

  MeteredLock(const MeteredLock&) = delete;
  MeteredLock& operator=(const MeteredLock&) = delete;

  void lock() noexcept
      ABSL_EXCLUSIVE_LOCK_FUNCTION() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    if (!Recording()) {
      lock_.lock();
    } else if (lock_.try_lock()) {
      metrics()->RecordAcquisition(-1);
    } else {
      // Contended: only now read the clock.
      const std::int64_t start = internal::SteadyNowNs();
      lock_.lock();
      metrics()->RecordAcquisition(internal::SteadyNowNs() - start);
    }
  }

  bool try_lock() noexcept
      ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    const bool acquired = lock_.try_lock();
    if (acquired && Recording()) metrics()->RecordAcquisition(-1);
    return acquired;
  }

  void unlock() noexcept ABSL_UNLOCK_FUNCTION() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    lock_.unlock();
  }

  template <typename L = Lock>
  requires internal::SharedLockableType<L>
  void lock_shared() noexcept
      ABSL_SHARED_LOCK_FUNCTION() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    if (!Recording()) {
      lock_.lock_shared();
    } else if (lock_.try_lock_shared()) {
      metrics()->RecordAcquisition(-1);
    } else {
      const std::int64_t start = internal::SteadyNowNs();
      lock_.lock_shared();
      metrics()->RecordAcquisition(internal::SteadyNowNs() - start);
    }
  }

  template <typename L = Lock>
  requires internal::SharedLockableType<L>
  bool try_lock_shared() noexcept
      ABSL_SHARED_TRYLOCK_FUNCTION(true) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    const bool acquired = lock_.try_lock_shared();
    if (acquired && Recording()) metrics()->RecordAcquisition(-1);
    return acquired;
  }

  template <typename L = Lock>
  requires internal::SharedLockableType<L>
  void unlock_shared() noexcept
      ABSL_UNLOCK_FUNCTION() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    lock_.unlock_shared();
  }

  // MeteredLock::wrapped()
  //
  // The lock inside. Locking it directly bypasses the metrics.
  Lock& wrapped() noexcept { return lock_; }

  // MeteredLock::metrics()
  //
  // The LockMetrics recorded into; nullptr for MetricsMode::kOff.
  LockMetrics* metrics() const noexcept {
    if constexpr (kMode == MetricsMode::kOff) {
      return nullptr;
    } else {
      return metrics_;
    }
  }

 private:
  bool Recording() const noexcept {
    if constexpr (kMode == MetricsMode::kOff) {
      return false;
    } else if constexpr (kMode == MetricsMode::kOn) {
      return true;
    } else {
      return MOIRAI_UNLIKELY(metrics_->enabled());
    }
  }

  Lock lock_;
  [[no_unique_address]] const std::conditional_t<
      kMode == MetricsMode::kOff, internal::NoMetricsPointer, LockMetrics*>
      metrics_;
};

// MeteredLockHolder
//
// Holds a MeteredLock exclusively for the lifetime of the object.
template <typename Lock, MetricsMode kMode>
class ABSL_SCOPED_LOCKABLE MeteredLockHolder {
 public:
  explicit MeteredLockHolder(MeteredLock<Lock, kMode>* lock) noexcept
      ABSL_EXCLUSIVE_LOCK_FUNCTION(lock)
      : lock_(lock) {
    lock_->lock();
  }
  MeteredLockHolder(const MeteredLockHolder&) = delete;
  MeteredLockHolder& operator=(const MeteredLockHolder&) = delete;
  ~MeteredLockHolder() ABSL_UNLOCK_FUNCTION() { lock_->unlock(); }

 private:
  MeteredLock<Lock, kMode>* const lock_;
};

}  // namespace moirai::sync

#endif  // MOIRAI_SYNC_LOCK_METRICS_H_
