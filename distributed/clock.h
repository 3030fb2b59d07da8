// Copyright 2026 The Moirai Authors.
//
// distributed/clock.h
// -----------------------------------------------------------------------------
//
// This header defines `Clock`, the monotonic time source of the distributed
// policies (deadlines, queue time), and `FakeClock`, which only moves when a
// test advances it, so deadline behaviour is tested without sleeping.

#ifndef MOIRAI_DISTRIBUTED_CLOCK_H_
#define MOIRAI_DISTRIBUTED_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "moirai/core/mono_time.h"

namespace moirai::distributed {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual core::MonoTime Now() const noexcept = 0;
};

// MonotonicClock: core::MonoTime::Now().
class MonotonicClock final : public Clock {
 public:
  core::MonoTime Now() const noexcept override { return core::MonoTime::Now(); }
};

// FakeClock: starts at `start` and moves only by Advance(). Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(core::MonoTime start = core::MonoTime() + absl::Hours(1))
      : ns_(start.nanoseconds()) {}
  core::MonoTime Now() const noexcept override {
    // Relaxed: the clock value orders nothing else; tests publish their
    // other writes through their own synchronisation.
    return core::MonoTime() +
           absl::Nanoseconds(ns_.load(std::memory_order_relaxed));
  }
  void Advance(absl::Duration d) noexcept {
    // Relaxed: see Now().
    ns_.fetch_add(absl::ToInt64Nanoseconds(d), std::memory_order_relaxed);
  }

 private:
  std::atomic<std::int64_t> ns_;
};

}  // namespace moirai::distributed

#endif  // MOIRAI_DISTRIBUTED_CLOCK_H_
