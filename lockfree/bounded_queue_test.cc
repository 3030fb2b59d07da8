// Copyright 2026 The Moirai Authors.
//
// lockfree/bounded_queue_test.cc
// -----------------------------------------------------------------------------
//
// Tests for BoundedQueue: capacity validation, full/empty behaviour of the
// try operations, conservation and per-producer FIFO over 1..16 threads with
// both the try and the parking operations, deadlines, and item destruction.

#include "moirai/lockfree/bounded_queue.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/lockfree/internal/queue_test_util.h"

namespace moirai::lockfree {
namespace {

using internal::Tracked;
using internal::TrackedCounts;

TEST(BoundedQueueTest, RejectsBadCapacity) {
  for (std::size_t bad : {std::size_t{0}, std::size_t{1}, std::size_t{3},
                          std::size_t{1000}, std::size_t{1} << 41}) {
    auto q = BoundedQueue<int>::Create(bad);
    EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(BoundedQueue<int>::Create(2).ok());
}

TEST(BoundedQueueDeathTest, ConstructorCrashesOnBadCapacity) {
  EXPECT_DEATH(BoundedQueue<int> q(3), "power of two");
}

TEST(BoundedQueueTest, FullAndEmpty) {
  auto q = *BoundedQueue<std::unique_ptr<int>>::Create(4);
  EXPECT_EQ(q->capacity(), 4u);
  EXPECT_FALSE(q->TryPop().has_value());
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(q->TryPush(std::make_unique<int>(i)));
  auto extra = std::make_unique<int>(99);
  EXPECT_FALSE(q->TryPush(std::move(extra)));
  ASSERT_NE(extra, nullptr) << "a failed TryPush must not consume the value";
  EXPECT_EQ(q->size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(**q->TryPop(), i);
  EXPECT_TRUE(q->empty());
  // Wrap around several laps.
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(q->TryPush(std::make_unique<int>(i)));
    EXPECT_EQ(**q->TryPop(), i);
  }
}

TEST(BoundedQueueTest, DeadlinesExpire) {
  auto q = *BoundedQueue<int>::Create(2);
  EXPECT_FALSE(q->PopUntil(absl::Now() + absl::Milliseconds(5)).has_value());
  EXPECT_FALSE(q->PopUntil(absl::InfinitePast()).has_value());
  EXPECT_TRUE(q->PushUntil(1, absl::InfinitePast()));
  EXPECT_TRUE(q->PushUntil(2, absl::Now()));
  EXPECT_FALSE(q->PushUntil(3, absl::Now() + absl::Milliseconds(5)));
  EXPECT_EQ(q->Pop(), 1);
  EXPECT_EQ(q->Pop(), 2);
}

TEST(BoundedQueueTest, BlockedPopIsWokenByPush) {
  auto q = *BoundedQueue<std::string>::Create(2);
  std::thread consumer([&] { EXPECT_EQ(q->Pop(), "wake"); });
  // Whether the consumer parked before this push or not, it must return.
  q->Push("wake");
  consumer.join();
}

TEST(BoundedQueueTest, DestructorDestroysRemainingItemsOnce) {
  TrackedCounts counts;
  {
    auto q = *BoundedQueue<Tracked>::Create(8);
    for (int i = 0; i < 8; ++i) ASSERT_TRUE(q->TryEmplace(&counts, 0, i));
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(q->TryPop().has_value());
    for (int i = 8; i < 10; ++i) ASSERT_TRUE(q->TryEmplace(&counts, 0, i));
  }
  EXPECT_EQ(counts.live(), 0);
}

class BoundedQueueThreadsTest : public ::testing::TestWithParam<int> {};

TEST_P(BoundedQueueThreadsTest, TryOpsConserveAndKeepFifo) {
  int producers, consumers;
  internal::SplitThreads(GetParam(), &producers, &consumers);
  TrackedCounts counts;
  {
    const int per_producer =
        20000 / internal::kTestScale / std::max(1, producers);
    // Inline mode pushes everything before popping: make room for it.
    auto q = *BoundedQueue<Tracked>::Create(producers == 0 ? 32768 : 64);
    internal::RunProducersConsumers(
        producers, consumers, per_producer, /*fifo=*/true, &counts,
        [&](Tracked t) {
          while (!q->TryPush(std::move(t))) std::this_thread::yield();
        },
        [&] { return q->TryPop(); });
  }
  EXPECT_EQ(counts.live(), 0);
}

// Tiny capacity so producers and consumers park on each other constantly.
TEST_P(BoundedQueueThreadsTest, BlockingOpsConserveAndKeepFifo) {
  const int threads = std::max(2, GetParam());
  const int producers = threads / 2, consumers = threads - threads / 2;
  const int per_producer = 10000 / internal::kTestScale / producers;
  auto q = *BoundedQueue<std::uint64_t>::Create(2);
  const std::uint64_t total =
      static_cast<std::uint64_t>(producers) * per_producer;
  std::vector<std::unique_ptr<std::atomic<int>[]>> seen(producers);
  for (auto& s : seen) s = std::make_unique<std::atomic<int>[]>(per_producer);
  std::atomic<std::uint64_t> claimed{0};
  std::vector<std::thread> pool;
  for (int p = 0; p < producers; ++p) {
    pool.emplace_back([&, p] {
      for (int i = 0; i < per_producer; ++i) {
        q->Push(static_cast<std::uint64_t>(p) << 32 | static_cast<unsigned>(i));
      }
    });
  }
  for (int c = 0; c < consumers; ++c) {
    pool.emplace_back([&] {
      std::vector<std::int64_t> last(producers, -1);
      // Each consumer takes a ticket per pop so that exactly `total` pops
      // happen and nobody parks forever.
      while (claimed.fetch_add(1) < total) {
        const std::uint64_t v = q->Pop();
        const int p = static_cast<int>(v >> 32);
        const std::int64_t i = static_cast<std::int64_t>(v & 0xffffffffu);
        ASSERT_LT(p, producers);
        EXPECT_GT(i, last[p]);
        last[p] = i;
        EXPECT_EQ(seen[p][i].fetch_add(1), 0);
      }
    });
  }
  for (auto& t : pool) t.join();
  for (int p = 0; p < producers; ++p) {
    for (int i = 0; i < per_producer; ++i) ASSERT_EQ(seen[p][i].load(), 1);
  }
  EXPECT_TRUE(q->empty());
}

INSTANTIATE_TEST_SUITE_P(Threads, BoundedQueueThreadsTest,
                         ::testing::ValuesIn(internal::ThreadCounts()));

// ---- Lost wake-ups (regression tests) -------------------------------------
//
// These tests stall a producer (consumer) between claiming a cell and
// publishing (releasing) it, inside the element's constructor (move
// constructor), and observe parked threads through /proc: a thread is parked
// when its current system call is futex(2), and it has been woken and has
// parked again when, in addition, its voluntary context switches went up.

// A gate a stalled constructor waits on.
struct Gate {
  std::atomic<bool> entered{false};
  std::atomic<bool> open{false};
  void Pass() {
    entered.store(true);
    while (!open.load()) std::this_thread::yield();
  }
  void WaitEntered() const {
    while (!entered.load()) std::this_thread::yield();
  }
};

// An item whose construction from a Gate (or whose move, if `move_gate` is
// set) waits for the gate: a stall between claim and publish/release.
struct StallingItem {
  // noexcept: so that the queue constructs it in the claimed cell (a
  // constructor that may throw runs before the claim, see bounded_queue.h).
  StallingItem(int v, Gate* construct_gate, Gate* stall_move = nullptr) noexcept
      : value(v), move_gate(stall_move) {
    if (construct_gate != nullptr) construct_gate->Pass();
  }
  StallingItem(StallingItem&& other) noexcept
      : value(other.value), move_gate(nullptr) {
    if (other.move_gate != nullptr)
      std::exchange(other.move_gate, nullptr)->Pass();
  }
  int value;
  Gate* move_gate = nullptr;
};

pid_t CurrentTid() { return static_cast<pid_t>(syscall(SYS_gettid)); }

// True if thread `tid` of this process is blocked in futex(2).
bool BlockedInFutex(pid_t tid) {
  std::ifstream f(absl::StrCat("/proc/self/task/", tid, "/syscall"));
  long nr = -1;
  return (f >> nr) && nr == SYS_futex;
}

// The thread's voluntary context switches (each park adds one).
long VoluntarySwitches(pid_t tid) {
  std::ifstream f(absl::StrCat("/proc/self/task/", tid, "/status"));
  std::string line;
  while (std::getline(f, line)) {
    if (absl::StartsWith(line, "voluntary_ctxt_switches:")) {
      return std::stol(line.substr(line.find(':') + 1));
    }
  }
  return -1;
}

void WaitUntilParked(const std::vector<std::atomic<pid_t>>& tids) {
  for (const auto& tid : tids) {
    while (tid.load() == 0 || !BlockedInFutex(tid.load())) {
      std::this_thread::yield();
    }
  }
}

// Waits until at least one of the threads was woken and parked again, and
// all of them are parked.
void WaitUntilRewokenAndParked(const std::vector<std::atomic<pid_t>>& tids,
                               const std::vector<long>& switches_before) {
  for (;;) {
    bool any_rewoken = false, all_parked = true;
    for (std::size_t i = 0; i < tids.size(); ++i) {
      all_parked &= BlockedInFutex(tids[i].load());
      any_rewoken |= VoluntarySwitches(tids[i].load()) > switches_before[i];
    }
    // Re-read "parked" after the switch counts: a thread that was woken is
    // parked again only once both hold.
    if (any_rewoken && all_parked) {
      bool still = true;
      for (const auto& tid : tids) still &= BlockedInFutex(tid.load());
      if (still) return;
    }
    std::this_thread::yield();
  }
}

// The hang detector: what a lost wake-up looks like is a thread parked
// forever, so this waits (generously) for `done` and reports a hang instead
// of timing out the test binary. Correct code returns within microseconds.
bool FinishesWithoutHang(absl::Notification& done) {
  return done.WaitForNotificationWithTimeout(absl::Seconds(30));
}

// Regression test: two parked consumers, a stalled producer and a second
// producer used to leave an item in the queue with a consumer parked.
//   C1, C2:  Pop() on the empty queue; both park.
//   P1:      claims cell 0, stalls in the item's constructor.
//   P2:      publishes cell 1, wakes ONE consumer (C1), which re-checks:
//            head cell 0 is claimed but unwritten, so it parks again.
//   P1:      publishes cell 0, wakes ONE consumer; it pops item 0.
//   Item 1 stays queued and the other consumer stays parked forever.
TEST(BoundedQueueTest, StalledProducerDoesNotStrandAParkedConsumer) {
  auto q = *BoundedQueue<StallingItem>::Create(4);
  std::vector<std::atomic<pid_t>> tids(2);
  std::atomic<int> popped_sum{0}, pops{0};
  absl::Notification all_popped;
  std::vector<std::thread> consumers;
  for (int i = 0; i < 2; ++i) {
    consumers.emplace_back([&, i] {
      tids[i].store(CurrentTid());
      popped_sum.fetch_add(q->Pop().value + 1);
      if (pops.fetch_add(1) + 1 == 2) all_popped.Notify();
    });
  }
  WaitUntilParked(tids);
  Gate gate;
  std::thread p1([&] { ASSERT_TRUE(q->TryEmplace(0, &gate)); });
  gate.WaitEntered();
  const std::vector<long> switches = {VoluntarySwitches(tids[0].load()),
                                      VoluntarySwitches(tids[1].load())};
  ASSERT_TRUE(q->TryEmplace(1, nullptr));  // P2
  WaitUntilRewokenAndParked(tids, switches);
  gate.open.store(true);
  p1.join();
  const bool ok = FinishesWithoutHang(all_popped);
  EXPECT_TRUE(ok) << "a consumer stayed parked with " << q->size()
                  << " item(s) queued (lost wake-up)";
  if (!ok) {  // unblock the stuck consumer so the test can finish
    for (int i = 0; i < 2; ++i) q->TryEmplace(100, nullptr);
  }
  for (auto& t : consumers) t.join();
  if (ok) {
    EXPECT_EQ(popped_sum.load(), 1 + 2);
  }
}

// The symmetric case for producers parked on a full queue.
//   P1, P2:  Push() on the full queue (capacity 2); both park.
//   C1:      claims cell 0, stalls moving the item out.
//   C2:      releases cell 1, wakes ONE producer, which re-checks: its cell
//            (position 2, cell 0) is claimed but not released: parks again.
//   C1:      releases cell 0, wakes ONE producer; it pushes at position 2.
//   Cell 1 stays free and the other producer stays parked forever.
TEST(BoundedQueueTest, StalledConsumerDoesNotStrandAParkedProducer) {
  auto q = *BoundedQueue<StallingItem>::Create(2);
  Gate gate;
  ASSERT_TRUE(q->TryEmplace(0, nullptr, &gate));  // its move-out stalls
  ASSERT_TRUE(q->TryEmplace(1, nullptr));
  std::vector<std::atomic<pid_t>> tids(2);
  std::atomic<int> pushes{0};
  absl::Notification all_pushed;
  std::vector<std::thread> producers;
  for (int i = 0; i < 2; ++i) {
    producers.emplace_back([&, i] {
      tids[i].store(CurrentTid());
      q->Push(StallingItem(10 + i, nullptr));
      if (pushes.fetch_add(1) + 1 == 2) all_pushed.Notify();
    });
  }
  WaitUntilParked(tids);
  std::thread c1([&] {
    std::optional<StallingItem> v = q->TryPop();
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->value, 0);
  });
  gate.WaitEntered();
  const std::vector<long> switches = {VoluntarySwitches(tids[0].load()),
                                      VoluntarySwitches(tids[1].load())};
  std::optional<StallingItem> second = q->TryPop();  // C2
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->value, 1);
  WaitUntilRewokenAndParked(tids, switches);
  gate.open.store(true);
  c1.join();
  const bool ok = FinishesWithoutHang(all_pushed);
  EXPECT_TRUE(ok) << "a producer stayed parked with " << q->size()
                  << " of 2 cells used (lost wake-up)";
  if (!ok) {  // unblock the stuck producer so the test can finish
    for (int i = 0; i < 2; ++i) q->TryPop();
  }
  for (auto& t : producers) t.join();
}

}  // namespace
}  // namespace moirai::lockfree
