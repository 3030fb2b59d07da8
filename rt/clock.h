// Copyright 2026 The Moirai Authors.
//
// rt/clock.h
// -----------------------------------------------------------------------------
//
// This header defines the clock the rt dispatcher reads, injected so that
// the same dispatcher code runs on the monotonic clock (a sched worker) and
// in virtual time (rt/simulator.h, tests):
//
//   * `Clock`: the interface, Now() in int64 nanoseconds. Must never go
//     backwards.
//   * `MonotonicClock`: core::MonoTime::Now() (CLOCK_MONOTONIC).
//   * `VirtualClock`: a settable clock; Advance()/Set() refuse to go back.

#ifndef MOIRAI_RT_CLOCK_H_
#define MOIRAI_RT_CLOCK_H_

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "moirai/core/mono_time.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {

class Clock {
 public:
  virtual ~Clock() = default;
  // Clock::Now(): nanoseconds since an arbitrary origin; monotonic.
  virtual Nanos Now() noexcept = 0;
};

class MonotonicClock final : public Clock {
 public:
  Nanos Now() noexcept override { return core::MonoTime::Now().nanoseconds(); }
};

// VirtualClock: starts at `start`; moves only when told to. Not
// synchronized (one simulated core, one thread).
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(Nanos start = 0) : now_(start) {}

  Nanos Now() noexcept override { return now_; }

  // VirtualClock::Set(): InvalidArgument if `t` is before Now().
  absl::Status Set(Nanos t) {
    if (t < now_) {
      return absl::InvalidArgumentError(
          absl::StrCat("virtual clock: cannot go back from ", now_, " to ", t));
    }
    now_ = t;
    return absl::OkStatus();
  }

  // VirtualClock::Advance(): InvalidArgument for a negative `d`.
  absl::Status Advance(Nanos d) {
    if (d < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("virtual clock: negative advance ", d));
    }
    now_ += d;
    return absl::OkStatus();
  }

 private:
  Nanos now_;
};

}  // namespace moirai::rt

#endif  // MOIRAI_RT_CLOCK_H_
