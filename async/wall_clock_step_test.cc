// Copyright 2026 The Moirai Authors.
//
// Steps the real wall clock (CLOCK_REALTIME) while fibers sleep, and checks
// that no sleep moves. Before the monotonic-clock work every sleep and
// timeout ran on the wall clock (absl::Now(), FUTEX_CLOCK_REALTIME): a
// forward step ended every armed sleep at once, a backward step stretched
// it by the size of the step. This test failed on that code (run against
// a46a6fd: every sleep returned after ~50 ms instead of 400 ms).
//
// It changes the machine's clock, so it runs only where that is allowed on
// purpose: with CAP_SYS_TIME and MOIRAI_TEST_CLOCK_STEP=1 in the
// environment (CI sets it; the CI machine is disposable). Otherwise it is
// skipped. The clock is put back (to the monotonic time elapsed since the
// test read it) by a guard, also when an assertion fails. Tagged
// `exclusive` so no other test runs while the clock is off.
//
// (runtime_test's WallClockStepsDoNotMoveSleeps covers the same property on
// every machine with a simulated step, core::internal::SetWallClockSkew-
// ForTesting.)

#include <time.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/async/channel.h"
#include "moirai/async/internal/test_util.h"
#include "moirai/async/runtime.h"

namespace moirai::async {
namespace {

// Owns a step of CLOCK_REALTIME: Step(d) moves it by `d` from where it
// would be; the destructor moves it back to where it would be now.
class WallClockStep {
 public:
  WallClockStep() {
    clock_gettime(CLOCK_REALTIME, &wall0_);
    mono0_ = std::chrono::steady_clock::now();
  }
  WallClockStep(const WallClockStep&) = delete;
  WallClockStep& operator=(const WallClockStep&) = delete;
  ~WallClockStep() {
    if (stepped_) Set(absl::ZeroDuration()).IgnoreError();
  }

  absl::Status Step(absl::Duration d) {
    absl::Status s = Set(d);
    if (s.ok()) stepped_ = true;
    return s;
  }

 private:
  // Sets the wall clock to wall0_ + (monotonic time since) + offset.
  absl::Status Set(absl::Duration offset) {
    const absl::Time target =
        absl::TimeFromTimespec(wall0_) +
        absl::FromChrono(std::chrono::steady_clock::now() - mono0_) + offset;
    const timespec ts = absl::ToTimespec(target);
    if (clock_settime(CLOCK_REALTIME, &ts) != 0) {
      return absl::PermissionDeniedError(
          std::string("clock_settime(CLOCK_REALTIME): ") +
          std::strerror(errno));
    }
    return absl::OkStatus();
  }

  timespec wall0_;
  std::chrono::steady_clock::time_point mono0_;
  bool stepped_ = false;
};

bool ClockStepAllowed() {
  const char* v = std::getenv("MOIRAI_TEST_CLOCK_STEP");
  return v != nullptr && std::string(v) == "1";
}

// Fibers sleep (SleepFor, SleepUntil with a wall-clock deadline, and a
// channel receive with a wall-clock task deadline); the clock steps ten minutes
// forward while they are asleep and stays there. On the wall clock every
// one of them would return at once; on the monotonic clock each sleeps its
// full time.
TEST(WallClockStepTest, AForwardStepEndsNoSleep) {
  if (!ClockStepAllowed()) {
    GTEST_SKIP() << "set MOIRAI_TEST_CLOCK_STEP=1 (and run with CAP_SYS_TIME) "
                    "to let this test step the machine's wall clock";
  }
  constexpr absl::Duration kNap = absl::Milliseconds(400);
  auto rt = testing_util::MakeRuntime(2);
  std::atomic<int> armed{0};
  Channel<int> never(1);
  std::vector<JoinHandle<absl::Duration>> naps;
  SpawnOptions options;
  // Every nap is measured from here, before the task deadline is set (the
  // receive's nap starts when the deadline is computed, not when its fiber
  // starts).
  const auto begin = std::chrono::steady_clock::now();
  options.deadline = absl::Now() + kNap;
  for (int i = 0; i < 3; ++i) {
    naps.push_back(rt->Spawn(
        [&, i]() -> absl::Duration {
          const absl::Time wall_deadline = absl::Now() + kNap;
          armed.fetch_add(1);
          if (i == 0) {
            EXPECT_TRUE(async::SleepFor(kNap).ok());
          } else if (i == 1) {
            EXPECT_TRUE(async::SleepUntil(wall_deadline).ok());
          } else {
            // A receive bounded by the task's deadline (an absl::Time): it
            // times out, after the whole nap.
            absl::StatusOr<int> r = never.Recv();
            EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded)
                << r.status();
          }
          return absl::FromChrono(std::chrono::steady_clock::now() - begin);
        },
        options));
  }
  // The step must come after the fibers armed their waits (if it came
  // first, the old code would have slept ten minutes more at the step back: a
  // hang, which fails too). 50 ms of monotonic time after the last one armed.
  while (armed.load() < 3) std::this_thread::yield();
  const auto armed_at = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - armed_at <
         std::chrono::milliseconds(50)) {
    std::this_thread::yield();
  }
  WallClockStep step;
  absl::Status s = step.Step(absl::Minutes(10));
  if (absl::IsPermissionDenied(s)) GTEST_SKIP() << s;
  ASSERT_TRUE(s.ok()) << s;
  for (auto& h : naps) {
    absl::StatusOr<absl::Duration> slept = h.Join();
    ASSERT_TRUE(slept.ok()) << slept.status();
    EXPECT_GE(*slept, kNap);
    EXPECT_LT(*slept, absl::Minutes(1));
  }
}

}  // namespace
}  // namespace moirai::async
