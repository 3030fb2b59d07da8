// Copyright 2026 The Moirai Authors.
//
// async/select.h
// -----------------------------------------------------------------------------
//
// `Select()`: wait for the first of several channel operations and timers,
// Go-style, and `Timeout()`: bound any blocking operation by a duration.
//
//   absl::StatusOr<int> in;  absl::StatusOr<std::string> line;
//   auto recv_a = a.RecvCase(&in);          // Channel<int> a
//   auto recv_b = b.RecvCase(&line);        // Channel<std::string> b
//   auto late = async::After(absl::Seconds(1));
//   absl::StatusOr<int> which = async::Select({&recv_a, &recv_b, &late});
//   // *which == 0: `in` holds a value (or the closed-channel error), ...
//
// Exactly one case completes; the others have no effect (a send case that
// was not chosen keeps its value). Select returns the chosen case's index,
// or kCancelled if the fiber was cancelled first, or kDeadlineExceeded if
// the TaskContext deadline (see Timeout()) passed first.
//
// Algorithm: try every case in order without waiting; if none is ready,
// create one Waiter, register it with every case (a case that turns ready
// while registering completes at once, after claiming the Waiter), wait,
// then unregister from all. Counterparties claim the Waiter before they
// complete a registered case, so exactly one case wins (see waiter.h).
// Timer cases become the wait's deadline.

#ifndef MOIRAI_ASYNC_SELECT_H_
#define MOIRAI_ASYNC_SELECT_H_

#include <initializer_list>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "moirai/async/internal/select_case.h"
#include "moirai/core/task_context.h"

namespace moirai::async {

// AfterCase
//
// A Select() case that fires at a fixed time. Make one with After()/At().
class AfterCase final : public internal::SelectCase {
 public:
  explicit AfterCase(absl::Time when) : when_(when) {}
  Outcome TryOrRegister(internal::Waiter* w, int tag) override;
  void Unregister() override {}
  absl::Time deadline() const override { return when_; }

 private:
  absl::Time when_;
};

// After() / At()
//
// A timer case for Select(): fires `d` from now / at `t`.
inline AfterCase After(absl::Duration d) { return AfterCase(absl::Now() + d); }
inline AfterCase At(absl::Time t) { return AfterCase(t); }

// Select()
//
// See the file comment. An empty list is kInvalidArgument.
[[nodiscard]] absl::StatusOr<int> Select(
    std::initializer_list<internal::SelectCase*> cases);

// Timeout()
//
// Runs `op()` with the current TaskContext's deadline lowered to now + `d`
// (restored afterwards), so every blocking call inside returns
// kDeadlineExceeded once it passes. Returns what `op` returns. On a plain
// thread without a TaskContext, installs a temporary one.
template <typename Op>
auto Timeout(absl::Duration d, Op&& op) -> decltype(std::forward<Op>(op)()) {
  const absl::Time deadline = absl::Now() + d;
  core::TaskContext* ctx = core::TaskContext::current();
  if (ctx == nullptr) {
    core::TaskContext temp;
    temp.set_deadline(deadline);
    core::TaskContext::Scope scope(&temp);
    return std::forward<Op>(op)();
  }
  struct Restore {
    core::TaskContext* ctx;
    absl::Time saved;
    ~Restore() { ctx->set_deadline(saved); }
  } restore{ctx, ctx->deadline()};
  if (deadline < restore.saved) ctx->set_deadline(deadline);
  return std::forward<Op>(op)();
}

}  // namespace moirai::async

#endif  // MOIRAI_ASYNC_SELECT_H_
