// Copyright 2026 The Moirai Authors.
//
// lockfree/work_stealing_deque.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::lockfree::WorkStealingDeque<T>`, the Chase-Lev
// work-stealing deque every scheduler worker owns: the owning thread pushes and
// pops at the bottom (LIFO, cache-warm), any other thread steals from the top
// (FIFO, oldest first). The buffer grows without bound.
//
// Algorithm
//
//   D. Chase and Y. Lev, "Dynamic Circular Work-Stealing Deque", SPAA 2005;
//   with the C11 memory orderings of N. M. Le, A. Pop, A. Cohen and F. Zappa
//   Nardelli, "Correct and Efficient Work-Stealing for Weak Memory Models",
//   PPoPP 2013 (figure 1). The orderings below are those of the paper, except
//   that Pop's relaxed store + seq_cst fence + relaxed load is a seq_cst
//   exchange + seq_cst load (equivalent under C++20, cheaper on x86; argued
//   in Pop), and one deliberate strengthening: every store of `bottom_` is a
//   release store (free on x86, one `stlr` on Arm), so a thief whose acquire
//   load of `bottom_` returns B has seen every element written before the owner
//   stored B, whichever owner operation stored it. The paper gets the same
//   guarantee from its release fence in push plus its sequentially consistent
//   fences; the release stores make the argument local and keep
//   ThreadSanitizer, which does not model fences, exact.
//
//   Asymmetric fences (Linux). The store-load fence in Pop is the owner's
//   main cost (an `xchg` per pop on x86, most of a fork-join task's
//   scheduling time), while steals are rare. Where the kernel offers
//   membarrier(2) with MEMBARRIER_CMD_PRIVATE_EXPEDITED, the deque moves that
//   cost to the thieves: the owner separates its store of `bottom_` and its
//   load of `top_` by a compiler barrier only, and each thief, between its
//   load of `top_` and its load of `bottom_`, calls membarrier, which returns
//   only after every running thread of the process has executed a full
//   memory barrier (a thread that is not running passes one when it is
//   switched out). This is the asymmetric Dekker pairing of D. Dice, H. Huang
//   and M. Yang, "Asymmetric Dekker Synchronization" (2001), as in folly's
//   asymmetricLightBarrier/asymmetricHeavyBarrier and liburcu's membarrier
//   flavour; the argument for the deque is in Pop.
//
//   The trade: a steal costs a system call (~0.2-0.5 us more per steal on
//   the 2-vCPU machine this was measured on, far more with many CPUs: the
//   kernel interrupts every CPU running the process, and concurrent thieves
//   make an interrupt storm), a pop saves an `xchg` (~6 ns). Right when
//   steals are rare (fork-join), wrong when they are frequent.
//
//   The fence mode (`DequeFences`, `FenceMode`). kSymmetric: the paper's
//   fences, for the deque's whole life. kAuto: the deque starts asymmetric
//   and may be downgraded, once and for good, to symmetric: any thread may
//   request it (`RequestSymmetricFences()`), and the owner completes it in
//   its next Pop. The mode word has three values, written in this order
//   only: kAsymmetric -> kDowngradeRequested (a requester's CAS) ->
//   kSymmetric (the owner's release store). kAuto starts kSymmetric instead
//   where membarrier is missing or for instrumented `Atom`s (whose schedules
//   are sequentially consistent anyway). Under ThreadSanitizer, which models
//   neither fence, kAuto starts kAsymmetric but both halves are emulated
//   with the symmetric fences, so the mode machinery still runs under TSan
//   while the orderings stay the paper's. Why a one-way switch is safe, and
//   the reverse is not: see Pop. `sched::Scheduler` requests the downgrade
//   on all its deques when its thieves see many steals (scheduler.h,
//   `SchedulerOptions::deque_fences`).
//
//   Steal-half is a loop of single steals (as crossbeam-deque does for its LIFO
//   flavour): a thief cannot claim k > 1 elements with one CAS of `top_`,
//   because the owner pops from the bottom without a CAS while it believes
//   more than one element is left, so it could race past the claimed range.
//
// Element type
//
//   `T` must be trivially copyable and no larger than a pointer: a thief copies
//   the slot *before* its CAS decides whether the element is really its own
//   (the copy is discarded if the CAS fails), so slots are atomics accessed
//   with relaxed order. Store a pointer (or an index) to anything larger; the
//   scheduler stores task pointers.
//
// Memory reclamation
//
//   When the buffer grows, the old buffer stays alive until the deque is
//   destroyed (a thief may still be reading from it). The buffers form a
//   geometric series, so the retired ones together are smaller than the live
//   one: at most 2x the peak memory, and no epoch machinery on the hot path.
//
// Thread safety
//
//   `Push`, `Pop` and `Grow` only from the owner thread (one thread at a time;
//   ownership may move between threads with external happens-before, e.g. a
//   mutex or thread join). `Steal`, `StealHalf`, `SizeApprox` and `EmptyApprox`
//   from any thread. Memory ordering: the `Push` of an element happens before
//   the `Steal`/`Pop` that returns it.
//
// Testing hook
//
//   `Atom` replaces `std::atomic` (folly style) so tests can substitute an
//   instrumented atomic; fences go through `core::ThreadFence`.

#ifndef MOIRAI_LOCKFREE_WORK_STEALING_DEQUE_H_
#define MOIRAI_LOCKFREE_WORK_STEALING_DEQUE_H_

#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "moirai/core/arch.h"

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace moirai::lockfree {

namespace internal {

// AsymmetricFencesAvailable()
//
// True when membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) works in this
// process (registered on the first call; thread-safe). Always false under
// ThreadSanitizer. A process-wide capability, not mutable state: every deque
// sees the same answer.
inline bool AsymmetricFencesAvailable() noexcept {
#if defined(__linux__) && defined(__NR_membarrier) && !defined(MOIRAI_TSAN)
  static const bool available = [] {
    const long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (cmds < 0 || (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) {
      return false;
    }
    return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
                   0, 0) == 0;
  }();
  return available;
#else
  return false;
#endif
}

// AsymmetricHeavyFence()
//
// Returns after every running thread of the process has executed a full
// memory barrier. Only valid once AsymmetricFencesAvailable() returned true.
// The registration is per address space: should the kernel refuse (EPERM:
// not registered, e.g. in a child process whose kernel did not carry the
// registration over fork), register again and retry. A second refusal would
// leave owners without their half of the fence pair, so it aborts with a
// message rather than risk handing one task to two workers.
inline void AsymmetricHeavyFence() noexcept {
#if defined(__linux__) && defined(__NR_membarrier) && !defined(MOIRAI_TSAN)
  if (MOIRAI_LIKELY(syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED,
                            0, 0) == 0)) {
    return;
  }
  if (syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0,
              0) == 0 &&
      syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0) {
    return;
  }
  static constexpr char kMessage[] =
      "moirai::lockfree::WorkStealingDeque: membarrier(PRIVATE_EXPEDITED) "
      "failed after registration succeeded; aborting\n";
  (void)!write(2, kMessage, sizeof(kMessage) - 1);
  std::abort();
#endif
}

}  // namespace internal

// StealStatus
//
// The three outcomes of a steal: the deque looked empty, an element was taken,
// or the thief lost a race with another thief or the owner (the deque may
// still hold elements; try again or try another victim).
enum class StealStatus : std::uint8_t { kEmpty, kSuccess, kRetry };

// StealResult
//
// A `StealStatus` and, on `kSuccess`, the stolen element.
template <typename T>
struct StealResult {
  StealStatus status = StealStatus::kEmpty;
  T value{};

  bool success() const noexcept { return status == StealStatus::kSuccess; }
  bool empty() const noexcept { return status == StealStatus::kEmpty; }
  bool retry() const noexcept { return status == StealStatus::kRetry; }
};

// DequeFences
//
// How a WorkStealingDeque orders the owner's pop against steals (see the file
// comment), chosen at construction. kAuto: asymmetric where membarrier(2) is
// available (cheapest pops; each steal costs a system call and briefly
// interrupts the other running threads of the process: the right trade when
// steals are rare, as in fork-join), with a one-way downgrade to symmetric on
// request (`RequestSymmetricFences()`). kSymmetric: a fence on both sides
// from the start (pops cost one `xchg`; steals stay cheap: for workloads
// where most pushed elements are stolen).
enum class DequeFences : std::uint8_t { kAuto, kSymmetric };

// FenceMode
//
// The current fence mode of one deque (see the file comment). Values change
// only in the order kAsymmetric -> kDowngradeRequested -> kSymmetric.
enum class FenceMode : std::uint32_t {
  kAsymmetric = 0,          // owner: compiler barrier; thieves: membarrier
  kDowngradeRequested = 1,  // as kAsymmetric until the owner's next Pop
  kSymmetric = 2,           // owner: `xchg`; thieves: seq_cst fence
};

template <typename T, template <typename> class Atom = std::atomic>
class WorkStealingDeque {
  static_assert(std::is_trivially_copyable_v<T>,
                "WorkStealingDeque<T>: thieves copy slots speculatively, so T "
                "must be trivially copyable (store a pointer instead)");
  static_assert(sizeof(T) <= sizeof(void*),
                "WorkStealingDeque<T>: slots are lock-free atomics; store a "
                "pointer or an index to larger elements");

 public:
  // The default initial capacity (a power of two).
  static constexpr std::size_t kDefaultCapacity = 256;

  // WorkStealingDeque()
  //
  // Creates an empty deque. `initial_capacity` is rounded up to a power of two
  // (minimum 2). `fences`: see DequeFences.
  explicit WorkStealingDeque(std::size_t initial_capacity = kDefaultCapacity,
                             DequeFences fences = DequeFences::kAuto)
      : top_(0),
        bottom_(0),
        mode_(static_cast<std::uint32_t>(InitialMode(fences))) {
    std::size_t cap = 2;
    while (cap < initial_capacity) cap <<= 1;
    buffers_.push_back(std::make_unique<Buffer>(cap));
    buffer_.store(buffers_.back().get(), std::memory_order_relaxed);
  }

  WorkStealingDeque(const WorkStealingDeque&) = delete;
  WorkStealingDeque& operator=(const WorkStealingDeque&) = delete;

  // ~WorkStealingDeque()
  //
  // No thread may use the deque concurrently. Remaining elements are dropped
  // (they are trivially copyable; the owner of what they point to must drain
  // the deque first if that matters).
  ~WorkStealingDeque() = default;

  // WorkStealingDeque::Push()
  //
  // Owner only. Adds `value` at the bottom; grows the buffer when full (the
  // only allocation, amortised O(1)).
  // Always inlined, like Pop: fork-join forks push once per task, and GCC
  // stopped inlining it into TaskGroup::Run as Run grew.
  __attribute__((always_inline)) void Push(T value) {
    // Only the owner writes bottom_: relaxed reads its own last store.
    const std::int64_t b = bottom_.load(std::memory_order_relaxed);
    // Acquire pairs with the CAS on top_ in Steal/Pop (as in the paper), so a
    // slot a thief has finished with is not overwritten before its copy.
    const std::int64_t t = top_.load(std::memory_order_acquire);
    // Only the owner writes buffer_.
    Buffer* buf = buffer_.load(std::memory_order_relaxed);
    if (MOIRAI_UNLIKELY(b - t > static_cast<std::int64_t>(buf->mask))) {
      buf = Grow(buf, t, b);
    }
    buf->Put(b, value);
    // Release publishes the slot write (and everything before it) to the
    // thief whose acquire load of bottom_ sees b + 1 (paper: release fence +
    // relaxed store).
    bottom_.store(b + 1, std::memory_order_release);
  }

  // WorkStealingDeque::Pop()
  //
  // Owner only. Takes the most recently pushed element (LIFO). Returns false
  // when the deque is empty (or the last element went to a thief). Always
  // inlined: it is the scheduler's per-task hot path, and the mode check
  // made GCC stop inlining it into Scheduler::PickLocal.
  __attribute__((always_inline)) bool Pop(T* out) noexcept {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    Buffer* buf = buffer_.load(std::memory_order_relaxed);
    // Relaxed: only the owner ever moves the mode away from a value it can
    // act on (requesters only turn kAsymmetric into kDowngradeRequested,
    // and seeing that one pop late is harmless: the pop stays light and
    // thieves still take the heavy path until they read kSymmetric).
    const std::uint32_t mode = mode_.load(std::memory_order_relaxed);
    // Reserve slot b, then read top_: the Dekker step. The store and the load
    // must not be reordered (by the compiler or by the processor's store
    // buffer) unless the thieves make up for it, or the owner and a thief
    // could both take the last element.
    std::int64_t t;
    if (MOIRAI_LIKELY(mode == kAsymmetricMode)) {
      // Asymmetric mode (see the file comment). Release: see the class
      // comment. The compiler barrier keeps the store before the load in the
      // instruction stream; the processor may still delay the store, and the
      // thief's membarrier makes up for it. Why: suppose a thief reads
      // top_ == b (the index we are about to take without a CAS), then calls
      // membarrier, then reads bottom_. The kernel runs a full barrier on
      // this thread at some point P while the thief is in the call. If our
      // load of top_ comes before P, so does our store (program order and
      // the compiler barrier), and the barrier at P completes it before
      // membarrier returns: the thief's later load of bottom_ sees our
      // decrement (or a later value) and it backs off. Otherwise our load of
      // top_ is after P, hence after the thief's load of top_ (which
      // preceded its call) and after the full barriers on both sides, so it
      // reads b or a later value: we take the CAS path below, where exactly
      // one of us wins. Either way, not both. A thief only skips membarrier
      // after reading kSymmetric, which we store after our last light pop
      // (below).
      LightStoreLoad(b, &t);
    } else {
      if (MOIRAI_UNLIKELY(mode == kDowngradeRequestedMode)) {
        // Complete the downgrade: from this pop on (this one included) we
        // use the fenced pop. Release: a thief whose acquire load of mode_
        // reads kSymmetric (and so skips membarrier) has then synchronised
        // with this store, which is sequenced after our last light pop's
        // store of bottom_ and load of top_; so that pop happens before the
        // thief's later load of bottom_, which therefore reads its decrement
        // or a later value (write-read coherence): the thief is ordered
        // after that pop as a whole and cannot take the element the pop took
        // without a CAS. Every pop after this store is fenced and pairs with
        // the thief's seq_cst fence exactly as in the argument below; a
        // thief that read an older mode calls membarrier and also fences,
        // which covers light and fenced pops alike. The reverse switch
        // (symmetric back to asymmetric) would be unsafe: a thief that read
        // kSymmetric and fences only could then meet a light pop, and an
        // `mfence` on the thief's CPU does not drain the owner's store
        // buffer, so both could take the last element; making it safe needs
        // a handshake with every thief in flight, which is what the cheap
        // light pop is meant to avoid.
        mode_.store(kSymmetricMode, std::memory_order_release);
      }
      // Symmetric mode. The paper writes a relaxed store, a seq_cst fence
      // and a relaxed load; we use a seq_cst exchange and a seq_cst load
      // instead, which C++20 ([atomics.order] p4) makes equally strong
      // against the thief's seq_cst fence, and which is cheaper on x86 (one
      // `xchg` instead of `mov` + `mfence`; measured in deque_benchmark.cc).
      // Why it pairs with the fence in Steal: suppose a thief reads top_ ==
      // b (the index we are about to take without a CAS) and then the old
      // bottom_, while our load reads an older top_. Our load is
      // coherence-ordered before the thief's read of top_, which precedes
      // its fence, so our load precedes the fence in the total order S
      // (p4.2); the thief's fence precedes its read of the old bottom_,
      // which is coherence-ordered before our exchange, so the fence
      // precedes our exchange in S (p4.3). Then our load precedes our own
      // earlier exchange in S, contradicting program order. So either the
      // thief sees the decremented bottom_, or we see its incremented top_.
      // The exchange is also a release store (see the class comment).
      bottom_.exchange(b, std::memory_order_seq_cst);
      t = top_.load(std::memory_order_seq_cst);
    }
    if (t > b) {
      // Empty: restore bottom_ (release: see the class comment).
      bottom_.store(b + 1, std::memory_order_release);
      return false;
    }
    T value = buf->Get(b);
    if (t == b) {
      // The last element: race the thieves for it with the same CAS they use.
      // seq_cst as in the paper (totally ordered with the thieves' CASes).
      const bool won = top_.compare_exchange_strong(
          t, t + 1, std::memory_order_seq_cst, std::memory_order_relaxed);
      bottom_.store(b + 1, std::memory_order_release);
      if (!won) return false;
    }
    *out = value;
    return true;
  }

  // WorkStealingDeque::Steal()
  //
  // Any thread. Takes the oldest element. `kRetry` means the thief lost a race
  // (with another thief or with the owner's last-element pop).
  StealResult<T> Steal() noexcept {
    // Acquire pairs with the seq_cst CAS of top_ by other thieves/the owner,
    // so that we observe the bottom_ and slot values they observed.
    std::int64_t t = top_.load(std::memory_order_acquire);
    // Pairs with the store-load step in Pop (see there). Acquire pairs with
    // the owner's release store of kSymmetric in Pop: reading it, we know
    // every light pop happened before this point, and every later pop is
    // fenced, so the seq_cst fence alone suffices. Any other value: the
    // owner may still pop light, so membarrier, plus the seq_cst fence
    // (one `mfence` next to a system call) so that a pop that is already
    // fenced pairs with us by the symmetric argument too. Only reached when
    // a steal is attempted at all (callers check EmptyApprox() first).
    if (mode_.load(std::memory_order_acquire) != kSymmetricMode) {
      HeavyFence();
    }
    core::ThreadFence(std::memory_order_seq_cst);
    // Acquire pairs with the release stores of bottom_ in Push/Pop: every slot
    // below the loaded bottom is visible.
    const std::int64_t b = bottom_.load(std::memory_order_acquire);
    if (t >= b) return {StealStatus::kEmpty, T{}};
    // Acquire pairs with the release store in Grow (the paper's consume): the
    // buffer's contents are visible. The buffer is at least as new as the one
    // that held slot t when bottom_ was published (Grow happens before the
    // release store of bottom_ we read), and retired buffers stay alive.
    Buffer* buf = buffer_.load(std::memory_order_acquire);
    const T value = buf->Get(t);
    // Claim slot t. seq_cst as in the paper; on failure we copied a slot that
    // is not ours and drop the copy.
    if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                      std::memory_order_relaxed)) {
      return {StealStatus::kRetry, T{}};
    }
    return {StealStatus::kSuccess, value};
  }

  // WorkStealingDeque::StealHalf()
  //
  // Any thread. Steals up to half of the elements (rounded up, at most
  // `max_count`) into `out[0..*count)`, oldest first. Returns `kSuccess` if at
  // least one was taken (*count >= 1); otherwise `kEmpty` or `kRetry` as for
  // Steal(). Implemented as a run of single steals that stops at the first
  // lost race (see the file comment for why one CAS cannot claim many).
  //
  // `attempts`, if given, receives the number of single steals tried (the
  // taken ones plus the one that failed, if any): under asymmetric fences
  // each of them paid a membarrier.
  StealStatus StealHalf(T* out, std::size_t max_count, std::size_t* count,
                        std::size_t* attempts = nullptr) noexcept {
    *count = 0;
    if (attempts != nullptr) *attempts = 0;
    if (max_count == 0) return StealStatus::kEmpty;
    // Relaxed: only a size estimate to bound the batch; Steal() re-checks.
    const std::int64_t t0 = top_.load(std::memory_order_relaxed);
    const std::int64_t b0 = bottom_.load(std::memory_order_relaxed);
    std::size_t want =
        b0 > t0 ? static_cast<std::size_t>((b0 - t0 + 1) / 2) : 1;
    if (want > max_count) want = max_count;
    StealStatus first = StealStatus::kEmpty;
    while (*count < want) {
      StealResult<T> r = Steal();
      if (attempts != nullptr) ++*attempts;
      if (!r.success()) {
        if (*count == 0) first = r.status;
        break;
      }
      out[(*count)++] = r.value;
    }
    return *count > 0 ? StealStatus::kSuccess : first;
  }

  // WorkStealingDeque::SizeApprox()
  //
  // Any thread. A snapshot that may be stale by the time it returns; exact
  // when no other thread uses the deque.
  std::size_t SizeApprox() const noexcept {
    // Relaxed: a statistic, not used for synchronisation.
    const std::int64_t b = bottom_.load(std::memory_order_relaxed);
    const std::int64_t t = top_.load(std::memory_order_relaxed);
    return b > t ? static_cast<std::size_t>(b - t) : 0;
  }

  // WorkStealingDeque::EmptyApprox()
  bool EmptyApprox() const noexcept { return SizeApprox() == 0; }

  // WorkStealingDeque::RequestSymmetricFences()
  //
  // Any thread. Asks the owner to switch this deque from asymmetric to
  // symmetric fences for good (see the file comment); the owner does so in
  // its next Pop. Returns true if this call made the request, false if the
  // deque is already symmetric or the request was already made. Cheap to
  // call repeatedly (a failed CAS).
  bool RequestSymmetricFences() noexcept {
    std::uint32_t expected = kAsymmetricMode;
    // Relaxed: the request carries no data; the owner's answer (its release
    // store of kSymmetric, paired with the thieves' acquire loads) is what
    // orders the mode change against pops and steals.
    return mode_.compare_exchange_strong(expected, kDowngradeRequestedMode,
                                         std::memory_order_relaxed,
                                         std::memory_order_relaxed);
  }

  // WorkStealingDeque::fence_mode()
  //
  // Any thread. The current mode (a snapshot; see FenceMode).
  FenceMode fence_mode() const noexcept {
    // Relaxed: a statistic, not used for synchronisation.
    return static_cast<FenceMode>(mode_.load(std::memory_order_relaxed));
  }

  // WorkStealingDeque::uses_asymmetric_fences()
  //
  // Any thread. True while thieves still call membarrier on this deque
  // (kAsymmetric or kDowngradeRequested; under ThreadSanitizer the
  // asymmetric mode is emulated with symmetric fences, see the file
  // comment).
  bool uses_asymmetric_fences() const noexcept {
    return fence_mode() != FenceMode::kSymmetric;
  }

  // WorkStealingDeque::capacity()
  //
  // Owner only (or quiescent): the current buffer's capacity.
  std::size_t capacity() const noexcept {
    return buffer_.load(std::memory_order_relaxed)->mask + 1;
  }

 private:
  // A power-of-two ring of atomic slots. Index i lives in slot i & mask.
  struct Buffer {
    explicit Buffer(std::size_t capacity)
        : mask(capacity - 1), slots(new Atom<T>[capacity]) {}
    // Relaxed: slot accesses are ordered by bottom_/top_ and buffer_ (see
    // their comments); a racing thief's copy is discarded by its failed CAS.
    T Get(std::int64_t i) const noexcept {
      return slots[static_cast<std::size_t>(i) & mask].load(
          std::memory_order_relaxed);
    }
    void Put(std::int64_t i, T v) noexcept {
      slots[static_cast<std::size_t>(i) & mask].store(
          v, std::memory_order_relaxed);
    }
    const std::size_t mask;
    std::unique_ptr<Atom<T>[]> slots;
  };

  static constexpr std::uint32_t kAsymmetricMode =
      static_cast<std::uint32_t>(FenceMode::kAsymmetric);
  static constexpr std::uint32_t kDowngradeRequestedMode =
      static_cast<std::uint32_t>(FenceMode::kDowngradeRequested);
  static constexpr std::uint32_t kSymmetricMode =
      static_cast<std::uint32_t>(FenceMode::kSymmetric);

  // The mode a new deque starts in (see the file comment).
  static FenceMode InitialMode(DequeFences fences) noexcept {
    if (fences != DequeFences::kAuto ||
        !std::is_same_v<Atom<std::int64_t>, std::atomic<std::int64_t>>) {
      return FenceMode::kSymmetric;
    }
#if defined(MOIRAI_TSAN)
    return FenceMode::kAsymmetric;  // emulated: see LightStoreLoad
#else
    return internal::AsymmetricFencesAvailable() ? FenceMode::kAsymmetric
                                                 : FenceMode::kSymmetric;
#endif
  }

  // Owner only: the asymmetric mode's half of the Dekker step in Pop: stores
  // bottom_ = b and loads top_ into *t with only a compiler barrier between.
  // Under ThreadSanitizer the symmetric exchange instead (TSan models
  // neither the barrier nor membarrier; see the file comment).
  void LightStoreLoad(std::int64_t b, std::int64_t* t) noexcept {
#if defined(MOIRAI_TSAN)
    bottom_.exchange(b, std::memory_order_seq_cst);
#else
    // Release: see the class comment.
    bottom_.store(b, std::memory_order_release);
    std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
    *t = top_.load(std::memory_order_seq_cst);
  }

  // Thieves: the asymmetric mode's half (membarrier); under ThreadSanitizer
  // nothing beyond the seq_cst fence Steal issues anyway.
  static void HeavyFence() noexcept {
#if !defined(MOIRAI_TSAN)
    internal::AsymmetricHeavyFence();
#endif
  }

  // Owner only: doubles the buffer, copying the live range [t, b). The old
  // buffer is retired to buffers_ (not freed) since a thief may still read it.
  // Out of line (cold): keeps Push's fast path small enough to inline
  // without spilling registers.
  __attribute__((noinline)) Buffer* Grow(Buffer* old, std::int64_t t,
                                         std::int64_t b) {
    auto bigger = std::make_unique<Buffer>((old->mask + 1) * 2);
    for (std::int64_t i = t; i < b; ++i) bigger->Put(i, old->Get(i));
    Buffer* raw = bigger.get();
    buffers_.push_back(std::move(bigger));
    // Release pairs with the acquire load in Steal: a thief that sees the new
    // buffer sees the copied slots.
    buffer_.store(raw, std::memory_order_release);
    return raw;
  }

  // Invariants: top_ only increases (CAS by thieves and the last-element pop);
  // bottom_ is written only by the owner; the live elements are the indices
  // [top_, bottom_) of buffer_; bottom_ - top_ <= capacity. Indices are signed
  // so that bottom_ - 1 at an empty deque is -1, not a wrapped huge value.
  // top_ and bottom_ sit on separate cache lines: thieves hammer top_, the
  // owner writes bottom_.
  alignas(core::kFalseSharingRange) Atom<std::int64_t> top_;
  alignas(core::kFalseSharingRange) Atom<std::int64_t> bottom_;
  Atom<Buffer*> buffer_{nullptr};
  // The FenceMode (see the file comment). Invariant: changes only
  // kAsymmetric -> kDowngradeRequested (CAS by any thread) -> kSymmetric
  // (release store by the owner, in Pop); kSymmetric is final. On the
  // bottom_ line: the owner reads it in every Pop, thieves read bottom_
  // right after it.
  Atom<std::uint32_t> mode_;
  // Every buffer ever used, the live one last. Owner only.
  std::vector<std::unique_ptr<Buffer>> buffers_;
};

}  // namespace moirai::lockfree

#endif  // MOIRAI_LOCKFREE_WORK_STEALING_DEQUE_H_
