// Copyright 2026 The Moirai Authors.

#include "moirai/core/cancellation.h"

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "moirai/core/arch.h"

namespace moirai::core {
namespace {

#if defined(MOIRAI_CORE_STRESS)
constexpr int kRaceIterations = 100000;  // the `stress`-tagged variant
#elif defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kRaceIterations = 300;
#else
constexpr int kRaceIterations = 3000;
#endif

TEST(CancellationTest, DefaultTokenIsNeverCancelled) {
  CancellationToken token;
  EXPECT_FALSE(token.IsCancellationRequested());
  EXPECT_FALSE(token.CanBeCancelled());
  bool ran = false;
  auto destroyed = std::make_shared<int>(0);
  std::weak_ptr<int> watch = destroyed;
  CancellationRegistration reg =
      token.OnCancel([&ran, d = std::move(destroyed)] { ran = true; });
  EXPECT_FALSE(reg.active());
  EXPECT_FALSE(ran);
  EXPECT_TRUE(watch.expired()) << "the dropped callback was not destroyed";
}

TEST(CancellationTest, RequestIsObservedOnce) {
  CancellationSource source;
  CancellationToken token = source.token();
  EXPECT_TRUE(token.CanBeCancelled());
  EXPECT_FALSE(token.IsCancellationRequested());
  EXPECT_FALSE(source.IsCancellationRequested());
  EXPECT_TRUE(source.RequestCancellation());
  EXPECT_FALSE(source.RequestCancellation());
  EXPECT_TRUE(token.IsCancellationRequested());
  EXPECT_TRUE(source.IsCancellationRequested());
  EXPECT_TRUE(token.CanBeCancelled());
  // Copies share the state.
  CancellationSource copy = source;
  EXPECT_TRUE(copy.IsCancellationRequested());
  EXPECT_FALSE(copy.RequestCancellation());
}

TEST(CancellationTest, TokensOutliveSources) {
  CancellationToken token;
  {
    CancellationSource source;
    token = source.token();
    CancellationSource copy = source;
    EXPECT_TRUE(token.CanBeCancelled());
  }
  EXPECT_FALSE(token.CanBeCancelled());
  EXPECT_FALSE(token.IsCancellationRequested());

  CancellationToken cancelled;
  {
    CancellationSource source;
    cancelled = source.token();
    source.RequestCancellation();
  }
  EXPECT_TRUE(cancelled.IsCancellationRequested());
  EXPECT_TRUE(cancelled.CanBeCancelled());
}

TEST(CancellationTest, MovedFromSourceIsInert) {
  CancellationSource source;
  CancellationSource moved = std::move(source);
  EXPECT_FALSE(
      source.RequestCancellation());  // NOLINT(bugprone-use-after-move)
  EXPECT_FALSE(source.IsCancellationRequested());
  EXPECT_FALSE(source.token().CanBeCancelled());
  EXPECT_TRUE(moved.RequestCancellation());
}

TEST(CancellationTest, CallbacksRunOnceInRegistrationOrder) {
  CancellationSource source;
  std::vector<int> order;
  auto r1 = source.token().OnCancel([&] { order.push_back(1); });
  auto r2 = source.token().OnCancel([&] { order.push_back(2); });
  auto r3 = source.token().OnCancel([&] { order.push_back(3); });
  EXPECT_TRUE(r1.active());
  EXPECT_TRUE(order.empty());
  EXPECT_TRUE(source.RequestCancellation());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(source.RequestCancellation());
  EXPECT_EQ(order.size(), 3u);
}

TEST(CancellationTest, CallbackAfterCancellationRunsImmediately) {
  CancellationSource source;
  source.RequestCancellation();
  const std::thread::id me = std::this_thread::get_id();
  std::thread::id ran_on;
  auto reg =
      source.token().OnCancel([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, me);
  EXPECT_FALSE(reg.active());
}

TEST(CancellationTest, UnregisteredCallbackNeverRunsAndIsDestroyed) {
  CancellationSource source;
  int runs = 0;
  auto capture = std::make_shared<int>(0);
  std::weak_ptr<int> watch = capture;
  auto reg =
      source.token().OnCancel([&runs, c = std::move(capture)] { ++runs; });
  auto other = source.token().OnCancel([&runs] { runs += 10; });
  reg.Unregister();
  EXPECT_FALSE(reg.active());
  EXPECT_TRUE(watch.expired());
  reg.Unregister();  // Idempotent.
  source.RequestCancellation();
  EXPECT_EQ(runs, 10);
}

TEST(CancellationTest, MoveAssignmentUnregistersTheOldCallback) {
  CancellationSource source;
  int a = 0, b = 0;
  auto reg = source.token().OnCancel([&a] { ++a; });
  reg = source.token().OnCancel([&b] { ++b; });
  CancellationRegistration moved(std::move(reg));
  EXPECT_FALSE(reg.active());  // NOLINT(bugprone-use-after-move)
  source.RequestCancellation();
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 1);
}

TEST(CancellationTest, CallbackMayUnregisterItself) {
  CancellationSource source;
  int runs = 0;
  auto reg = std::make_unique<CancellationRegistration>();
  *reg = source.token().OnCancel([&] {
    ++runs;
    reg.reset();  // Destroys the registration (and node) of this callback.
  });
  source.RequestCancellation();
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(reg, nullptr);
}

TEST(CancellationTest, CallbackMayDropTheLastReferences) {
  int runs = 0;
  auto source = std::make_unique<CancellationSource>();
  auto reg = std::make_unique<CancellationRegistration>();
  *reg = source->token().OnCancel([&] {
    ++runs;
    reg.reset();
    source.reset();  // Destroys the source we are cancelling through.
  });
  CancellationSource* raw = source.get();
  EXPECT_TRUE(raw->RequestCancellation());
  EXPECT_EQ(runs, 1);
}

TEST(CancellationTest, RegisteringFromACallbackRunsImmediately) {
  CancellationSource source;
  CancellationToken token = source.token();
  int inner = 0;
  CancellationRegistration inner_reg;
  auto reg = token.OnCancel(
      [&] { inner_reg = token.OnCancel([&inner] { ++inner; }); });
  source.RequestCancellation();
  EXPECT_EQ(inner, 1);
  EXPECT_FALSE(inner_reg.active());
}

TEST(CancellationTest, ChildIsCancelledWithItsParent) {
  CancellationSource parent;
  CancellationSource child = CancellationSource::ChildOf(parent.token());
  CancellationSource grandchild = CancellationSource::ChildOf(child.token());
  int child_runs = 0, grandchild_runs = 0;
  auto r1 = child.token().OnCancel([&] { ++child_runs; });
  auto r2 = grandchild.token().OnCancel([&] { ++grandchild_runs; });
  EXPECT_TRUE(parent.RequestCancellation());
  EXPECT_TRUE(child.IsCancellationRequested());
  EXPECT_TRUE(grandchild.IsCancellationRequested());
  EXPECT_EQ(child_runs, 1);
  EXPECT_EQ(grandchild_runs, 1);
  EXPECT_FALSE(child.RequestCancellation());
}

TEST(CancellationTest, CancellingAChildLeavesTheParent) {
  CancellationSource parent;
  CancellationSource child = CancellationSource::ChildOf(parent.token());
  CancellationSource sibling = CancellationSource::ChildOf(parent.token());
  EXPECT_TRUE(child.RequestCancellation());
  EXPECT_FALSE(parent.IsCancellationRequested());
  EXPECT_FALSE(sibling.IsCancellationRequested());
  EXPECT_TRUE(parent.RequestCancellation());
  EXPECT_TRUE(sibling.IsCancellationRequested());
}

TEST(CancellationTest, ChildOfCancelledParentStartsCancelled) {
  CancellationSource parent;
  parent.RequestCancellation();
  CancellationSource child = CancellationSource::ChildOf(parent.token());
  EXPECT_TRUE(child.IsCancellationRequested());
  CancellationSource orphan = CancellationSource::ChildOf(CancellationToken());
  EXPECT_FALSE(orphan.IsCancellationRequested());
  EXPECT_TRUE(orphan.RequestCancellation());
}

TEST(CancellationTest, ChildCanBeCancelledThroughItsParent) {
  CancellationSource parent;
  CancellationToken child_token =
      CancellationSource::ChildOf(parent.token()).token();  // child source gone
  EXPECT_TRUE(child_token.CanBeCancelled());
  parent.RequestCancellation();
  EXPECT_TRUE(child_token.IsCancellationRequested());

  CancellationToken orphaned;
  {
    CancellationSource p2;
    orphaned = CancellationSource::ChildOf(p2.token()).token();
  }
  EXPECT_FALSE(orphaned.CanBeCancelled());
}

TEST(CancellationTest, ChildDestroyedBeforeParentCancels) {
  CancellationSource parent;
  for (int i = 0; i < 10; ++i) {
    CancellationSource child = CancellationSource::ChildOf(parent.token());
  }
  EXPECT_TRUE(parent.RequestCancellation());
}

// Memory ordering: data written before RequestCancellation is visible to a
// thread that observes the cancellation.
TEST(CancellationTest, CancellationPublishesPriorWrites) {
  for (int i = 0; i < 100; ++i) {
    CancellationSource source;
    CancellationToken token = source.token();
    int payload = 0;
    std::thread reader([&] {
      while (!token.IsCancellationRequested()) CpuRelax();
      EXPECT_EQ(payload, 42);
    });
    payload = 42;
    source.RequestCancellation();
    reader.join();
  }
}

// Conserved quantity: callbacks registered from many threads while another
// thread cancels each run exactly once (some immediately, some on the
// cancelling thread).
class CancellationThreadsTest : public ::testing::TestWithParam<int> {};

TEST_P(CancellationThreadsTest, EveryCallbackRunsExactlyOnce) {
  const int threads = GetParam();
  const int per_thread = 200;
  CancellationSource source;
  std::atomic<int> runs{0};
  std::atomic<int> registered{0};
  std::vector<std::vector<CancellationRegistration>> regs(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      CancellationToken token = source.token();
      for (int i = 0; i < per_thread; ++i) {
        regs[t].push_back(token.OnCancel(
            [&runs] { runs.fetch_add(1, std::memory_order_relaxed); }));
        registered.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::thread canceller([&] {
    // Cancel somewhere in the middle of the registrations.
    while (registered.load(std::memory_order_relaxed) <
           threads * per_thread / 2) {
      std::this_thread::yield();
    }
    EXPECT_TRUE(source.RequestCancellation());
  });
  for (auto& w : workers) w.join();
  canceller.join();
  EXPECT_EQ(runs.load(), threads * per_thread);
  regs.clear();  // Unregistering after the fact changes nothing.
  EXPECT_EQ(runs.load(), threads * per_thread);
}

TEST_P(CancellationThreadsTest, ConcurrentRequestsCancelOnce) {
  const int threads = GetParam();
  for (int iter = 0; iter < 50; ++iter) {
    CancellationSource source;
    std::atomic<int> runs{0}, winners{0};
    auto reg = source.token().OnCancel([&runs] { runs.fetch_add(1); });
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        CancellationSource mine = source;
        if (mine.RequestCancellation()) winners.fetch_add(1);
      });
    }
    for (auto& w : workers) w.join();
    EXPECT_EQ(winners.load(), 1);
    EXPECT_EQ(runs.load(), 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, CancellationThreadsTest,
                         ::testing::Values(1, 2, 4, 8));

// Registration racing cancellation: the callback runs exactly once, either
// inline in OnCancel or on the cancelling thread.
TEST(CancellationRaceTest, RegistrationRacingCancellation) {
  for (int i = 0; i < kRaceIterations; ++i) {
    CancellationSource source;
    std::atomic<int> runs{0};
    std::thread canceller([&] { source.RequestCancellation(); });
    auto reg = source.token().OnCancel([&runs] { runs.fetch_add(1); });
    canceller.join();
    EXPECT_EQ(runs.load(), 1);
  }
}

// Unregistration racing cancellation: once Unregister() returns, the
// callback has either completed or will never run.
TEST(CancellationRaceTest, UnregistrationRacingCancellation) {
  for (int i = 0; i < kRaceIterations; ++i) {
    CancellationSource source;
    std::atomic<int> started{0};
    std::atomic<int> finished{0};
    auto reg = source.token().OnCancel([&] {
      started.fetch_add(1);
      std::this_thread::yield();  // Widen the window; not needed for
                                  // correctness.
      finished.fetch_add(1);
    });
    std::thread canceller([&] { source.RequestCancellation(); });
    reg.Unregister();
    const int s = started.load(), f = finished.load();
    EXPECT_EQ(s, f) << "Unregister returned while the callback was running";
    canceller.join();
    EXPECT_EQ(finished.load(), f) << "callback ran after Unregister returned";
  }
}

// Deterministic version of the above: the callback is known to be running on
// another thread when Unregister() is called, so it must wait.
TEST(CancellationRaceTest, UnregisterWaitsForARunningCallback) {
  CancellationSource source;
  absl::Notification started, release;
  std::atomic<bool> finished{false};
  auto reg = source.token().OnCancel([&] {
    started.Notify();
    release.WaitForNotification();
    finished.store(true);
  });
  std::thread canceller([&] { source.RequestCancellation(); });
  started.WaitForNotification();
  std::thread releaser([&] { release.Notify(); });
  reg.Unregister();  // Blocks until the callback returns.
  EXPECT_TRUE(finished.load());
  releaser.join();
  canceller.join();
}

// A child state destroyed on one thread while its parent cancels on another.
TEST(CancellationRaceTest, ChildDestroyedWhileParentCancels) {
  for (int i = 0; i < kRaceIterations; ++i) {
    CancellationSource parent;
    std::optional<CancellationSource> child =
        CancellationSource::ChildOf(parent.token());
    CancellationToken child_token = child->token();
    std::thread canceller([&] { parent.RequestCancellation(); });
    child.reset();
    child_token = CancellationToken();  // The child state dies here or there.
    canceller.join();
  }
}

// States are reused from a per-thread cache: a reused state starts fresh
// (not cancelled, no callbacks, no parent), and a thread's cached states are
// freed when it exits.
TEST(CancellationReuseTest, AReusedStateStartsFresh) {
  CancellationSource parent;
  {
    CancellationSource child = CancellationSource::ChildOf(parent.token());
    int runs = 0;
    CancellationRegistration r = child.token().OnCancel([&] { ++runs; });
    EXPECT_TRUE(child.RequestCancellation());
    EXPECT_EQ(runs, 1);
  }
  for (int i = 0; i < 100; ++i) {
    CancellationSource s;
    CancellationToken t = s.token();
    EXPECT_FALSE(t.IsCancellationRequested());
    EXPECT_TRUE(t.CanBeCancelled());
    int runs = 0;
    CancellationRegistration r = t.OnCancel([&] { ++runs; });
    EXPECT_EQ(runs, 0);
    // The reused state is no longer linked to `parent`.
    if (i % 2 == 0) {
      EXPECT_TRUE(s.RequestCancellation());
      EXPECT_EQ(runs, 1);
    }
  }
  EXPECT_TRUE(parent.RequestCancellation());
  EXPECT_FALSE(parent.RequestCancellation());
}

TEST(CancellationReuseTest, ATokenWithoutSourcesCannotBeCancelled) {
  CancellationToken t;
  {
    CancellationSource s;
    t = s.token();
    EXPECT_TRUE(t.CanBeCancelled());
  }
  EXPECT_FALSE(t.CanBeCancelled());
  EXPECT_FALSE(t.IsCancellationRequested());
}

TEST(CancellationReuseTest, AThreadFreesItsCachedStatesWhenItExits) {
  const std::int64_t before = internal::LiveCancellationStatesForTesting();
  std::thread([] {
    std::vector<CancellationSource> sources(100);
    for (CancellationSource& s : sources) s.token().IsCancellationRequested();
  }).join();
  EXPECT_EQ(internal::LiveCancellationStatesForTesting(), before);
}

}  // namespace
}  // namespace moirai::core
