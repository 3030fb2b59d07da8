// Copyright 2026 The Moirai Authors.
//
// core/mono_time.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::core::MonoTime`, a point on the monotonic
// clock (CLOCK_MONOTONIC). Every deadline inside Moirai -- futex waits,
// timers, sleeps, timeouts, the scheduler's statistics -- is a MonoTime, so
// that a step of the wall clock (NTP, an administrator, a suspended VM
// resuming) neither stretches nor shortens a wait.
//
// APIs take `absl::Duration` for relative waits (added to MonoTime::Now()
// directly) and `absl::Time` for absolute deadlines, which are wall-clock
// instants: those are converted once, when the wait is armed
// (`MonoTime::FromWall`), and the wait then runs on the monotonic clock. A
// wall-clock step after that point does not move the wait; one before it
// moves it as it moves the instant the caller named.

#ifndef MOIRAI_CORE_MONO_TIME_H_
#define MOIRAI_CORE_MONO_TIME_H_

#include <time.h>

#include <cstdint>
#include <limits>

#include "absl/time/time.h"

namespace moirai::core {

class MonoTime {
 public:
  // MonoTime::MonoTime(): the clock's origin (an instant long past).
  constexpr MonoTime() noexcept = default;

  // MonoTime::Now(): the monotonic clock now.
  static MonoTime Now() noexcept;

  // MonoTime::Infinite(): later than every other instant ("no deadline").
  static constexpr MonoTime Infinite() noexcept {
    return MonoTime(std::numeric_limits<std::int64_t>::max());
  }

  // MonoTime::FromWall()
  //
  // The monotonic instant that corresponds to the wall-clock instant `t`
  // now: Now() + (t - wall clock now). absl::InfiniteFuture() maps to
  // Infinite(), absl::InfinitePast() to the origin.
  static MonoTime FromWall(absl::Time t) noexcept;

  // MonoTime::After(): Now() + d (saturating; an infinite d gives Infinite).
  static MonoTime After(absl::Duration d) noexcept { return Now() + d; }

  bool is_infinite() const noexcept { return *this == Infinite(); }

  // Saturating arithmetic: Infinite() stays infinite.
  friend MonoTime operator+(MonoTime t, absl::Duration d) noexcept;
  friend absl::Duration operator-(MonoTime a, MonoTime b) noexcept {
    if (a.is_infinite()) return absl::InfiniteDuration();
    return absl::Nanoseconds(a.ns_ - b.ns_);
  }
  friend constexpr bool operator==(MonoTime a, MonoTime b) noexcept {
    return a.ns_ == b.ns_;
  }
  friend constexpr auto operator<=>(MonoTime a, MonoTime b) noexcept {
    return a.ns_ <=> b.ns_;
  }

  // MonoTime::ToTimespec(): for CLOCK_MONOTONIC system calls (finite only).
  struct timespec ToTimespec() const noexcept {
    struct timespec ts;
    ts.tv_sec = static_cast<time_t>(ns_ / 1000000000);
    ts.tv_nsec = static_cast<long>(ns_ % 1000000000);  // NOLINT(runtime/int)
    return ts;
  }

  // MonoTime::nanoseconds(): since the clock's origin.
  constexpr std::int64_t nanoseconds() const noexcept { return ns_; }

 private:
  constexpr explicit MonoTime(std::int64_t ns) noexcept : ns_(ns) {}
  std::int64_t ns_ = 0;
};

namespace internal {

// SetWallClockSkewForTesting()
//
// Test-only: makes MonoTime::FromWall see the wall clock moved by `skew`
// (as if it had been stepped), so that tests can show that no wait armed
// before the "step" moves. Not for production code.
void SetWallClockSkewForTesting(absl::Duration skew) noexcept;

}  // namespace internal
}  // namespace moirai::core

#endif  // MOIRAI_CORE_MONO_TIME_H_
