// Copyright 2026 The Moirai Authors.
//
// async/internal/wake_state_deterministic_test.cc
// -----------------------------------------------------------------------------
//
// The fiber wake-state protocol (wake_state.h) under the deterministic
// schedule (//tools/testing), with the Waiter claim it works with. Three
// threads: the fiber (a cancellable wait on one Waiter, as
// FiberBase::ParkCancellable does it), a source that claims the Waiter and
// unparks the fiber, and a canceller. The fiber's continuation after a park
// runs on whichever thread resumes it, as in the runtime. Checked on every
// interleaving: the fiber finishes, every park is resumed exactly once (no
// lost wake-up, no double resume, no resume left over for a later park),
// the fiber never runs on two threads at once, and the Waiter is claimed
// exactly once. The same trial with BrokenRmwAtomic (every CAS split into a
// load and a store) must fail.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "moirai/async/internal/wake_state.h"
#include "moirai/tools/testing/deterministic_schedule.h"

namespace moirai::async::internal {
namespace {

using ::moirai::testing::BrokenRmwAtomic;
using ::moirai::testing::DeterministicAtomic;
using ::moirai::testing::DeterministicSchedule;
using ::moirai::testing::ExploreResult;
using ::moirai::testing::ExploreSchedules;

constexpr int kUnclaimed = -1;
constexpr int kBySource = 1;
constexpr int kByCancel = 2;

template <template <typename> class Atom>
class Model {
 public:
  using State = WakeState<Atom>;

  // The fiber's code from the top of its cancellable wait, continued after
  // each resume until it parks again or finishes.
  void RunFiber() {
    Enter();
    for (;;) {
      switch (stage_) {
        case Stage::kEnter:
          if (state_.IsPoked()) {
            stage_ = Stage::kClaimForCancel;
            continue;
          }
          stage_ = Stage::kResumedFromCancellablePark;
          if (ParkedAfterSwitchOut(/*cancellable=*/true)) return;
          continue;
        case Stage::kResumedFromCancellablePark:
          stage_ =
              state_.TakeCancelResume() ? Stage::kClaimForCancel : Stage::kDone;
          continue;
        case Stage::kClaimForCancel: {
          int expected = kUnclaimed;
          if (claim_.compare_exchange_strong(expected, kByCancel)) {
            stage_ = Stage::kDone;
            continue;
          }
          // The source won the claim: wait (uncancellably) for its Unpark.
          stage_ = Stage::kDone;
          if (ParkedAfterSwitchOut(/*cancellable=*/false)) return;
          continue;
        }
        case Stage::kDone:
          finished_ = true;
          return Leave();
      }
    }
  }

  void Source() {
    int expected = kUnclaimed;
    if (claim_.compare_exchange_strong(expected, kBySource) &&
        state_.Unpark()) {
      Resume();
    }
  }

  void Canceller() {
    if (state_.Cancel()) Resume();
  }

  absl::Status Check() const {
    if (concurrent_) return absl::InternalError("fiber ran on two threads");
    if (!finished_) {
      return absl::InternalError(
          absl::StrCat("fiber never finished (lost wake-up): parked ", parked_,
                       " times, resumed ", resumed_));
    }
    if (parked_ != resumed_) {
      return absl::InternalError(
          absl::StrCat("parked ", parked_, " times, resumed ", resumed_));
    }
    if (claim_.load() == kUnclaimed) {
      return absl::InternalError("the Waiter was never claimed");
    }
    return absl::OkStatus();
  }

 private:
  enum class Stage {
    kEnter,
    kResumedFromCancellablePark,
    kClaimForCancel,
    kDone
  };

  // The fiber switches out (it no longer runs), then the run loop decides;
  // true if it parked. Otherwise the fiber runs on at once, on this thread.
  bool ParkedAfterSwitchOut(bool cancellable) {
    Leave();
    if (state_.AfterSwitchOut(cancellable) == State::Park::kParked) {
      ++parked_;
      return true;
    }
    Enter();
    return false;
  }
  void Resume() {
    ++resumed_;
    RunFiber();
  }
  void Enter() {
    if (running_.fetch_add(1) != 0) concurrent_ = true;
  }
  void Leave() { running_.fetch_sub(1); }

  State state_;
  Atom<int> claim_{kUnclaimed};
  Atom<int> running_{0};
  // Plain: the schedule runs one thread at a time, and a correct protocol
  // gives them one owner at a time (running_ checks that).
  Stage stage_ = Stage::kEnter;
  int parked_ = 0;
  int resumed_ = 0;
  bool finished_ = false;
  bool concurrent_ = false;
};

template <template <typename> class Atom>
absl::Status WakeTrial(DeterministicSchedule& sched) {
  Model<Atom> m;
  sched.Run(
      {[&] { m.RunFiber(); }, [&] { m.Source(); }, [&] { m.Canceller(); }});
  return m.Check();
}

TEST(WakeStateDeterministicTest, EveryParkResumedExactlyOnce) {
  ExploreResult r =
      ExploreSchedules({.num_seeds = 2000}, WakeTrial<DeterministicAtomic>);
  EXPECT_FALSE(r.failed) << r.message;
}

TEST(WakeStateDeterministicTest, BrokenCasIsCaught) {
  ExploreResult r =
      ExploreSchedules({.num_seeds = 2000}, WakeTrial<BrokenRmwAtomic>);
  EXPECT_TRUE(r.failed);
}

}  // namespace
}  // namespace moirai::async::internal
