// Copyright 2026 The Moirai Authors.
//
// sched/compat/tbb.h
// -----------------------------------------------------------------------------
//
// oneTBB-shaped adapters over Moirai's scheduler, so code written against
// the common oneTBB signatures compiles with a changed include and a
// namespace alias:
//
//   #include "moirai/sched/compat/tbb.h"   // was: #include <oneapi/tbb.h>
//   namespace tbb = moirai::sched::compat::tbb;
//
//   tbb::task_group g;  g.run([&] { ... });  g.wait();
//   tbb::parallel_for(tbb::blocked_range<size_t>(0, n),
//                     [&](const tbb::blocked_range<size_t>& r) { ... });
//   tbb::parallel_for(0, n, [&](int i) { ... });
//   long s = tbb::parallel_reduce(range, 0L, real_body, std::plus<long>());
//   tbb::task_arena arena(4);  arena.execute([&] { ... });
//
// What is covered: `blocked_range<Value>` (integers and random-access
// iterators), `task_group` (run, wait, run_and_wait, cancel,
// is_canceling), `parallel_for` (range + body, first/last[/step] + f, with
// an optional partitioner), the functional `parallel_reduce`
// (range, identity, real_body, reduction), `parallel_invoke`,
// `task_arena` (constructor with max_concurrency, execute,
// max_concurrency) and `this_task_arena::max_concurrency()`. Not covered:
// the imperative parallel_reduce (a Body with a splitting constructor and
// join), `parallel_pipeline`, flow graphs, concurrent containers,
// `global_control`, `enumerable_thread_specific`, `isolated_task_group`.
//
// Where the work runs: on the Moirai scheduler of the calling task
// (`Scheduler::Current()`), so code inside `task_arena::execute` or inside
// any Moirai task uses that scheduler; elsewhere on `DefaultScheduler()`, one
// scheduler with a worker per hardware thread created on first use and shut
// down (drained) at process exit -- the counterpart of oneTBB's implicit
// arena. It is the only process-wide object here and nothing prevents other
// schedulers living beside it.
//
// Differences a port may notice:
// - Errors are exceptions, as in oneTBB: the first exception a body throws
//   cancels the rest of the loop or group and is rethrown by the call
//   (parallel_for, parallel_reduce, parallel_invoke) or by `wait()`. A
//   Moirai-level failure (the scheduler is shutting down) is thrown as
//   `std::runtime_error` with the status message; a negative step or a
//   reversed range in `parallel_for(first, last, step, f)` as
//   `std::invalid_argument`, where oneTBB's behaviour is undefined.
// - Partitioners: `simple_partitioner` splits down to the range's grain
//   size, as in oneTBB. The default (and `auto_partitioner`,
//   `static_partitioner`, `affinity_partitioner`) uses a grain of at least
//   size / (8 x workers), so a grain size of 1 does not make a task per
//   element; pieces are never longer than oneTBB's auto partitioner would
//   make them by more than that bound.
// - `parallel_reduce` combines pieces in index order (left first), as
//   oneTBB does, and combines `identity` once more on the left; with a true
//   identity the result is the same.
// - `task_group` after `cancel()` stays cancelled (Moirai's TaskGroup
//   cancellation is sticky); oneTBB resets it after `wait()`. Make a new
//   group instead of reusing a cancelled one.
// - `task_group::wait()` on a thread that is not a worker blocks the thread
//   (oneTBB's waiting thread joins the work); inside a task it helps, and
//   inside a fiber it parks the fiber.

#ifndef MOIRAI_SCHED_COMPAT_TBB_H_
#define MOIRAI_SCHED_COMPAT_TBB_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "moirai/sched/parallel.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sched/task_group.h"

namespace moirai::sched::compat::tbb {

// DefaultScheduler()
//
// The scheduler used by calls made outside any Moirai task (see the file
// comment). Created on first use; aborts with a message if it cannot be.
Scheduler& DefaultScheduler();

namespace internal {

// The scheduler a compat call runs on: the calling task's, else the default.
inline Scheduler& CurrentOrDefault() {
  Scheduler* s = Scheduler::Current();
  return s != nullptr ? *s : DefaultScheduler();
}

// Keeps the first exception thrown by any piece of one parallel call. A
// piece records its exception here and rethrows it, so Moirai cancels the
// rest of the call as usual; the caller rethrows the recorded original
// (Moirai's status keeps only the message).
class FirstException {
 public:
  void Record(std::exception_ptr e) noexcept {
    // acq_rel: the exchange that wins publishes `first_` together with
    // every piece's effects to the caller, which reads `first_` only after
    // the parallel call returned (that return happens after every piece).
    if (!claimed_.exchange(true, std::memory_order_acq_rel)) {
      first_ = std::move(e);
    }
  }
  // Rethrows the recorded exception, else throws for a failed `s`.
  void RethrowIfFailed(const absl::Status& s) const {
    if (first_ != nullptr) std::rethrow_exception(first_);
    if (!s.ok()) throw std::runtime_error(std::string(s.ToString()));
  }

 private:
  std::atomic<bool> claimed_{false};
  std::exception_ptr first_;
};

// A call of `f(args...)` that records what it throws in `errors`.
template <typename F, typename... Args>
decltype(auto) Recording(FirstException& errors, const F& f, Args&&... args) {
  try {
    return f(std::forward<Args>(args)...);
  } catch (...) {
    errors.Record(std::current_exception());
    throw;
  }
}

}  // namespace internal

// Partitioners: tags that choose the grain (see the file comment).
struct auto_partitioner {};
struct simple_partitioner {};
struct static_partitioner {};
class affinity_partitioner {};

// blocked_range<Value>
//
// The half-open range [begin, end) with a grain size (>= 1), for integer
// `Value`s and random-access iterators.
template <typename Value>
class blocked_range {
 public:
  using const_iterator = Value;
  using size_type = std::size_t;

  blocked_range(Value begin, Value end, size_type grainsize = 1)
      : begin_(begin), end_(end), grainsize_(grainsize == 0 ? 1 : grainsize) {}

  const_iterator begin() const { return begin_; }
  const_iterator end() const { return end_; }
  size_type size() const {
    return begin_ < end_ ? static_cast<size_type>(end_ - begin_) : 0;
  }
  size_type grainsize() const { return grainsize_; }
  bool empty() const { return !(begin_ < end_); }
  bool is_divisible() const { return grainsize_ < size(); }

 private:
  Value begin_;
  Value end_;
  size_type grainsize_;
};

namespace internal {

// The Moirai grain for a range of `size` with grain size `grainsize`.
template <typename Partitioner>
std::int64_t Grain(Scheduler& s, std::size_t size, std::size_t grainsize) {
  std::size_t g = grainsize;
  if constexpr (!std::is_same_v<Partitioner, simple_partitioner>) {
    const std::size_t pieces = 8 * static_cast<std::size_t>(s.num_workers());
    const std::size_t even = (size + pieces - 1) / pieces;
    if (even > g) g = even;
  }
  return static_cast<std::int64_t>(g == 0 ? 1 : g);
}

template <typename Value>
Value Advance(Value begin, std::int64_t n) {
  return begin + static_cast<std::make_signed_t<std::conditional_t<
                     std::is_integral_v<Value>, Value, std::ptrdiff_t>>>(n);
}

template <typename Partitioner, typename Value, typename Body>
void ParallelForImpl(const blocked_range<Value>& range, const Body& body) {
  if (range.empty()) return;
  Scheduler& s = CurrentOrDefault();
  FirstException errors;
  const std::size_t grainsize = range.grainsize();
  const Value first = range.begin();
  absl::Status st = ParallelForRange(
      s, 0, static_cast<std::int64_t>(range.size()),
      Grain<Partitioner>(s, range.size(), grainsize),
      [&](std::int64_t lo, std::int64_t hi) {
        Recording(errors, body,
                  blocked_range<Value>(Advance(first, lo), Advance(first, hi),
                                       grainsize));
      });
  errors.RethrowIfFailed(st);
}

}  // namespace internal

// parallel_for(range, body[, partitioner])
//
// Calls `body(const blocked_range<Value>&)` on pieces partitioning `range`.
template <typename Value, typename Body>
void parallel_for(const blocked_range<Value>& range, const Body& body) {
  internal::ParallelForImpl<auto_partitioner>(range, body);
}
template <typename Value, typename Body, typename Partitioner>
void parallel_for(const blocked_range<Value>& range, const Body& body,
                  const Partitioner&) {
  internal::ParallelForImpl<Partitioner>(range, body);
}
template <typename Value, typename Body>
void parallel_for(const blocked_range<Value>& range, const Body& body,
                  affinity_partitioner&) {
  internal::ParallelForImpl<affinity_partitioner>(range, body);
}

// parallel_for(first, last[, step], f)
//
// Calls `f(i)` for i = first, first + step, ... while i < last. `step` must
// be >= 1 and first <= last (std::invalid_argument otherwise).
template <typename Index, typename Function,
          typename = std::enable_if_t<std::is_integral_v<Index>>>
void parallel_for(Index first, Index last, Index step, const Function& f) {
  if (step < 1) {
    throw std::invalid_argument("tbb::parallel_for: step must be >= 1, got " +
                                std::to_string(step));
  }
  if (last < first) {
    throw std::invalid_argument("tbb::parallel_for: last " +
                                std::to_string(last) + " < first " +
                                std::to_string(first));
  }
  if (first == last) return;
  using U = std::make_unsigned_t<Index>;
  const U span = static_cast<U>(last) - static_cast<U>(first);
  const U count =
      span / static_cast<U>(step) + (span % static_cast<U>(step) != 0);
  internal::ParallelForImpl<auto_partitioner>(
      blocked_range<std::size_t>(0, static_cast<std::size_t>(count)),
      [&](const blocked_range<std::size_t>& r) {
        for (std::size_t k = r.begin(); k != r.end(); ++k) {
          f(static_cast<Index>(static_cast<U>(first) +
                               static_cast<U>(k) * static_cast<U>(step)));
        }
      });
}
template <typename Index, typename Function,
          typename = std::enable_if_t<std::is_integral_v<Index>>>
void parallel_for(Index first, Index last, const Function& f) {
  parallel_for(first, last, static_cast<Index>(1), f);
}

// parallel_reduce(range, identity, real_body, reduction[, partitioner])
//
// Returns reduction-folded `real_body(piece, identity)` over pieces of
// `range`, in index order.
template <typename Value, typename T, typename RealBody, typename Reduction,
          typename Partitioner = auto_partitioner>
T parallel_reduce(const blocked_range<Value>& range, const T& identity,
                  const RealBody& real_body, const Reduction& reduction,
                  const Partitioner& = Partitioner()) {
  if (range.empty()) return identity;
  Scheduler& s = internal::CurrentOrDefault();
  internal::FirstException errors;
  const std::size_t grainsize = range.grainsize();
  const Value first = range.begin();
  absl::StatusOr<T> out = ParallelReduce(
      s, 0, static_cast<std::int64_t>(range.size()),
      internal::Grain<Partitioner>(s, range.size(), grainsize), identity,
      [&](std::int64_t lo, std::int64_t hi) -> T {
        return internal::Recording(
            errors, real_body,
            blocked_range<Value>(internal::Advance(first, lo),
                                 internal::Advance(first, hi), grainsize),
            identity);
      },
      [&](T a, T b) -> T {
        return internal::Recording(errors, reduction, std::move(a),
                                   std::move(b));
      });
  errors.RethrowIfFailed(out.status());
  return std::move(*out);
}

// task_group_status: what `task_group::wait()` returns.
enum task_group_status { not_complete, complete, canceled };

// task_group
//
// `run(f)` forks, `wait()` joins (see the file comment for the scheduler and
// for how cancellation and exceptions differ from oneTBB).
class task_group {
 public:
  task_group() : group_(&internal::CurrentOrDefault()) {}
  task_group(const task_group&) = delete;
  task_group& operator=(const task_group&) = delete;
  // Like oneTBB, destroying a group with tasks outstanding waits for them
  // (oneTBB would also throw missing_wait; here the outcome is dropped).
  ~task_group() = default;

  template <typename F>
  void run(F&& f) {
    group_.Run(std::forward<F>(f));
  }

  // task_group::wait()
  //
  // Joins every task run so far. Rethrows the first exception a task threw;
  // returns `canceled` after cancel(), else `complete`.
  task_group_status wait() {
    absl::Status s = group_.Wait();
    if (group_.exception() != nullptr) {
      std::rethrow_exception(group_.exception());
    }
    if (absl::IsCancelled(s) || group_.IsCancelled()) return canceled;
    if (!s.ok()) throw std::runtime_error(std::string(s.ToString()));
    return complete;
  }

  template <typename F>
  task_group_status run_and_wait(const F& f) {
    group_.Run(f);
    return wait();
  }

  void cancel() { group_.Cancel(); }
  bool is_canceling() const { return group_.IsCancelled(); }

 private:
  TaskGroup group_;
};

// parallel_invoke(f1, f2, ...)
//
// Runs every function, possibly in parallel, and returns when all are done;
// rethrows the first exception.
template <typename... Fs>
void parallel_invoke(const Fs&... fs) {
  task_group g;
  (g.run([&fs] { fs(); }), ...);
  g.wait();
}

// task_arena
//
// A scheduler of its own with `max_concurrency` workers (`automatic`: one
// per hardware thread). `execute(f)` runs `f` on it and returns its value;
// every compat call inside `f` runs on this arena.
class task_arena {
 public:
  static constexpr int automatic = -1;

  explicit task_arena(int max_concurrency = automatic);
  task_arena(const task_arena&) = delete;
  task_arena& operator=(const task_arena&) = delete;
  ~task_arena();

  int max_concurrency() const { return sched_->num_workers(); }

  // task_arena::execute()
  //
  // Runs `f()` on one of the arena's workers (inline when already on one)
  // and returns its result; rethrows what `f` throws.
  template <typename F>
  auto execute(F&& f) -> decltype(f()) {
    using R = decltype(f());
    if (Scheduler::Current() == sched_.get()) return f();
    std::exception_ptr error;
    std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> out;
    absl::Status s = sched_
                         ->Spawn([&] {
                           try {
                             if constexpr (std::is_void_v<R>) {
                               f();
                               out.emplace(true);
                             } else {
                               out.emplace(f());
                             }
                           } catch (...) {
                             error = std::current_exception();
                           }
                         })
                         .Get();
    if (error != nullptr) std::rethrow_exception(error);
    if (!s.ok()) throw std::runtime_error(std::string(s.ToString()));
    if constexpr (!std::is_void_v<R>) return std::move(*out);
  }

 private:
  std::unique_ptr<Scheduler> sched_;
};

namespace this_task_arena {

// this_task_arena::max_concurrency()
//
// Workers of the scheduler compat calls made here would use.
inline int max_concurrency() {
  return internal::CurrentOrDefault().num_workers();
}

}  // namespace this_task_arena

}  // namespace moirai::sched::compat::tbb

#endif  // MOIRAI_SCHED_COMPAT_TBB_H_
