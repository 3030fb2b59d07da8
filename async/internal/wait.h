// Copyright 2026 The Moirai Authors.
//
// async/internal/wait.h
// -----------------------------------------------------------------------------
//
// BlockOn(): the shared tail of every blocking operation. After the caller
// registered `w` with its event sources, BlockOn arms the two sources every
// operation shares -- the deadline (the earlier of `deadline` and the current
// task's TaskContext deadline) and the current task's cancellation -- waits,
// disarms them, and returns the winning tag (kTagTimeout, kTagCancelled, or
// the tag of the caller's own source).

#ifndef MOIRAI_ASYNC_INTERNAL_WAIT_H_
#define MOIRAI_ASYNC_INTERNAL_WAIT_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "moirai/async/internal/waiter.h"

namespace moirai::async::internal {

// BlockOn()
//
// Waits until `w` is claimed and woken. `deadline` is absolute
// (absl::InfiniteFuture() for none).
int BlockOn(Waiter* w, absl::Time deadline = absl::InfiniteFuture()) noexcept;

// EffectiveDeadline()
//
// min(deadline, current TaskContext deadline).
absl::Time EffectiveDeadline(absl::Time deadline) noexcept;

// StatusForTag()
//
// kDeadlineExceeded / kCancelled for the shared tags, OK otherwise.
absl::Status StatusForTag(int tag, absl::string_view what);

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_WAIT_H_
