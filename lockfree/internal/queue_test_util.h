// Copyright 2026 The Moirai Authors.
//
// lockfree/internal/queue_test_util.h
// -----------------------------------------------------------------------------
//
// Test helpers shared by the lockfree queue and stack tests: an element type
// that counts constructions and destructions and marks itself dead, and a
// producer/consumer driver that checks the conserved quantities of TESTING.md
// (every item tagged (producer, sequence); nothing lost, nothing duplicated,
// per-producer FIFO order for queues, pushes == pops, the structure drains).

#ifndef MOIRAI_LOCKFREE_INTERNAL_QUEUE_TEST_UTIL_H_
#define MOIRAI_LOCKFREE_INTERNAL_QUEUE_TEST_UTIL_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/core/arch.h"

namespace moirai::lockfree::internal {

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
inline constexpr int kTestScale = 8;
#else
inline constexpr int kTestScale = 1;
#endif

// Live-object accounting for Tracked.
struct TrackedCounts {
  std::atomic<std::int64_t> constructed{0};
  std::atomic<std::int64_t> destroyed{0};
  std::int64_t live() const {
    return constructed.load(std::memory_order_acquire) -
           destroyed.load(std::memory_order_acquire);
  }
};

// Tracked
//
// A movable, non-trivially-copyable item tagged (producer, seq). Every
// constructor counts, the destructor counts and poisons the object, and any
// use of a dead object fails the test.
class Tracked {
 public:
  static constexpr std::uint64_t kAlive = 0x5AFE5AFE5AFE5AFEull;
  static constexpr std::uint64_t kDead = 0xDEADBEEFDEADBEEFull;

  Tracked(TrackedCounts* counts, std::uint32_t producer, std::uint64_t seq)
      : counts_(counts),
        producer_(producer),
        seq_(seq),
        payload_(std::make_unique<std::uint64_t>(seq)) {
    counts_->constructed.fetch_add(1, std::memory_order_relaxed);
  }
  Tracked(Tracked&& other) noexcept
      : counts_(other.counts_),
        producer_(other.producer_),
        seq_(other.seq_),
        payload_(std::move(other.payload_)) {
    other.CheckAlive();
    counts_->constructed.fetch_add(1, std::memory_order_relaxed);
  }
  Tracked(const Tracked& other)
      : counts_(other.counts_),
        producer_(other.producer_),
        seq_(other.seq_),
        payload_(other.payload_
                     ? std::make_unique<std::uint64_t>(*other.payload_)
                     : nullptr) {
    other.CheckAlive();
    counts_->constructed.fetch_add(1, std::memory_order_relaxed);
  }
  Tracked& operator=(Tracked&&) = delete;
  Tracked& operator=(const Tracked&) = delete;
  ~Tracked() {
    CheckAlive();
    magic_ = kDead;
    counts_->destroyed.fetch_add(1, std::memory_order_release);
  }

  std::uint32_t producer() const {
    CheckAlive();
    return producer_;
  }
  std::uint64_t seq() const {
    CheckAlive();
    // The payload travels with the item: a torn or duplicated move shows up.
    EXPECT_NE(payload_, nullptr);
    if (payload_ != nullptr) {
      EXPECT_EQ(*payload_, seq_);
    }
    return seq_;
  }

 private:
  void CheckAlive() const {
    ASSERT_EQ(magic_, kAlive) << "use of a destroyed Tracked";
  }
  TrackedCounts* counts_;
  std::uint32_t producer_;
  std::uint64_t seq_;
  std::unique_ptr<std::uint64_t> payload_;
  std::uint64_t magic_ = kAlive;
};

// RunProducersConsumers()
//
// `producers` threads each push `per_producer` Tracked items through
// `push(tracked)`; `consumers` threads pop through `try_pop()` (returning
// std::optional<Tracked>) until all items are accounted for. With
// producers == consumers == 0 the calling thread does everything (push all,
// then pop all). Checks: every (producer, seq) popped exactly once; if
// `fifo`, each consumer sees each producer's items in increasing order.
template <typename PushFn, typename TryPopFn>
void RunProducersConsumers(int producers, int consumers, int per_producer,
                           bool fifo, TrackedCounts* counts, PushFn push,
                           TryPopFn try_pop) {
  const bool inline_mode = producers == 0;
  const int num_producers = inline_mode ? 1 : producers;
  std::vector<std::unique_ptr<std::atomic<std::uint8_t>[]>> seen(num_producers);
  for (auto& s : seen) {
    s = std::make_unique<std::atomic<std::uint8_t>[]>(per_producer);
    for (int i = 0; i < per_producer; ++i) s[i].store(0);
  }
  const std::int64_t total =
      static_cast<std::int64_t>(num_producers) * per_producer;
  std::atomic<std::int64_t> popped{0};
  std::atomic<int> producers_done{0};

  auto consume = [&](bool stop_when_empty) {
    std::vector<std::int64_t> last(num_producers, -1);
    for (;;) {
      // Read before popping: if every push had finished and the structure is
      // then empty, nothing is left to find (a lost item fails below rather
      // than hanging the test).
      const bool all_pushed =
          producers_done.load(std::memory_order_acquire) == producers;
      std::optional<Tracked> item = try_pop();
      if (!item) {
        if (all_pushed || stop_when_empty) return;
        std::this_thread::yield();
        continue;
      }
      const std::uint32_t p = item->producer();
      const std::uint64_t s = item->seq();
      ASSERT_LT(p, static_cast<std::uint32_t>(num_producers));
      ASSERT_LT(s, static_cast<std::uint64_t>(per_producer));
      EXPECT_EQ(seen[p][s].fetch_add(1), 0)
          << "duplicate item (" << p << ", " << s << ")";
      if (fifo) {
        EXPECT_GT(static_cast<std::int64_t>(s), last[p])
            << "producer " << p << " order broken";
      }
      last[p] = static_cast<std::int64_t>(s);
      popped.fetch_add(1, std::memory_order_acq_rel);
    }
  };

  if (inline_mode) {
    for (int i = 0; i < per_producer; ++i) push(Tracked(counts, 0, i));
    consume(/*stop_when_empty=*/true);
  } else {
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        for (int i = 0; i < per_producer; ++i) {
          push(Tracked(counts, static_cast<std::uint32_t>(p), i));
        }
        producers_done.fetch_add(1, std::memory_order_release);
      });
    }
    for (int c = 0; c < consumers; ++c) {
      threads.emplace_back([&] { consume(/*stop_when_empty=*/false); });
    }
    for (auto& t : threads) t.join();
  }
  EXPECT_EQ(popped.load(), total) << "pushes != pops";
  for (int p = 0; p < num_producers; ++p) {
    for (int i = 0; i < per_producer; ++i) {
      ASSERT_EQ(seen[p][i].load(), 1) << "lost item (" << p << ", " << i << ")";
    }
  }
  EXPECT_FALSE(try_pop().has_value()) << "structure did not drain";
}

// Thread-count parameters: 1 means "one thread does both sides"; otherwise
// half the threads produce and half consume. 16 exceeds the cores of CI.
inline std::vector<int> ThreadCounts() { return {1, 2, 4, 8, 16}; }

inline void SplitThreads(int threads, int* producers, int* consumers) {
  if (threads == 1) {
    *producers = *consumers = 0;
  } else {
    *producers = threads / 2;
    *consumers = threads - threads / 2;
  }
}

}  // namespace moirai::lockfree::internal

#endif  // MOIRAI_LOCKFREE_INTERNAL_QUEUE_TEST_UTIL_H_
