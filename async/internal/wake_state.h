// Copyright 2026 The Moirai Authors.
//
// async/internal/wake_state.h
// -----------------------------------------------------------------------------
//
// `WakeState<Atom>`: the protocol that decides who resumes a parked fiber.
// Three parties race on one word:
//
//   * the run loop, right after the fiber switched out asking to park
//     (`AfterSwitchOut`): it parks the fiber -- sets a parked bit -- unless an
//     Unpark or (for a cancellable park) a cancellation came first, in which
//     case it runs the fiber again at once;
//   * a waker (`Unpark`): it clears the parked bit and so becomes the one
//     that resumes the fiber, or, finding none, leaves kNotified for the run
//     loop;
//   * a canceller (`Cancel`): it resumes a fiber in a cancellable park (with
//     kCancelResume, so that the fiber claims its own Waiter), or leaves
//     kPoked for the fiber's next cancellable wait.
//
// Deciding *after* the switch is what makes parking race-free: no other
// worker can resume the fiber while its registers are still being saved.
//
// Invariants: at most one parked bit is set, only by AfterSwitchOut; exactly
// one party owns each resume of a parked fiber -- whoever clears its parked
// bit with a successful CAS; kPoked is sticky; kCancelResume is set only
// together with a resume for cancellation and cleared by the fiber.
//
// `Atom` is std::atomic in production; the model test
// (wake_state_deterministic_test.cc) runs the protocol under
// tools/testing's deterministic schedule, with a broken variant that must
// fail.

#ifndef MOIRAI_ASYNC_INTERNAL_WAKE_STATE_H_
#define MOIRAI_ASYNC_INTERNAL_WAKE_STATE_H_

#include <atomic>
#include <cstdint>

namespace moirai::async::internal {

template <template <typename> class Atom = std::atomic>
class WakeState {
 public:
  // What AfterSwitchOut decided.
  enum class Park : std::uint8_t {
    kParked,        // parked: a later Unpark/Cancel resumes it
    kRunAgain,      // an Unpark came first: run the fiber again now
    kRunForCancel,  // a cancellation came first: run it, it claims its
                    // Waiter itself (TakeCancelResume() is true)
  };

  // WakeState::AfterSwitchOut()
  //
  // The run loop, once the fiber is fully switched out asking to park.
  Park AfterSwitchOut(bool cancellable) noexcept {
    const std::uint32_t parked_bit = cancellable ? kParkedCancellable : kParked;
    std::uint32_t v = v_.load(std::memory_order_relaxed);
    for (;;) {
      if ((v & kNotified) != 0) {
        // Acquire pairs with Unpark()'s release: the waker's writes are
        // visible to the fiber.
        if (v_.compare_exchange_weak(v, v & ~kNotified,
                                     std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
          return Park::kRunAgain;
        }
      } else if (cancellable && (v & kPoked) != 0) {
        // Acquire pairs with Cancel()'s release.
        if (v_.compare_exchange_weak(v, v | kCancelResume,
                                     std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
          return Park::kRunForCancel;
        }
      } else if (v_.compare_exchange_weak(v, v | parked_bit,
                                          std::memory_order_release,
                                          std::memory_order_relaxed)) {
        // Release: whoever clears the bit and resumes the fiber sees
        // everything it did before switching out.
        return Park::kParked;
      }
    }
  }

  // WakeState::Unpark()
  //
  // A waker. True when the caller now owns resuming the fiber (it was
  // parked); false when it left kNotified (the fiber was still switching
  // out; the caller must not touch it any more).
  bool Unpark() noexcept {
    std::uint32_t v = v_.load(std::memory_order_relaxed);
    for (;;) {
      if ((v & kParkedMask) != 0) {
        // acq_rel: acquire pairs with AfterSwitchOut's release (the fiber is
        // fully switched out); release publishes our writes (the handed-over
        // value) to it.
        if (v_.compare_exchange_weak(v, v & ~kParkedMask,
                                     std::memory_order_acq_rel,
                                     std::memory_order_relaxed)) {
          return true;
        }
      } else if (v_.compare_exchange_weak(v, v | kNotified,
                                          std::memory_order_release,
                                          std::memory_order_relaxed)) {
        // Release pairs with AfterSwitchOut's acquire.
        return false;
      }
    }
  }

  // WakeState::Cancel()
  //
  // The canceller. True when the caller must resume the fiber (it was in a
  // cancellable park; it will claim its Waiter itself); false when it left
  // kPoked for the fiber's next cancellable wait.
  bool Cancel() noexcept {
    std::uint32_t v = v_.load(std::memory_order_relaxed);
    for (;;) {
      if ((v & kParkedMask) == kParkedCancellable) {
        // acq_rel: as in Unpark().
        if (v_.compare_exchange_weak(
                v, (v & ~kParkedMask) | kPoked | kCancelResume,
                std::memory_order_acq_rel, std::memory_order_relaxed)) {
          return true;
        }
      } else if (v_.compare_exchange_weak(v, v | kPoked,
                                          std::memory_order_release,
                                          std::memory_order_relaxed)) {
        // Running, switching out, or in a wait that cancellation does not
        // end. Release pairs with IsPoked()'s and AfterSwitchOut's acquire.
        return false;
      }
    }
  }

  // WakeState::IsPoked()
  //
  // The fiber, before a cancellable park: cancellation was requested.
  bool IsPoked() const noexcept {
    // Acquire pairs with Cancel()'s release.
    return (v_.load(std::memory_order_acquire) & kPoked) != 0;
  }

  // WakeState::TakeCancelResume()
  //
  // The fiber, after a cancellable park returned: true (once) when it was
  // resumed for cancellation and must claim its Waiter itself.
  bool TakeCancelResume() noexcept {
    // Acquire pairs with Cancel()'s or AfterSwitchOut's CAS that set it.
    if ((v_.load(std::memory_order_acquire) & kCancelResume) == 0) {
      return false;
    }
    // Relaxed: only the fiber clears the bit; the others only read it
    // through their CAS loops, which re-read the word.
    v_.fetch_and(~kCancelResume, std::memory_order_relaxed);
    return true;
  }

 private:
  static constexpr std::uint32_t kRunning = 0;  // no bit: running/runnable
  static constexpr std::uint32_t kParked = 1;   // parked, not cancellable
  static constexpr std::uint32_t kParkedCancellable = 2;
  static constexpr std::uint32_t kParkedMask = kParked | kParkedCancellable;
  static constexpr std::uint32_t kNotified = 4;  // Unpark came before the park
  static constexpr std::uint32_t kPoked = 8;     // cancelled (sticky)
  // The fiber was resumed (or not parked) for cancellation: it must claim
  // its Waiter itself. Cleared by the fiber.
  static constexpr std::uint32_t kCancelResume = 16;

  Atom<std::uint32_t> v_{kRunning};
};

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_WAKE_STATE_H_
