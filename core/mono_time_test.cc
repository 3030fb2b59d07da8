// Copyright 2026 The Moirai Authors.

#include "moirai/core/mono_time.h"

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/core/internal/futex.h"

namespace moirai::core {
namespace {

TEST(MonoTimeTest, SaturatingArithmetic) {
  const MonoTime now = MonoTime::Now();
  EXPECT_TRUE((now + absl::InfiniteDuration()).is_infinite());
  EXPECT_TRUE((MonoTime::Infinite() + absl::Seconds(-5)).is_infinite());
  EXPECT_EQ(now + -absl::InfiniteDuration(), MonoTime());
  EXPECT_EQ((now + absl::Seconds(3)) - now, absl::Seconds(3));
  EXPECT_LT(now, now + absl::Nanoseconds(1));
  EXPECT_LT(now + absl::Hours(1000000), MonoTime::Infinite());
  EXPECT_EQ(MonoTime::Infinite() - now, absl::InfiniteDuration());
}

TEST(MonoTimeTest, FromWallMapsInfinitiesAndOffsets) {
  EXPECT_TRUE(MonoTime::FromWall(absl::InfiniteFuture()).is_infinite());
  EXPECT_EQ(MonoTime::FromWall(absl::InfinitePast()), MonoTime());
  const MonoTime before = MonoTime::Now();
  const MonoTime m = MonoTime::FromWall(absl::Now() + absl::Hours(1));
  const MonoTime after = MonoTime::Now();
  EXPECT_GE(m, before + absl::Hours(1));
  EXPECT_LE(m, after + absl::Hours(1));
}

// A wall-clock step before the conversion moves the converted instant, as
// it moves the wall-clock instant the caller named; nothing after it.
TEST(MonoTimeTest, SkewedWallClockShiftsOnlyTheConversion) {
  const absl::Time target = absl::Now() + absl::Hours(2);
  internal::SetWallClockSkewForTesting(absl::Hours(1));
  const MonoTime m = MonoTime::FromWall(target);
  internal::SetWallClockSkewForTesting(absl::ZeroDuration());
  // The skewed wall clock is an hour ahead: `target` is one hour away.
  EXPECT_LT(m, MonoTime::Now() + absl::Minutes(61));
  EXPECT_GT(m, MonoTime::Now() + absl::Minutes(59));
}

TEST(MonoTimeTest, FutexWaitTimesOutOnTheMonotonicClock) {
  std::atomic<std::uint32_t> word{0};
  const MonoTime deadline = MonoTime::After(absl::Milliseconds(5));
  internal::FutexWaitResult r;
  do {
    r = internal::FutexWait(&word, 0, deadline);
  } while (r != internal::FutexWaitResult::kTimedOut);
  EXPECT_GE(MonoTime::Now(), deadline);
  EXPECT_EQ(internal::FutexWait(&word, 1, MonoTime::Infinite()),
            internal::FutexWaitResult::kValueChanged);
}

}  // namespace
}  // namespace moirai::core
