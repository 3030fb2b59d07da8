// Copyright 2026 The Moirai Authors.
//
// sync/internal/wait_group_state.h
// -----------------------------------------------------------------------------
//
// `WaitGroupState<Atom>`: the counter-and-generation word behind
// `moirai::sync::WaitGroup` (sync/wait_group.h), without the parking. It is a
// template over `Atom` (default std::atomic) so that a deterministic-schedule
// test can drive the exact interleavings of Add() and a waiter's checks
// (sync/wait_group_deterministic_test.cc); WaitGroup adds the futex on top.
//
// Why one word: a waiter decides "the counter has been zero since I started"
// from the generation, so "the counter reached zero" and "the generation
// moved" must be one atomic step. With two separate atomics, a `Done()` that
// zeroed the count and had not yet bumped the generation could be overtaken
// by a reuse of the group (`Add(1)` for round 2) and a round-2 `Wait()` that
// read the old generation; the late bump then released that waiter while
// round 2's work was still outstanding.

#ifndef MOIRAI_SYNC_INTERNAL_WAIT_GROUP_STATE_H_
#define MOIRAI_SYNC_INTERNAL_WAIT_GROUP_STATE_H_

#include <atomic>
#include <cstdint>
#include <limits>

namespace moirai::sync::internal {

// What WaitGroupState::Add() did.
enum class WaitGroupAddResult {
  kOk,           // applied; the counter did not become zero
  kReachedZero,  // applied; the counter became zero and the generation moved
  kNegative,     // refused: the counter would become negative (unchanged)
  kOverflow,     // refused: the counter would exceed INT32_MAX (unchanged)
};

template <template <typename> class Atom = std::atomic>
class WaitGroupState {
 public:
  // WaitGroupState::Count() / Generation()
  //
  // The fields of a word returned by Load().
  static constexpr std::int32_t Count(std::uint64_t word) noexcept {
    return static_cast<std::int32_t>(word & kCountMask);
  }
  static constexpr std::uint32_t Generation(std::uint64_t word) noexcept {
    return static_cast<std::uint32_t>(word >> kGenerationShift);
  }

  // WaitGroupState::Load()
  std::uint64_t Load(std::memory_order order) const noexcept {
    return word_.load(order);
  }

  // WaitGroupState::Add()
  //
  // Adds `delta` to the counter in one CAS; when the result is zero (and
  // delta != 0) the same CAS moves the generation. `*observed` receives the
  // counter the decision was based on (for error messages).
  WaitGroupAddResult Add(std::int32_t delta, std::int32_t* observed) noexcept {
    // Relaxed initial read: the CAS validates it.
    std::uint64_t current = word_.load(std::memory_order_relaxed);
    std::uint64_t next;
    bool reached_zero;
    do {
      *observed = Count(current);
      const std::int64_t count = static_cast<std::int64_t>(Count(current)) +
                                 static_cast<std::int64_t>(delta);
      if (count < 0) return WaitGroupAddResult::kNegative;
      if (count > std::numeric_limits<std::int32_t>::max()) {
        return WaitGroupAddResult::kOverflow;
      }
      reached_zero = count == 0 && delta != 0;
      // The generation wraps after 2^32 zeroings; a waiter would have to
      // sleep through exactly that many to miss one.
      const std::uint64_t generation =
          (current & ~kCountMask) + (reached_zero ? kGenerationOne : 0);
      next = generation | static_cast<std::uint64_t>(count);
      // seq_cst: the Dekker half of WaitGroup's sleep protocol (this CAS, then
      // the wake word, then the sleeper count; the waiter does the reverse).
      // It is also a release (publishes what this thread did before Add) and
      // an acquire (the RMW chain carries every earlier Add's writes to the
      // one that zeroes the counter, and from it to the waiter's acquire).
    } while (!word_.compare_exchange_weak(
        current, next, std::memory_order_seq_cst, std::memory_order_relaxed));
    return reached_zero ? WaitGroupAddResult::kReachedZero
                        : WaitGroupAddResult::kOk;
  }

  // WaitGroupState::ZeroOrGeneration()
  //
  // The start of a wait: true if the counter is zero now; otherwise false
  // and `*generation` is the generation to wait past. seq_cst: see Add()
  // (as a load it is also the acquire that pairs with the zeroing CAS).
  bool ZeroOrGeneration(std::uint32_t* generation) const noexcept {
    const std::uint64_t w = word_.load(std::memory_order_seq_cst);
    if (Count(w) == 0) return true;
    *generation = Generation(w);
    return false;
  }

  // WaitGroupState::GenerationMoved()
  //
  // True once the counter has reached zero after the ZeroOrGeneration() call
  // that returned `generation`. seq_cst: the waiter's re-check in the Dekker
  // handshake (and the acquire pairing with the zeroing CAS).
  bool GenerationMoved(std::uint32_t generation) const noexcept {
    return Generation(word_.load(std::memory_order_seq_cst)) != generation;
  }

 private:
  // Word layout. Invariant: bits [0, 32) hold the counter, always in
  // [0, INT32_MAX] (so bit 31 is 0); bits [32, 64) hold the generation, which
  // moves by one exactly when an Add() brings the counter to zero, in the
  // same atomic step.
  static constexpr std::uint64_t kCountMask = 0xffffffffu;
  static constexpr int kGenerationShift = 32;
  static constexpr std::uint64_t kGenerationOne = std::uint64_t{1}
                                                  << kGenerationShift;

  Atom<std::uint64_t> word_{0};
};

}  // namespace moirai::sync::internal

#endif  // MOIRAI_SYNC_INTERNAL_WAIT_GROUP_STATE_H_
