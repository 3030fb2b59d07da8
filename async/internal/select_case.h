// Copyright 2026 The Moirai Authors.
//
// async/internal/select_case.h
// -----------------------------------------------------------------------------
//
// The interface a waitable operation implements so that `Select()` (and the
// single-operation blocking calls, which are one-case selects) can wait on
// it together with others. See select.h for the algorithm.

#ifndef MOIRAI_ASYNC_INTERNAL_SELECT_CASE_H_
#define MOIRAI_ASYNC_INTERNAL_SELECT_CASE_H_

#include "absl/time/time.h"
#include "moirai/async/internal/waiter.h"

namespace moirai::async::internal {

class SelectCase {
 public:
  // What TryOrRegister() did.
  enum class Outcome {
    kCompleted,   // the operation completed in this call
    kRegistered,  // queued with the Waiter; a counterparty will claim it
    kLostClaim,   // could complete, but the Waiter was already claimed
    kRetry,       // claimed the Waiter but then could not complete (the
                  // counterparties it saw were claimed elsewhere meanwhile);
                  // nothing registered; start over with a fresh Waiter
  };

  virtual ~SelectCase() = default;

  // SelectCase::TryOrRegister()
  //
  // Under the source's lock: if the operation can complete now, claims `w`
  // with `tag` first (w == nullptr: no claim needed; never registers) and
  // completes it; otherwise registers `w` so that a counterparty can claim
  // it with `tag` and complete the operation on the owner's behalf.
  virtual Outcome TryOrRegister(Waiter* w, int tag) = 0;

  // SelectCase::Unregister()
  //
  // Removes the registration if it is still queued. After it returns the
  // source no longer references the Waiter.
  virtual void Unregister() = 0;

  // SelectCase::deadline()
  //
  // A case that is a timer returns its deadline (it fires then); others
  // return absl::InfiniteFuture().
  virtual absl::Time deadline() const { return absl::InfiniteFuture(); }
};

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_SELECT_CASE_H_
