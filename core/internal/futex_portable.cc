// Copyright 2026 The Moirai Authors.

#include "moirai/core/internal/futex_portable.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "moirai/core/arch.h"
#include "moirai/core/internal/annotated_mutex.h"

namespace moirai::core::internal::futex_portable {
namespace {

// One waiting thread, on its own stack for the duration of its Wait(). All
// fields but `word` are read and written only under its bucket's lock.
struct Waiter {
  const void* word = nullptr;
  Waiter* prev = nullptr;
  Waiter* next = nullptr;
  // Set by the waker that dequeued this waiter, under the bucket lock; the
  // waiter returns kWoken once it sees it (and only then may its frame go).
  bool woken = false;
  AnnotatedCondVar cv;
};

// Invariant (under mu): `head`..`tail` lists exactly the threads waiting on
// words that hash here and not yet dequeued by a waker or by their own
// timeout, oldest first; a listed waiter has woken == false.
struct alignas(kFalseSharingRange) Bucket {
  AnnotatedMutex mu;
  Waiter* head ABSL_GUARDED_BY(mu) = nullptr;
  Waiter* tail ABSL_GUARDED_BY(mu) = nullptr;

  void PushBack(Waiter* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    w->prev = tail;
    w->next = nullptr;
    (tail != nullptr ? tail->next : head) = w;
    tail = w;
  }
  void Unlink(Waiter* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    (w->prev != nullptr ? w->prev->next : head) = w->next;
    (w->next != nullptr ? w->next->prev : tail) = w->prev;
    w->prev = w->next = nullptr;
  }
};

// A fixed table: nothing is allocated on a wait, and a bucket's address never
// changes (no rehashing, unlike a growing parking lot).
constexpr int kBucketBits = 8;
constexpr std::size_t kBuckets = std::size_t{1} << kBucketBits;
Bucket table[kBuckets];

std::size_t BucketIndex(const void* word) noexcept {
  // Multiplicative (Fibonacci) hashing: the top bits of address * 2^64/phi.
  // The low two bits of a 32-bit word's address are always 0.
  const std::uint64_t a = reinterpret_cast<std::uintptr_t>(word) >> 2;
  return static_cast<std::size_t>((a * 0x9E3779B97F4A7C15ull) >>
                                  (64 - kBucketBits));
}

// The longest single condition-variable sleep of a timed wait: the loop
// re-reads the monotonic clock after each, so a platform whose
// condition-variable clock differs from MonoTime's (or overflows on a far
// deadline) still ends the wait on MonoTime's deadline.
constexpr absl::Duration kMaxSleep = absl::Hours(1);

}  // namespace

FutexWaitResult Wait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
                     MonoTime deadline) noexcept {
  if (!deadline.is_infinite() && deadline <= MonoTime::Now()) {
    return FutexWaitResult::kTimedOut;  // as the Linux path: before the check
  }
  Bucket& b = table[BucketIndex(word)];
  Waiter self;
  self.word = word;
  AnnotatedMutexLock lock(&b.mu);
  // Relaxed is enough: the bucket lock orders this load after any waker
  // whose FutexWake() took the lock first, and such a waker changed the word
  // before calling FutexWake() (sequenced before its lock, so the change
  // happens-before our lock acquisition and this load sees it or a later
  // value: read-read coherence). This is the kernel's own check, a plain load
  // under the hash-bucket lock. What the waker published besides the word is
  // ordered by the caller's acquire load after we return (futex.h).
  if (word->load(std::memory_order_relaxed) != expected) {
    return FutexWaitResult::kValueChanged;
  }
  b.PushBack(&self);
  while (!self.woken) {
    if (deadline.is_infinite()) {
      self.cv.Wait(&b.mu);
      continue;
    }
    const absl::Duration left = deadline - MonoTime::Now();
    if (left <= absl::ZeroDuration()) {
      b.Unlink(&self);  // still listed: `woken` is false
      return FutexWaitResult::kTimedOut;
    }
    self.cv.WaitFor(&b.mu, std::chrono::nanoseconds(absl::ToInt64Nanoseconds(
                               std::min(left, kMaxSleep))));
  }
  // Dequeued by a waker (it unlinked us): woken even if the deadline has
  // passed meanwhile, so that the waker's count is the number of kWoken.
  return FutexWaitResult::kWoken;
}

int Wake(std::atomic<std::uint32_t>* word, int count) noexcept {
  Bucket& b = table[BucketIndex(word)];
  AnnotatedMutexLock lock(&b.mu);
  int woken = 0;
  for (Waiter* w = b.head; w != nullptr && woken < count;) {
    Waiter* next = w->next;
    if (w->word == word) {
      b.Unlink(w);
      w->woken = true;
      // Signalled under the lock, on purpose: once the lock is dropped the
      // waiter may see `woken` (after any spurious condition-variable
      // return), return and destroy `w->cv`. Under the lock it cannot: it
      // re-checks `woken` only after re-acquiring the lock.
      w->cv.Signal();
      ++woken;
    }
    w = next;
  }
  return woken;
}

int WaitersForTesting(const std::atomic<std::uint32_t>* word) noexcept {
  Bucket& b = table[BucketIndex(word)];
  AnnotatedMutexLock lock(&b.mu);
  int n = 0;
  for (const Waiter* w = b.head; w != nullptr; w = w->next)
    n += w->word == word;
  return n;
}

std::size_t BucketForTesting(const void* word) noexcept {
  return BucketIndex(word);
}

}  // namespace moirai::core::internal::futex_portable
