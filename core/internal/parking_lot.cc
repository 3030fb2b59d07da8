// Copyright 2026 The Moirai Authors.

#include "moirai/core/internal/parking_lot.h"

#include <cstddef>

#include "absl/base/thread_annotations.h"
#include "moirai/core/arch.h"
#include "moirai/core/internal/annotated_mutex.h"
#include "moirai/core/parker.h"
#include "moirai/core/task_context.h"

namespace moirai::core::internal {
namespace {

// One parked task, on its own stack for the duration of the wait.
struct ParkedTask {
  const void* word = nullptr;
  Parker* parker = nullptr;
  ParkedTask* next = nullptr;
};

// Invariant (under mu): `head` lists exactly the tasks parked on words that
// hash here and not yet dequeued by a waker, oldest first (tail is the last).
struct alignas(kFalseSharingRange) Bucket {
  AnnotatedMutex mu;
  ParkedTask* head ABSL_GUARDED_BY(mu) = nullptr;
  ParkedTask* tail ABSL_GUARDED_BY(mu) = nullptr;
};

constexpr std::size_t kBuckets = 256;  // a power of two
Bucket buckets[kBuckets];

Bucket& BucketFor(const void* word) noexcept {
  // Fibonacci hashing of the address; the low bits of aligned words are 0.
  const auto a = reinterpret_cast<std::uintptr_t>(word) >> 2;
  return buckets[(a * 0x9E3779B97F4A7C15ull) >> (64 - 8)];
}
static_assert(kBuckets == 256, "BucketFor takes the top 8 bits");

}  // namespace

FutexWaitResult WaitOnWord(std::atomic<std::uint32_t>* word,
                           std::uint32_t expected, MonoTime deadline) noexcept {
  const TaskContext* ctx = TaskContext::current();
  Parker* parker = ctx != nullptr ? ctx->parker() : nullptr;
  if (parker == nullptr || !deadline.is_infinite()) {
    return FutexWait(word, expected, deadline);
  }
  Bucket& b = BucketFor(word);
  ParkedTask self;
  self.word = word;
  self.parker = parker;
  {
    AnnotatedMutexLock lock(&b.mu);
    // Relaxed: the bucket lock orders this load after a waker's change of
    // the word (see the protocol in the header); what the waker published
    // is the caller's business (its own acquire loads after we return).
    if (word->load(std::memory_order_relaxed) != expected) {
      return FutexWaitResult::kValueChanged;
    }
    if (b.tail != nullptr) {
      b.tail->next = &self;
    } else {
      b.head = &self;
    }
    b.tail = &self;
  }
  // Returns after the one Unpark() of the waker that dequeued us.
  parker->Park();
  return FutexWaitResult::kWoken;
}

void WakeWord(std::atomic<std::uint32_t>* word, int count) noexcept {
  FutexWake(word, count);
  Bucket& b = BucketFor(word);
  // Unpark() runs after the lock is dropped (it may run the task at once
  // on another worker, which returns and frees `self`): collect first, in
  // batches, so that a wake-all never holds the lock for long.
  constexpr int kBatch = 16;
  while (count > 0) {
    Parker* woken[kBatch];
    int n = 0;
    {
      AnnotatedMutexLock lock(&b.mu);
      ParkedTask* prev = nullptr;
      for (ParkedTask* t = b.head; t != nullptr && n < kBatch && n < count;) {
        ParkedTask* next = t->next;
        if (t->word == word) {
          (prev != nullptr ? prev->next : b.head) = next;
          if (b.tail == t) b.tail = prev;
          woken[n++] = t->parker;  // `t` is not touched after this
        } else {
          prev = t;
        }
        t = next;
      }
    }
    for (int i = 0; i < n; ++i) woken[i]->Unpark();
    if (n < kBatch) return;  // nothing more on this word
    count -= n;
  }
}

int ParkedOnWordForTesting(const std::atomic<std::uint32_t>* word) noexcept {
  Bucket& b = BucketFor(word);
  AnnotatedMutexLock lock(&b.mu);
  int n = 0;
  for (ParkedTask* t = b.head; t != nullptr; t = t->next) n += t->word == word;
  return n;
}

}  // namespace moirai::core::internal
