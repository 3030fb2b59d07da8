// Copyright 2026 The Moirai Authors.
//
// sched/parallel.h
// -----------------------------------------------------------------------------
//
// Data-parallel loops on a `Scheduler`, built on `TaskGroup` by recursive
// binary splitting (the range is halved until a piece holds at most `grain`
// indices; thieves take the biggest halves first, because the deque is FIFO
// for them).
//
//   ParallelFor(sched, begin, end, grain, [](int64_t i) { ... });
//   ParallelForRange(sched, begin, end, grain, [](int64_t lo, int64_t hi) {
//     for (int64_t i = lo; i < hi; ++i) ...;
//   });
//   absl::StatusOr<double> sum = ParallelReduce(
//       sched, 0, n, 1024, 0.0,
//       [&](int64_t lo, int64_t hi) { double s = 0; ...; return s; },
//       [](double a, double b) { return a + b; });
//
// Contract: the body is called for every index in [begin, end) exactly once
// (ParallelForRange: the pieces partition the range, each piece non-empty
// and at most `grain` long). `grain` must be >= 1 and `begin <= end`;
// otherwise InvalidArgument and the body is never called. An empty range
// returns OK (ParallelReduce: the identity) without calling anything.
// Exceptions thrown by the body cancel the remaining pieces and come back as
// an error status. Called from a thread that is not one of `sched`'s
// workers, the loop is submitted as one task and the caller blocks until it
// is done; after shutdown it returns FailedPrecondition.
//
// Everything the body did happens before the call returns.

#ifndef MOIRAI_SCHED_PARALLEL_H_
#define MOIRAI_SCHED_PARALLEL_H_

#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sched/task_group.h"

namespace moirai::sched {
namespace internal {

inline absl::Status CheckRange(std::int64_t begin, std::int64_t end,
                               std::int64_t grain) {
  if (grain < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("parallel loop grain must be >= 1, got ", grain));
  }
  if (begin > end) {
    return absl::InvalidArgumentError(absl::StrCat(
        "parallel loop range is reversed: begin ", begin, " > end ", end));
  }
  return absl::OkStatus();
}

// Forks the upper halves of [lo, hi) into `g` and runs the last piece here.
// The width of [lo, hi), computed unsigned: hi - lo may not fit an int64_t.
inline std::uint64_t Width(std::int64_t lo, std::int64_t hi) {
  return static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
}

// Forks the upper halves of [lo, hi) into `g` and runs the last piece here.
template <typename Body>
void ForSplit(TaskGroup& g, std::int64_t lo, std::int64_t hi,
              std::int64_t grain, const Body& body) {
  while (Width(lo, hi) > static_cast<std::uint64_t>(grain)) {
    if (g.IsCancelled()) return;
    const std::int64_t mid = lo + static_cast<std::int64_t>(Width(lo, hi) / 2);
    g.Run([&g, mid, hi, grain, &body] { ForSplit(g, mid, hi, grain, body); });
    hi = mid;
  }
  body(lo, hi);
}

template <typename T, typename Map, typename Combine>
T ReduceSplit(Scheduler* s, std::int64_t lo, std::int64_t hi,
              std::int64_t grain, const Map& map, const Combine& combine) {
  if (Width(lo, hi) <= static_cast<std::uint64_t>(grain)) return map(lo, hi);
  const std::int64_t mid = lo + static_cast<std::int64_t>(Width(lo, hi) / 2);
  std::optional<T> right;
  TaskGroup g(s);
  g.Run(
      [&] { right.emplace(ReduceSplit<T>(s, mid, hi, grain, map, combine)); });
  T left = ReduceSplit<T>(s, lo, mid, grain, map, combine);
  if (!g.Wait().ok()) {
    // A piece threw: pass the exception up to the enclosing group.
    if (g.exception() != nullptr) std::rethrow_exception(g.exception());
    throw std::runtime_error("ParallelReduce: a piece was cancelled");
  }
  return combine(std::move(left), std::move(*right));
}

}  // namespace internal

// ParallelForRange()
//
// Calls `body(lo, hi)` on pieces partitioning [begin, end) (see the file
// comment).
template <typename Body>
absl::Status ParallelForRange(Scheduler& sched, std::int64_t begin,
                              std::int64_t end, std::int64_t grain,
                              const Body& body) {
  if (absl::Status s = internal::CheckRange(begin, end, grain); !s.ok()) {
    return s;
  }
  if (begin == end) return absl::OkStatus();
  if (Scheduler::Current() != &sched) {
    absl::Status inner;
    core::Future<void> f = sched.Spawn(
        [&] { inner = ParallelForRange(sched, begin, end, grain, body); });
    absl::Status outer = std::move(f).Get();
    return outer.ok() ? inner : outer;
  }
  TaskGroup g(&sched);
  g.Run([&] { internal::ForSplit(g, begin, end, grain, body); });
  return g.Wait();
}

// ParallelFor()
//
// Calls `body(i)` for every i in [begin, end) (see the file comment).
template <typename Body>
absl::Status ParallelFor(Scheduler& sched, std::int64_t begin, std::int64_t end,
                         std::int64_t grain, const Body& body) {
  return ParallelForRange(sched, begin, end, grain,
                          [&body](std::int64_t lo, std::int64_t hi) {
                            for (std::int64_t i = lo; i < hi; ++i) body(i);
                          });
}

// ParallelReduce()
//
// Returns `combine`-folded `map(lo, hi)` over pieces of [begin, end), each
// at most `grain` long, combined in index order (left piece first), so a
// non-commutative but associative `combine` works. `identity` is the result
// for an empty range and is combined once on the left otherwise.
template <typename T, typename Map, typename Combine>
absl::StatusOr<T> ParallelReduce(Scheduler& sched, std::int64_t begin,
                                 std::int64_t end, std::int64_t grain,
                                 T identity, const Map& map,
                                 const Combine& combine) {
  if (absl::Status s = internal::CheckRange(begin, end, grain); !s.ok()) {
    return s;
  }
  if (begin == end) return identity;
  if (Scheduler::Current() != &sched) {
    std::optional<absl::StatusOr<T>> inner;
    core::Future<void> f = sched.Spawn([&] {
      inner.emplace(ParallelReduce(sched, begin, end, grain,
                                   std::move(identity), map, combine));
    });
    absl::Status outer = std::move(f).Get();
    if (!outer.ok()) return outer;
    return std::move(*inner);
  }
  std::optional<T> out;
  TaskGroup g(&sched);
  g.Run([&] {
    out.emplace(combine(
        std::move(identity),
        internal::ReduceSplit<T>(&sched, begin, end, grain, map, combine)));
  });
  if (absl::Status s = g.Wait(); !s.ok()) return s;
  return std::move(*out);
}

}  // namespace moirai::sched

#endif  // MOIRAI_SCHED_PARALLEL_H_
