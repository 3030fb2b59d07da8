// Copyright 2026 The Moirai Authors.

#include "moirai/core/mono_time.h"

#include <atomic>

#include "absl/time/clock.h"

namespace moirai::core {
namespace {
// The test-only wall-clock skew (SetWallClockSkewForTesting), in ns.
// Relaxed: a test sets it between waits; nothing is published through it.
std::atomic<std::int64_t> wall_skew_ns{0};
}  // namespace

MonoTime MonoTime::Now() noexcept {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return MonoTime(static_cast<std::int64_t>(ts.tv_sec) * 1000000000 +
                  ts.tv_nsec);
}

MonoTime operator+(MonoTime t, absl::Duration d) noexcept {
  if (t.is_infinite() || d == absl::InfiniteDuration()) {
    return MonoTime::Infinite();
  }
  if (d == -absl::InfiniteDuration()) return MonoTime();
  const std::int64_t dn = absl::ToInt64Nanoseconds(d);  // saturates
  std::int64_t out;
  if (__builtin_add_overflow(t.ns_, dn, &out)) {
    return dn > 0 ? MonoTime::Infinite() : MonoTime();
  }
  if (out < 0) out = 0;
  return MonoTime(out == MonoTime::Infinite().ns_ ? out - 1 : out);
}

MonoTime MonoTime::FromWall(absl::Time t) noexcept {
  if (t == absl::InfiniteFuture()) return Infinite();
  if (t == absl::InfinitePast()) return MonoTime();
  const absl::Time wall_now =
      absl::Now() +
      absl::Nanoseconds(wall_skew_ns.load(std::memory_order_relaxed));
  return Now() + (t - wall_now);
}

namespace internal {
void SetWallClockSkewForTesting(absl::Duration skew) noexcept {
  wall_skew_ns.store(absl::ToInt64Nanoseconds(skew), std::memory_order_relaxed);
}
}  // namespace internal

}  // namespace moirai::core
