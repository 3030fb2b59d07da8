// Copyright 2026 The Moirai Authors.
//
// tools/testing/linearizability.h
// -----------------------------------------------------------------------------
//
// Recording concurrent histories and checking them for linearizability
// (Herlihy and Wing, "Linearizability: A Correctness Condition for Concurrent
// Objects", TOPLAS 1990).
//
// Recording: `HistoryRecorder` stamps each operation's invocation and
// response with a shared logical clock (one seq_cst counter), per thread. If
// operation A's response stamp is smaller than B's invocation stamp, A
// returned before B was called in real time, so every real-time order the
// checker enforces did happen (the converse need not hold: two operations
// whose stamps overlap may not have overlapped in time; treating them as
// concurrent only makes the checker more permissive, never wrong).
//
// Checking: `CheckLinearizable()` is the Wing-Gong search as refined by Lowe
// ("Testing for linearizability", CCPE 2017) and by Horn and Kroening's
// P-compositionality ("Faster linearizability checking via
// P-compositionality", FORTE 2015): depth-first, it picks a not-yet
// linearized operation that is *minimal* (invoked before every pending
// operation's response), applies it to the sequential specification, and
// backtracks when the specification disagrees with the recorded response.
// Each (set of linearized operations, specification state) pair is explored
// at most once (Lowe's cache), which turns the exponential search into one
// bounded by the number of distinct configurations.
// `CheckLinearizablePartitioned()` splits a history by key first (for maps:
// a history is linearizable iff each key's sub-history is, for operations
// that touch a single key) and checks each part on its own.
//
// Only complete histories are checked (every invocation has its response).
//
// A sequential specification is a type like:
//
//   struct MySpec {
//     using State = ...;  // copyable, ==, hashable with absl::Hash
//     using Op = ...;     // an invocation (copyable)
//     using Ret = ...;    // a response (copyable, default-constructible)
//     State Initial() const;
//     // Apply(): if the specification allows `ret` as op's response in
//     // `state`, updates `state` and returns true; else returns false
//     // (`state` may then hold anything: the caller passes a copy).
//     bool Apply(State& state, const Op& op, const Ret& ret) const;
//     std::string Describe(const Op& op, const Ret& ret) const;
//   };
//
// Ready-made specifications for stacks, queues and maps are in
// `sequential_specs.h`.

#ifndef MOIRAI_TOOLS_TESTING_LINEARIZABILITY_H_
#define MOIRAI_TOOLS_TESTING_LINEARIZABILITY_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace moirai::testing {

// Operation
//
// One completed call in a history: who called it, with what, what it
// returned, and its logical invocation/response stamps (invoke < respond).
template <typename Spec>
struct Operation {
  int thread = 0;
  typename Spec::Op op{};
  typename Spec::Ret ret{};
  uint64_t invoke = 0;
  uint64_t respond = 0;
};

template <typename Spec>
using History = std::vector<Operation<Spec>>;

// HistoryRecorder
//
// Records a concurrent history. Thread `t` (0 <= t < num_threads) calls
// `Invoke(t, op)` right before it calls the operation and `Respond(t, h, ret)`
// right after; or `Call(t, op, fn)` does both around `fn()`. Each thread
// appends only to its own log, so recording needs no lock; the clock is one
// shared counter. Call `TakeHistory()` after every recording thread is joined.
template <typename Spec>
class HistoryRecorder {
 public:
  using Op = typename Spec::Op;
  using Ret = typename Spec::Ret;

  explicit HistoryRecorder(int num_threads) : logs_(num_threads) {}

  // HistoryRecorder::Invoke()
  //
  // Stamps the invocation of `op` by thread `thread`; returns the handle to
  // pass to `Respond()`.
  std::size_t Invoke(int thread, const Op& op) {
    std::vector<Operation<Spec>>& log = logs_.at(thread).ops;
    Operation<Spec> o;
    o.thread = thread;
    o.op = op;
    // seq_cst: the stamps of all threads form one total order consistent
    // with real time (a stamp taken after another stamp returned is larger).
    o.invoke = clock_.fetch_add(1, std::memory_order_seq_cst) + 1;
    log.push_back(std::move(o));
    return log.size() - 1;
  }

  // HistoryRecorder::Respond()
  //
  // Stamps the response `ret` of the call `handle` of thread `thread`.
  void Respond(int thread, std::size_t handle, const Ret& ret) {
    const uint64_t stamp = clock_.fetch_add(1, std::memory_order_seq_cst) + 1;
    Operation<Spec>& o = logs_.at(thread).ops.at(handle);
    o.ret = ret;
    o.respond = stamp;
  }

  // HistoryRecorder::Call()
  //
  // `Invoke`, `fn()` (which returns the response), `Respond`.
  template <typename F>
  Ret Call(int thread, const Op& op, F&& fn) {
    const std::size_t h = Invoke(thread, op);
    Ret ret = fn();
    Respond(thread, h, ret);
    return ret;
  }

  // HistoryRecorder::TakeHistory()
  //
  // The recorded operations of every thread (and clears the recorder). Every
  // invoked call must have responded: a missing response is a test bug and
  // aborts.
  History<Spec> TakeHistory() {
    History<Spec> all;
    for (Log& log : logs_) {
      for (Operation<Spec>& o : log.ops) {
        if (o.respond == 0) {
          std::fprintf(stderr,
                       "HistoryRecorder: thread %d has a call without a "
                       "response\n",
                       o.thread);
          std::abort();
        }
        all.push_back(std::move(o));
      }
      log.ops.clear();
    }
    return all;
  }

 private:
  // One per thread, padded so that threads appending to their own logs do
  // not share a cache line (keeps recording cheap relative to the calls).
  struct alignas(128) Log {
    std::vector<Operation<Spec>> ops;
  };
  std::atomic<uint64_t> clock_{0};
  std::vector<Log> logs_;
};

// LinearizabilityResult
//
// The checker's verdict. `explanation` (when not linearizable, or when the
// search budget ran out) lists the history with its stamps and the longest
// legal prefix the search found.
struct LinearizabilityResult {
  enum class Verdict { kLinearizable, kNotLinearizable, kBudgetExceeded };
  Verdict verdict = Verdict::kLinearizable;
  int64_t configurations = 0;  // distinct configurations explored
  std::string explanation;

  bool linearizable() const { return verdict == Verdict::kLinearizable; }
};

namespace linearizability_internal {

template <typename Spec>
class Search {
 public:
  using State = typename Spec::State;

  Search(const Spec& spec, std::vector<Operation<Spec>> ops, int64_t budget)
      : spec_(spec), ops_(std::move(ops)), budget_(budget) {
    std::stable_sort(ops_.begin(), ops_.end(),
                     [](const Operation<Spec>& a, const Operation<Spec>& b) {
                       return a.invoke < b.invoke;
                     });
    bits_.assign((ops_.size() + 63) / 64, 0);
  }

  LinearizabilityResult Run() {
    LinearizabilityResult result;
    for (const Operation<Spec>& o : ops_) {
      if (o.respond <= o.invoke) {
        result.verdict = LinearizabilityResult::Verdict::kNotLinearizable;
        result.explanation =
            "malformed history: a response stamp is not "
            "after its invocation stamp\n" +
            Describe();
        return result;
      }
    }
    const bool ok = Dfs(spec_.Initial(), 0);
    result.configurations = static_cast<int64_t>(seen_.size());
    if (ok) return result;
    result.verdict = exhausted_
                         ? LinearizabilityResult::Verdict::kBudgetExceeded
                         : LinearizabilityResult::Verdict::kNotLinearizable;
    result.explanation =
        absl::StrCat(exhausted_ ? "search budget exceeded" : "not linearizable",
                     " (", ops_.size(), " operations)\n", Describe());
    return result;
  }

 private:
  bool Linearized(std::size_t i) const {
    return (bits_[i / 64] >> (i % 64)) & 1;
  }
  void Flip(std::size_t i) { bits_[i / 64] ^= uint64_t{1} << (i % 64); }

  bool Dfs(const State& state, std::size_t done) {
    if (done == ops_.size()) return true;
    if (done > best_.size()) best_ = path_;
    // An operation may go next only if it was invoked before every pending
    // operation responded (else some pending operation precedes it).
    uint64_t min_respond = UINT64_MAX;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      if (!Linearized(i)) min_respond = std::min(min_respond, ops_[i].respond);
    }
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      if (ops_[i].invoke > min_respond) break;  // sorted by invocation
      if (Linearized(i)) continue;
      State next = state;
      if (!spec_.Apply(next, ops_[i].op, ops_[i].ret)) continue;
      Flip(i);
      if (seen_.emplace(bits_, next).second) {
        if (static_cast<int64_t>(seen_.size()) > budget_) {
          exhausted_ = true;
          Flip(i);
          return false;
        }
        path_.push_back(i);
        if (Dfs(next, done + 1)) return true;
        path_.pop_back();
        if (exhausted_) {
          Flip(i);
          return false;
        }
      }
      Flip(i);
    }
    return false;
  }

  std::string Describe() const {
    std::string out = "  history (sorted by invocation):\n";
    for (const Operation<Spec>& o : ops_) {
      absl::StrAppend(&out, "    [", o.invoke, ", ", o.respond, "] thread ",
                      o.thread, ": ", spec_.Describe(o.op, o.ret), "\n");
    }
    absl::StrAppend(&out, "  longest legal prefix found (", best_.size(),
                    " of ", ops_.size(), "):\n");
    for (std::size_t i : best_) {
      absl::StrAppend(&out, "    ", spec_.Describe(ops_[i].op, ops_[i].ret),
                      "\n");
    }
    return out;
  }

  const Spec& spec_;
  std::vector<Operation<Spec>> ops_;
  const int64_t budget_;
  std::vector<uint64_t> bits_;
  absl::flat_hash_set<std::pair<std::vector<uint64_t>, State>> seen_;
  std::vector<std::size_t> path_;
  std::vector<std::size_t> best_;
  bool exhausted_ = false;
};

}  // namespace linearizability_internal

// CheckLinearizable()
//
// Whether `history` is linearizable with respect to `spec`. `budget` caps the
// number of distinct configurations explored; past it the verdict is
// kBudgetExceeded (neither accepted nor rejected).
template <typename Spec>
LinearizabilityResult CheckLinearizable(const Spec& spec,
                                        const History<Spec>& history,
                                        int64_t budget = int64_t{1} << 22) {
  return linearizability_internal::Search<Spec>(spec, history, budget).Run();
}

// CheckLinearizablePartitioned()
//
// P-compositional check: splits `history` by `key_of(op)` and checks each
// part against `spec` (a per-key specification) separately. Valid when every
// operation touches exactly one key and keys are independent (a map's find,
// insert, erase; not size()). The first failing part is reported, with its
// key's history.
template <typename Spec, typename KeyOf>
LinearizabilityResult CheckLinearizablePartitioned(
    const Spec& spec, const History<Spec>& history, KeyOf key_of,
    int64_t budget_per_key = int64_t{1} << 20) {
  using Key = std::decay_t<decltype(key_of(history.front().op))>;
  absl::flat_hash_map<Key, History<Spec>> parts;
  for (const Operation<Spec>& o : history) parts[key_of(o.op)].push_back(o);
  LinearizabilityResult total;
  for (auto& [key, part] : parts) {
    LinearizabilityResult r = CheckLinearizable(spec, part, budget_per_key);
    total.configurations += r.configurations;
    if (!r.linearizable()) {
      r.configurations = total.configurations;
      r.explanation =
          absl::StrCat("in the sub-history of one key (", part.size(),
                       " operations): ", r.explanation);
      return r;
    }
  }
  return total;
}

}  // namespace moirai::testing

#endif  // MOIRAI_TOOLS_TESTING_LINEARIZABILITY_H_
