// Copyright 2026 The Moirai Authors.
//
// Channel<T>: every item tagged (producer, sequence); nothing lost, nothing
// duplicated, per-producer FIFO kept, the channel drains empty; close with
// blocked senders and receivers; rendezvous and unbounded channels; counting
// element type checks no leaked or double-destroyed items.

#include "moirai/async/channel.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/async/internal/test_util.h"
#include "moirai/async/runtime.h"
#include "moirai/async/select.h"

namespace moirai::async {
namespace {

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kPerProducer = 300;
#else
constexpr int kPerProducer = 3000;
#endif

struct Tagged {
  int producer;
  int seq;
};

struct ChannelParam {
  int workers;
  std::size_t capacity;
  int producers;
  int consumers;
};

class ChannelMpmcTest : public ::testing::TestWithParam<ChannelParam> {};

TEST_P(ChannelMpmcTest, NothingLostOrDuplicatedFifoPerProducer) {
  const ChannelParam p = GetParam();
  auto rt = testing_util::MakeRuntime(p.workers);
  Channel<Tagged> ch(p.capacity);
  std::vector<JoinHandle<void>> producers;
  for (int id = 0; id < p.producers; ++id) {
    producers.push_back(rt->Spawn([&ch, id] {
      for (int s = 0; s < kPerProducer; ++s) {
        ASSERT_TRUE(ch.Send(Tagged{id, s}).ok());
      }
    }));
  }
  std::vector<JoinHandle<std::vector<Tagged>>> consumers;
  for (int c = 0; c < p.consumers; ++c) {
    consumers.push_back(rt->Spawn([&ch] {
      std::vector<Tagged> got;
      for (;;) {
        absl::StatusOr<Tagged> v = ch.Recv();
        if (!v.ok()) {
          EXPECT_EQ(v.status().code(), absl::StatusCode::kOutOfRange);
          return got;
        }
        got.push_back(*v);
      }
    }));
  }
  for (auto& h : producers) ASSERT_TRUE(h.Join().ok());
  ch.Close();
  std::vector<std::vector<int>> seen(p.producers);
  for (auto& h : consumers) {
    std::vector<int> last(p.producers, -1);
    const std::vector<Tagged> got = h.Join().value();
    for (const Tagged& t : got) {
      // Per producer, one consumer sees increasing sequence numbers.
      EXPECT_GT(t.seq, last[t.producer]);
      last[t.producer] = t.seq;
      seen[t.producer].push_back(t.seq);
    }
  }
  for (int id = 0; id < p.producers; ++id) {
    std::sort(seen[id].begin(), seen[id].end());
    ASSERT_EQ(seen[id].size(), static_cast<std::size_t>(kPerProducer));
    for (int s = 0; s < kPerProducer; ++s) ASSERT_EQ(seen[id][s], s);
  }
  EXPECT_EQ(ch.size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ChannelMpmcTest,
    ::testing::Values(ChannelParam{1, 1, 1, 1}, ChannelParam{2, 0, 2, 2},
                      ChannelParam{2, 16, 4, 4}, ChannelParam{4, 4, 8, 2},
                      ChannelParam{4, Channel<Tagged>::kUnbounded, 3, 5}),
    [](const ::testing::TestParamInfo<ChannelParam>& param_info) {
      const ChannelParam& p = param_info.param;
      return "w" + std::to_string(p.workers) + "_cap" +
             (p.capacity == Channel<Tagged>::kUnbounded
                  ? std::string("inf")
                  : std::to_string(p.capacity)) +
             "_p" + std::to_string(p.producers) + "c" +
             std::to_string(p.consumers);
    });

TEST(ChannelTest, ThreadsAndFibersMix) {
  auto rt = testing_util::MakeRuntime(2);
  Channel<int> ch(2);
  std::thread producer([&] {
    for (int i = 1; i <= 1000; ++i) ASSERT_TRUE(ch.Send(i).ok());
    ch.Close();
  });
  auto consumer = rt->Spawn([&] {
    long sum = 0;
    while (true) {
      auto v = ch.Recv();
      if (!v.ok()) break;
      sum += *v;
    }
    return sum;
  });
  producer.join();
  EXPECT_EQ(consumer.Join().value(), 1000L * 1001 / 2);
}

TEST(ChannelTest, CloseDrainsBufferThenReportsClosed) {
  Channel<int> ch(4);
  ASSERT_TRUE(ch.Send(1).ok());
  ASSERT_TRUE(ch.Send(2).ok());
  ch.Close();
  EXPECT_EQ(ch.Send(3).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ch.Recv().value(), 1);
  EXPECT_EQ(ch.Recv().value(), 2);
  EXPECT_EQ(ch.Recv().status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(ch.TryRecv().status().code(), absl::StatusCode::kOutOfRange);
}

TEST(ChannelTest, TrySendTryRecv) {
  Channel<int> ch(1);
  EXPECT_EQ(ch.TryRecv().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(ch.TrySend(1).ok());
  std::optional<int> back;
  EXPECT_EQ(ch.TrySend(2, &back).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(back, 2);  // the rejected item is handed back
  EXPECT_EQ(ch.TryRecv().value(), 1);
}

// Close while senders and receivers are blocked: every blocked party wakes
// with the right error; no item is both reported failed and delivered.
TEST(ChannelTest, CloseWakesBlockedSendersAndReceivers) {
  auto rt = testing_util::MakeRuntime(2);
  Channel<int> full(1);
  ASSERT_TRUE(full.Send(0).ok());
  Channel<int> empty(1);
  std::atomic<int> blocked{0};
  std::vector<JoinHandle<absl::Status>> senders, receivers;
  for (int i = 0; i < 8; ++i) {
    senders.push_back(rt->Spawn([&full, &blocked, i] {
      blocked.fetch_add(1);
      return full.Send(i + 1);
    }));
    receivers.push_back(rt->Spawn([&empty, &blocked] {
      blocked.fetch_add(1);
      return empty.Recv().status();
    }));
  }
  while (blocked.load() < 16) std::this_thread::yield();
  full.Close();
  empty.Close();
  int delivered_sends = 0;
  for (auto& h : senders) {
    absl::Status s = h.Join();
    if (s.ok()) {
      ++delivered_sends;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    }
  }
  for (auto& h : receivers) {
    EXPECT_EQ(h.Join().code(), absl::StatusCode::kOutOfRange);
  }
  // Whatever was delivered before the close is still drainable.
  int drained = 0;
  while (full.TryRecv().ok()) ++drained;
  EXPECT_EQ(drained, 1 + delivered_sends);
}

// Items with a live-instance counter: nothing leaks or is destroyed twice,
// including items left in a channel that is destroyed.
struct Counted {
  static std::atomic<int> live;
  int v = 0;
  explicit Counted(int x) : v(x) { live.fetch_add(1); }
  Counted(const Counted& o) : v(o.v) { live.fetch_add(1); }
  Counted(Counted&& o) noexcept : v(o.v) { live.fetch_add(1); }
  Counted& operator=(const Counted&) = default;
  Counted& operator=(Counted&&) = default;
  ~Counted() { live.fetch_sub(1); }
};
std::atomic<int> Counted::live{0};

TEST(ChannelTest, ElementLifetimes) {
  {
    auto rt = testing_util::MakeRuntime(2);
    Channel<Counted> ch(8);
    auto prod = rt->Spawn([&] {
      for (int i = 0; i < 100; ++i) ASSERT_TRUE(ch.Send(Counted(i)).ok());
    });
    auto cons = rt->Spawn([&] {
      int n = 0;
      for (int i = 0; i < 95; ++i) n += ch.Recv().ok();
      return n;
    });
    ASSERT_TRUE(prod.Join().ok());
    EXPECT_EQ(cons.Join().value(), 95);
    EXPECT_EQ(ch.size(), 5u);
    EXPECT_EQ(Counted::live.load(), 5);
  }
  EXPECT_EQ(Counted::live.load(), 0);
}

TEST(ChannelTest, RendezvousHandsOffDirectly) {
  auto rt = testing_util::MakeRuntime(2);
  Channel<std::string> ch(0);
  auto sender = rt->Spawn([&] { return ch.Send("hello"); });
  EXPECT_EQ(ch.Recv().value(), "hello");  // from the test thread
  EXPECT_TRUE(sender.Join().ok());
  EXPECT_EQ(ch.TrySend("x").code(), absl::StatusCode::kUnavailable);
}

TEST(ChannelTest, TimeoutOnRecvAndSend) {
  auto rt = testing_util::MakeRuntime(1);
  auto h = rt->Spawn([] {
    Channel<int> ch(1);
    absl::StatusOr<int> r =
        Timeout(absl::Milliseconds(2), [&] { return ch.Recv(); });
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
    EXPECT_TRUE(ch.Send(1).ok());
    absl::Status s = Timeout(absl::Milliseconds(2), [&] { return ch.Send(2); });
    EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
    // The deadline is restored afterwards: this does not time out.
    return ch.Recv();
  });
  EXPECT_EQ(h.Join().value(), 1);
  // From a plain thread too.
  Channel<int> ch(1);
  absl::StatusOr<int> r =
      Timeout(absl::Milliseconds(2), [&] { return ch.Recv(); });
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace moirai::async
