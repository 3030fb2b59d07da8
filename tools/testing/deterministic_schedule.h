// Copyright 2026 The Moirai Authors.
//
// tools/testing/deterministic_schedule.h
// -----------------------------------------------------------------------------
//
// A deterministic scheduler for testing lock-free code, after folly's
// `DeterministicSchedule` (folly/test/DeterministicSchedule.h) and the PCT
// algorithm of Burckhardt, Kothari, Musuvathi and Nagarakatte, "A Randomized
// Scheduler with Probabilistic Guarantees of Finding Bugs" (ASPLOS 2010).
//
// Moirai's lock-free types take an `Atom` template-template parameter that
// defaults to `std::atomic`. Tests substitute `DeterministicAtomic`, whose
// every operation is a *scheduling point*: before the operation runs, the
// schedule picks (with a seeded PRNG) which test thread takes the next step.
// Only one test thread runs at any time, so a run is a single interleaving of
// the threads' atomic operations, and the same seed replays the same
// interleaving (as long as the test itself is deterministic given the
// schedule: no wall-clock time, no unseeded randomness).
//
// Example:
//
//   ExploreResult r = ExploreSchedules({.num_seeds = 200},
//       [](DeterministicSchedule& sched) -> absl::Status {
//         Stack<int, DeterministicAtomic> stack;
//         sched.Run({[&] { stack.Push(1); }, [&] { stack.Pop(); }});
//         return CheckSomething(stack);
//       });
//   EXPECT_FALSE(r.failed) << r.message;   // the message names seed + policy
//
// Scope and limits (read before trusting a green run):
//
// - Interleavings are sequentially consistent. Every `DeterministicAtomic`
//   operation is performed as a seq_cst operation on a real `std::atomic`,
//   whatever order the caller asked for, so reorderings that the C++ memory
//   model allows for weaker orders (a relaxed store overtaking another store, a
//   load reading a stale value) are NOT explored. Bugs in the choice of memory
//   orders are ThreadSanitizer's job (and review's); this harness finds
//   interleaving bugs (lost updates, ABA, use-after-retire, broken helping).
// - Only `DeterministicAtomic` operations are scheduling points. Plain
//   `std::atomic`, `std::mutex` and system calls inside the code under test
//   are not seen by the schedule. A test thread must never block in the OS on
//   something another test thread has to release (a `std::mutex` held across a
//   scheduling point): the other thread can never be scheduled, and the run
//   hangs. Spin-waits built from `DeterministicAtomic` loads are fine: each
//   load is a scheduling point, so the thread being waited for gets to run.
// - A run that exceeds `max_steps` scheduling points is reported as a
//   livelock: the process aborts with the seed and policy in the message.
//
// Policies:
//
// - kUniform: at every scheduling point the next thread is drawn uniformly
//   from the runnable threads. Good at short races anywhere in a run.
// - kPct: PCT-like. Threads get distinct random priorities; the highest
//   priority runnable thread runs. At `pct_depth - 1` random step indices
//   (drawn in [0, pct_expected_steps)) the running thread drops below every
//   other thread. PCT finds a bug of depth d with probability at least
//   1 / (n * k^(d-1)) per run (n threads, k steps). Because a thread that
//   spins waiting for a lower-priority thread would otherwise livelock, a
//   thread that takes `pct_spin_limit` consecutive steps while others are
//   runnable is demoted too (a departure from the paper, needed for
//   spin-waits).
//
// Thread-safety: a `DeterministicSchedule` runs one `Run()` at a time; the
// schedule itself is driven from the thread that calls `Run()`.

#ifndef MOIRAI_TOOLS_TESTING_DETERMINISTIC_SCHEDULE_H_
#define MOIRAI_TOOLS_TESTING_DETERMINISTIC_SCHEDULE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

namespace moirai::testing {

// SchedulePolicy
//
// How a `DeterministicSchedule` picks the next thread (see the file comment).
enum class SchedulePolicy { kUniform, kPct };

// SchedulePolicyName()
//
// "uniform" or "pct", for messages.
const char* SchedulePolicyName(SchedulePolicy policy);

struct ScheduleOptions {
  uint64_t seed = 1;
  SchedulePolicy policy = SchedulePolicy::kUniform;
  // PCT: the bug depth targeted (number of priority change points + 1).
  int pct_depth = 3;
  // PCT: change points are drawn in [0, pct_expected_steps). 0 = automatic:
  // 64 for a lone schedule; `ExploreSchedules` uses the step count of the
  // previous trial (PCT works best when k matches the run's length).
  int64_t pct_expected_steps = 0;
  // PCT: consecutive steps after which a spinning thread is demoted.
  int pct_spin_limit = 64;
  // A run with more scheduling points than this aborts as a livelock.
  int64_t max_steps = int64_t{1} << 22;
};

// DeterministicSchedule
//
// Runs a set of test threads one scheduling point at a time. See the file
// comment for the model and its limits.
class DeterministicSchedule {
 public:
  explicit DeterministicSchedule(const ScheduleOptions& options);
  ~DeterministicSchedule();

  DeterministicSchedule(const DeterministicSchedule&) = delete;
  DeterministicSchedule& operator=(const DeterministicSchedule&) = delete;

  // DeterministicSchedule::Run()
  //
  // Starts one OS thread per function and runs them under this schedule
  // until all have returned. Thread `i` can find its index with
  // `ThreadIndex()`. May be called more than once (the PRNG continues; the
  // whole sequence of runs is still determined by the seed). Must not be
  // called from inside a scheduled thread.
  void Run(std::vector<std::function<void()>> threads);

  // DeterministicSchedule::BeforeSharedAccess()
  //
  // The scheduling point: when the calling thread runs under a schedule, it
  // lets the schedule pick the next thread and waits for its turn. A no-op on
  // a thread that is not under a schedule (for example the test's main
  // thread while it sets up or checks a structure), so instrumented types
  // work outside `Run()` too. `DeterministicAtomic` calls it before every
  // operation; tests may call it to add scheduling points of their own.
  static void BeforeSharedAccess();

  // DeterministicSchedule::ThreadIndex()
  //
  // The index (in `Run()`'s vector) of the calling scheduled thread; -1 on
  // a thread that is not under a schedule.
  static int ThreadIndex();

  // DeterministicSchedule::steps()
  //
  // Scheduling points taken so far (over every `Run()`).
  int64_t steps() const { return steps_; }

  const ScheduleOptions& options() const { return options_; }

 private:
  struct ThreadSlot;

  // Picks the thread that takes the next step (may be the caller). Called
  // only by the thread that currently holds the turn (or by Run() before any
  // thread started), so it needs no lock: the turn hand-off through the
  // slots' semaphores orders every call.
  int PickNext(int current);
  // Gives the turn to `next` (possibly the caller, then it returns at once)
  // and, unless the caller finished, waits for the turn to come back.
  void HandOff(int current, int next, bool current_finished);
  uint64_t NextRandom();
  void InitPct();

  const ScheduleOptions options_;
  uint64_t rng_state_;
  int64_t steps_ = 0;
  std::vector<std::unique_ptr<ThreadSlot>> slots_;
  // kPct state.
  std::vector<int64_t> priorities_;
  std::vector<int64_t> change_points_;  // sorted step indices
  int64_t lowest_priority_ = 0;
  int last_thread_ = -1;
  int consecutive_steps_ = 0;
};

// DeterministicAtomic
//
// A drop-in replacement for `std::atomic<T>` (the subset Moirai's lock-free
// types use) whose every operation is a scheduling point of the current
// `DeterministicSchedule`. Usable as an `Atom` template-template argument.
// Each operation is carried out as seq_cst on an underlying `std::atomic<T>`
// (see the file comment: weak-memory behaviours are not explored); the
// requested orders are accepted and ignored.
template <typename T>
class DeterministicAtomic {
 public:
  using value_type = T;

  DeterministicAtomic() noexcept(std::is_nothrow_default_constructible_v<T>)
      : value_() {}
  constexpr DeterministicAtomic(T desired) noexcept : value_(desired) {}
  DeterministicAtomic(const DeterministicAtomic&) = delete;
  DeterministicAtomic& operator=(const DeterministicAtomic&) = delete;

  bool is_lock_free() const noexcept { return value_.is_lock_free(); }

  T load(std::memory_order = std::memory_order_seq_cst) const noexcept {
    DeterministicSchedule::BeforeSharedAccess();
    return value_.load(std::memory_order_seq_cst);
  }
  void store(T desired,
             std::memory_order = std::memory_order_seq_cst) noexcept {
    DeterministicSchedule::BeforeSharedAccess();
    value_.store(desired, std::memory_order_seq_cst);
  }
  T exchange(T desired,
             std::memory_order = std::memory_order_seq_cst) noexcept {
    DeterministicSchedule::BeforeSharedAccess();
    return value_.exchange(desired, std::memory_order_seq_cst);
  }
  // compare_exchange_weak never fails spuriously here: spurious failure is a
  // hardware artefact, and a schedule that replays must not depend on one.
  bool compare_exchange_weak(
      T& expected, T desired,
      std::memory_order = std::memory_order_seq_cst) noexcept {
    return compare_exchange_strong(expected, desired);
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order,
                             std::memory_order) noexcept {
    return compare_exchange_strong(expected, desired);
  }
  bool compare_exchange_strong(
      T& expected, T desired,
      std::memory_order = std::memory_order_seq_cst) noexcept {
    DeterministicSchedule::BeforeSharedAccess();
    return value_.compare_exchange_strong(expected, desired,
                                          std::memory_order_seq_cst);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order,
                               std::memory_order) noexcept {
    return compare_exchange_strong(expected, desired);
  }

  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  T fetch_add(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    DeterministicSchedule::BeforeSharedAccess();
    return value_.fetch_add(arg, std::memory_order_seq_cst);
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  T fetch_sub(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    DeterministicSchedule::BeforeSharedAccess();
    return value_.fetch_sub(arg, std::memory_order_seq_cst);
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  T fetch_or(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    DeterministicSchedule::BeforeSharedAccess();
    return value_.fetch_or(arg, std::memory_order_seq_cst);
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  T fetch_and(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    DeterministicSchedule::BeforeSharedAccess();
    return value_.fetch_and(arg, std::memory_order_seq_cst);
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  T fetch_xor(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    DeterministicSchedule::BeforeSharedAccess();
    return value_.fetch_xor(arg, std::memory_order_seq_cst);
  }

  // Plain conversions and assignment behave like std::atomic's (seq_cst).
  operator T() const noexcept { return load(); }  // NOLINT: mirrors std::atomic
  T operator=(T desired) noexcept {
    store(desired);
    return desired;
  }

 private:
  std::atomic<T> value_;
};

// BrokenRmwAtomic
//
// A deliberately broken `DeterministicAtomic`, for tests that must prove the
// harness has teeth: every read-modify-write (exchange, compare-exchange,
// fetch_*) is carried out as a load and a separate store, with a scheduling
// point in between, so another thread can act between the read and the
// write. A lock built on `exchange` then admits two holders, and a Treiber
// stack's CAS loses or duplicates nodes. Plug it into a structure's `Atom`
// parameter and assert that `ExploreSchedules` finds a failure.
template <typename T>
class BrokenRmwAtomic {
 public:
  BrokenRmwAtomic() noexcept(std::is_nothrow_default_constructible_v<T>)
      : value_() {}
  constexpr BrokenRmwAtomic(T desired) noexcept : value_(desired) {}
  BrokenRmwAtomic(const BrokenRmwAtomic&) = delete;
  BrokenRmwAtomic& operator=(const BrokenRmwAtomic&) = delete;

  T load(std::memory_order order = std::memory_order_seq_cst) const noexcept {
    return value_.load(order);
  }
  void store(T desired,
             std::memory_order order = std::memory_order_seq_cst) noexcept {
    value_.store(desired, order);
  }
  T exchange(T desired,
             std::memory_order = std::memory_order_seq_cst) noexcept {
    const T old = value_.load();
    value_.store(desired);
    return old;
  }
  bool compare_exchange_weak(
      T& expected, T desired,
      std::memory_order = std::memory_order_seq_cst) noexcept {
    return compare_exchange_strong(expected, desired);
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order,
                             std::memory_order) noexcept {
    return compare_exchange_strong(expected, desired);
  }
  bool compare_exchange_strong(
      T& expected, T desired,
      std::memory_order = std::memory_order_seq_cst) noexcept {
    const T current = value_.load();
    if (current != expected) {
      expected = current;
      return false;
    }
    value_.store(desired);
    return true;
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order,
                               std::memory_order) noexcept {
    return compare_exchange_strong(expected, desired);
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  T fetch_add(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    const T old = value_.load();
    value_.store(static_cast<T>(old + arg));
    return old;
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  T fetch_sub(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    const T old = value_.load();
    value_.store(static_cast<T>(old - arg));
    return old;
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  T fetch_or(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    const T old = value_.load();
    value_.store(static_cast<T>(old | arg));
    return old;
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  T fetch_and(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    const T old = value_.load();
    value_.store(static_cast<T>(old & arg));
    return old;
  }

 private:
  DeterministicAtomic<T> value_;  // each load/store is a scheduling point
};

// ExploreOptions / ExploreResult / ExploreSchedules()
//
// Runs `trial` once per seed in [first_seed, first_seed + num_seeds), each
// time with a fresh `DeterministicSchedule`, and stops at the first trial
// that returns a non-OK status. The result names the seed and policy, and
// `ReplaySchedule(result.failing_options, trial)` reproduces the failure.
// `policies` lists the policies to use: each seed runs once per policy.
struct ExploreOptions {
  uint64_t first_seed = 1;
  int num_seeds = 200;
  std::vector<SchedulePolicy> policies = {SchedulePolicy::kUniform,
                                          SchedulePolicy::kPct};
  // Copied into each schedule's options (seed and policy are overwritten).
  ScheduleOptions schedule = {};
  // Print the failing seed to stderr (on by default).
  bool print_failure = true;
};

struct ExploreResult {
  bool failed = false;
  uint64_t seed = 0;
  SchedulePolicy policy = SchedulePolicy::kUniform;
  // The complete options of the failing trial: pass them to
  // `ReplaySchedule()` to reproduce it.
  ScheduleOptions failing_options = {};
  int trials_run = 0;
  // "seed=<s> policy=<p> pct_expected_steps=<k>: <status>" for the failing
  // trial; empty otherwise.
  std::string message;
};

ExploreResult ExploreSchedules(
    const ExploreOptions& options,
    absl::FunctionRef<absl::Status(DeterministicSchedule&)> trial);

// AbortIfCaught()
//
// For the deliberately broken variants: runs `ExploreSchedules(options,
// trial)` and, if it finds a failing interleaving, prints "caught: <message>"
// and aborts; returns normally if every trial passed. Call it inside a death
// test (`EXPECT_DEATH(AbortIfCaught(...), "")`): a broken structure can also
// corrupt memory (a double free caught by the allocator or a sanitizer) or
// livelock (the schedule aborts), and those outcomes count as caught too;
// what fails the test is a broken variant that runs clean.
void AbortIfCaught(
    const ExploreOptions& options,
    absl::FunctionRef<absl::Status(DeterministicSchedule&)> trial);

// ReplaySchedule()
//
// Runs `trial` once under `options` (for example the `failing_options` of an
// `ExploreResult`, or a seed and policy copied from a failure message) to
// debug a failure.
absl::Status ReplaySchedule(
    const ScheduleOptions& options,
    absl::FunctionRef<absl::Status(DeterministicSchedule&)> trial);

}  // namespace moirai::testing

#endif  // MOIRAI_TOOLS_TESTING_DETERMINISTIC_SCHEDULE_H_
