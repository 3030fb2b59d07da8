// Copyright 2026 The Moirai Authors.
//
// Select over channel operations and timers; Stream adaptors.

#include "moirai/async/select.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/async/channel.h"
#include "moirai/async/internal/test_util.h"
#include "moirai/async/runtime.h"
#include "moirai/async/stream.h"

namespace moirai::async {
namespace {

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kItems = 300;
#else
constexpr int kItems = 3000;
#endif

TEST(SelectTest, EmptyIsInvalid) {
  EXPECT_EQ(Select({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SelectTest, PicksTheReadyCase) {
  Channel<int> a(1), b(1);
  ASSERT_TRUE(b.Send(5).ok());
  absl::StatusOr<int> ra, rb;
  auto ca = a.RecvCase(&ra);
  auto cb = b.RecvCase(&rb);
  EXPECT_EQ(Select({&ca, &cb}).value(), 1);
  EXPECT_EQ(rb.value(), 5);
  EXPECT_EQ(a.size(), 0u);
}

TEST(SelectTest, TimerCaseFires) {
  auto rt = testing_util::MakeRuntime(1);
  auto h = rt->Spawn([] {
    Channel<int> never(1);
    absl::StatusOr<int> r;
    auto c = never.RecvCase(&r);
    auto t = After(absl::Milliseconds(2));
    return Select({&c, &t});
  });
  EXPECT_EQ(h.Join().value(), 1);
}

TEST(SelectTest, UnchosenSendKeepsItsValue) {
  Channel<std::string> full(0);  // nobody receives
  Channel<int> ready(1);
  ASSERT_TRUE(ready.Send(1).ok());
  absl::StatusOr<int> r;
  auto s = full.SendCase("kept");
  auto c = ready.RecvCase(&r);
  EXPECT_EQ(Select({&s, &c}).value(), 1);
  EXPECT_EQ(s.TakeValue().value(), "kept");
}

TEST(SelectTest, CancelledSelectReturnsCancelled) {
  auto rt = testing_util::MakeRuntime(2);
  testing_util::Flag entered;
  auto h = rt->Spawn([&] {
    Channel<int> a(1), b(1);
    absl::StatusOr<int> ra, rb;
    auto ca = a.RecvCase(&ra);
    auto cb = b.RecvCase(&rb);
    entered.Notify();
    return Select({&ca, &cb}).status();
  });
  entered.Wait();
  h.Cancel();
  EXPECT_EQ(h.Join().code(), absl::StatusCode::kCancelled);
}

// Several selecting consumers over two channels fed by two producers:
// every item is received exactly once (the claim protocol never completes
// two cases of one select, nor loses an item to a select that chose another
// case).
TEST(SelectTest, ExactlyOnceUnderContention) {
  auto rt = testing_util::MakeRuntime(4);
  Channel<int> a(2), b(0);
  std::vector<JoinHandle<void>> producers;
  producers.push_back(rt->Spawn([&] {
    for (int i = 0; i < kItems; ++i) ASSERT_TRUE(a.Send(i).ok());
  }));
  producers.push_back(rt->Spawn([&] {
    for (int i = 0; i < kItems; ++i) ASSERT_TRUE(b.Send(kItems + i).ok());
  }));
  std::vector<JoinHandle<std::vector<int>>> consumers;
  for (int c = 0; c < 4; ++c) {
    consumers.push_back(rt->Spawn([&] {
      std::vector<int> got;
      bool a_open = true, b_open = true;
      while (a_open || b_open) {
        absl::StatusOr<int> ra, rb;
        auto ca = a.RecvCase(&ra);
        auto cb = b.RecvCase(&rb);
        absl::StatusOr<int> which;
        if (a_open && b_open) {
          which = Select({&ca, &cb});
        } else if (a_open) {
          which = Select({&ca});
        } else {
          which = Select({&cb});
          if (which.ok()) which = 1;
        }
        EXPECT_TRUE(which.ok());
        absl::StatusOr<int>& r = (*which == 0) ? ra : rb;
        if (r.ok()) {
          got.push_back(*r);
        } else {
          EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange);
          (*which == 0 ? a_open : b_open) = false;
        }
      }
      return got;
    }));
  }
  for (auto& p : producers) ASSERT_TRUE(p.Join().ok());
  a.Close();
  b.Close();
  std::vector<int> all;
  for (auto& c : consumers) {
    auto got = c.Join().value();
    all.insert(all.end(), got.begin(), got.end());
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(2 * kItems));
  for (int i = 0; i < 2 * kItems; ++i) ASSERT_EQ(all[i], i);
}

TEST(SelectTest, TimeoutBoundsSelect) {
  auto rt = testing_util::MakeRuntime(1);
  auto h = rt->Spawn([] {
    Channel<int> never(1);
    absl::StatusOr<int> r;
    auto c = never.RecvCase(&r);
    return Timeout(absl::Milliseconds(2), [&] { return Select({&c}); })
        .status();
  });
  EXPECT_EQ(h.Join().code(), absl::StatusCode::kDeadlineExceeded);
}

// Timers under load: many fibers each sleeping and selecting with timers
// while others keep the workers busy; all timers fire, none is lost.
TEST(SelectTest, TimersUnderLoad) {
  auto rt = testing_util::MakeRuntime(2);
  std::atomic<bool> stop{false};
  std::vector<JoinHandle<void>> busy;
  for (int i = 0; i < 4; ++i) {
    busy.push_back(rt->Spawn([&] {
      while (!stop.load(std::memory_order_relaxed)) Yield();
    }));
  }
  std::vector<JoinHandle<int>> timers;
  for (int i = 0; i < 200; ++i) {
    timers.push_back(rt->Spawn([i] {
      Channel<int> never(1);
      absl::StatusOr<int> r;
      auto c = never.RecvCase(&r);
      auto t = After(absl::Microseconds(100 * (i % 20)));
      return Select({&c, &t}).value();
    }));
  }
  for (auto& t : timers) EXPECT_EQ(t.Join().value(), 1);
  stop.store(true);
  for (auto& b : busy) ASSERT_TRUE(b.Join().ok());
}

TEST(StreamTest, MapFilterTakeOverChannel) {
  auto rt = testing_util::MakeRuntime(2);
  Channel<int> ch(8);
  auto producer = rt->Spawn([&] {
    for (int i = 0; i < 100; ++i) {
      if (!ch.Send(i).ok()) return;
    }
    ch.Close();
  });
  auto consumer = rt->Spawn([&] {
    return Stream<int>::FromChannel(&ch)
        .Filter([](const int& x) { return x % 3 == 0; })
        .Map([](int x) { return std::to_string(x); })
        .Take(4)
        .Collect();
  });
  auto got = consumer.Join();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, (std::vector<std::string>{"0", "3", "6", "9"}));
  ch.Close();  // unblocks the producer if it is still sending
  ASSERT_TRUE(producer.Join().ok());
}

TEST(StreamTest, EndsAtClosedChannelAndPropagatesErrors) {
  Channel<int> ch(4);
  ASSERT_TRUE(ch.Send(1).ok());
  ASSERT_TRUE(ch.Send(2).ok());
  ch.Close();
  EXPECT_EQ(Stream<int>::FromChannel(&ch).Collect().value(),
            (std::vector<int>{1, 2}));
  // The source captures its message: GCC 12 at -O2 warns (a false
  // -Wmaybe-uninitialized inside absl::AnyInvocable) when a captureless
  // lambda's empty inline storage is moved.
  const std::string message = "bad source";
  Stream<int> failing([message]() -> Stream<int>::Item {
    return absl::DataLossError(message);
  });
  EXPECT_EQ(
      std::move(failing).Map([](int x) { return x; }).Collect().status().code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(Stream<int>::FromVector({1, 2, 3, 4}).Take(0).Collect()->size(),
            0u);
}

}  // namespace
}  // namespace moirai::async
