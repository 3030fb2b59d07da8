// Copyright 2026 The Moirai Authors.

#include "moirai/async/mutex.h"

#include <vector>

#include "absl/time/clock.h"

#include "moirai/async/internal/wait.h"

namespace moirai::async {

void Mutex::LockSlow() {
  internal::Waiter w;
  internal::WaitNode node;
  node.waiter = &w;
  {
    internal::SpinLock guard(&lock_);
    // Under lock_, so no Unlock() slow path interleaves. Acquire pairs with
    // the release store of kUnlocked in Unlock()/UnlockSlow().
    if (state_.exchange(kContended, std::memory_order_acquire) == kUnlocked) {
      // We own it. kContended is conservative: the next Unlock() takes the
      // slow path once and resets the state.
      return;
    }
    waiters_.PushBack(&node);
  }
  // Ownership is handed to us by UnlockSlow(); Wake()'s release/Wait()'s
  // acquire order the previous holder's critical section before ours.
  w.WaitUncancellable();
}

void Mutex::UnlockSlow() {
  internal::Waiter* next = nullptr;
  {
    internal::SpinLock guard(&lock_);
    internal::WaitNode* node = waiters_.PopClaimed();
    if (node == nullptr) {
      // Release publishes the critical section to the next fast-path Lock().
      state_.store(kUnlocked, std::memory_order_release);
    } else {
      next = node->waiter;
      // Still held (by `next`); drop to kLocked when nobody else waits so
      // its Unlock() can take the fast path.
      if (waiters_.empty()) state_.store(kLocked, std::memory_order_relaxed);
    }
  }
  if (next != nullptr) next->Wake();
}

absl::Status CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  internal::Waiter w;
  internal::WaitNode node;
  node.waiter = &w;
  {
    internal::SpinLock guard(&lock_);
    waiters_.PushBack(&node);
  }
  mu->Unlock();
  const int tag = internal::BlockOn(&w, deadline);
  {
    internal::SpinLock guard(&lock_);
    waiters_.Erase(&node);
  }
  mu->Lock();
  // kTagDone (Signal) is OK; the shared tags become kDeadlineExceeded /
  // kCancelled. A cancelled or timed-out waiter was never popped by a
  // Signal() (PopClaimed() skips nodes it cannot claim), so no signal is lost.
  return internal::StatusForTag(tag, "CondVar::Wait");
}

absl::Status CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  return WaitWithDeadline(mu, timeout == absl::InfiniteDuration()
                                  ? absl::InfiniteFuture()
                                  : absl::Now() + timeout);
}

void CondVar::Signal() {
  internal::Waiter* w = nullptr;
  {
    internal::SpinLock guard(&lock_);
    internal::WaitNode* node = waiters_.PopClaimed();
    if (node != nullptr) w = node->waiter;
  }
  if (w != nullptr) w->Wake();
}

void CondVar::SignalAll() {
  std::vector<internal::Waiter*> to_wake;
  {
    internal::SpinLock guard(&lock_);
    while (internal::WaitNode* node = waiters_.PopClaimed()) {
      to_wake.push_back(node->waiter);
    }
  }
  for (internal::Waiter* w : to_wake) w->Wake();
}

}  // namespace moirai::async
