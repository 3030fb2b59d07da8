// Copyright 2026 The Moirai Authors.

#include "moirai/core/future.h"

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/core/arch.h"
#include "moirai/core/task.h"

namespace moirai::core {
namespace {

#if defined(MOIRAI_CORE_STRESS)
constexpr int kRaceIterations = 100000;  // the `stress`-tagged variant
#elif defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kRaceIterations = 300;
#else
constexpr int kRaceIterations = 3000;
#endif

TEST(FutureTest, SetThenGet) {
  auto [p, f] = MakePromiseFuture<int>();
  EXPECT_TRUE(p.valid());
  EXPECT_TRUE(f.valid());
  EXPECT_FALSE(f.IsReady());
  EXPECT_TRUE(p.SetValue(7).ok());
  EXPECT_FALSE(p.valid());
  EXPECT_TRUE(f.IsReady());
  absl::StatusOr<int> r = std::move(f).Get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 7);
  EXPECT_FALSE(f.valid());  // NOLINT(bugprone-use-after-move): consumed
}

TEST(FutureTest, VoidFuture) {
  auto [p, f] = MakePromiseFuture<void>();
  EXPECT_TRUE(p.SetValue().ok());
  absl::Status s = std::move(f).Get();
  EXPECT_TRUE(s.ok());
}

TEST(FutureTest, MoveOnlyValue) {
  auto [p, f] = MakePromiseFuture<std::unique_ptr<std::string>>();
  EXPECT_TRUE(p.SetValue(std::make_unique<std::string>("hi")).ok());
  auto r = std::move(f).Get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, "hi");
}

TEST(FutureTest, ErrorIsDelivered) {
  auto [p, f] = MakePromiseFuture<int>();
  EXPECT_TRUE(p.SetError(absl::NotFoundError("nope")).ok());
  auto r = std::move(f).Get();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "nope");
}

TEST(FutureTest, SetErrorRejectsOk) {
  auto [p, f] = MakePromiseFuture<void>();
  absl::Status s = p.SetError(absl::OkStatus());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(p.valid());
  EXPECT_FALSE(f.IsReady());
  EXPECT_TRUE(p.SetError(absl::AbortedError("x")).ok());
  EXPECT_EQ(std::move(f).Get().code(), absl::StatusCode::kAborted);
}

TEST(FutureTest, DoubleSetIsRejected) {
  auto [p, f] = MakePromiseFuture<int>();
  EXPECT_TRUE(p.SetValue(1).ok());
  absl::Status again = p.SetValue(2);
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(again.message().find("already satisfied"), absl::string_view::npos);
  EXPECT_EQ(p.SetError(absl::InternalError("late")).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*std::move(f).Get(), 1);
}

TEST(FutureTest, BrokenPromise) {
  Future<int> f;
  {
    auto [p, fut] = MakePromiseFuture<int>();
    f = std::move(fut);
  }
  ASSERT_TRUE(f.IsReady());
  auto r = std::move(f).Get();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
  EXPECT_NE(r.status().message().find("broken promise"),
            absl::string_view::npos);
}

TEST(FutureTest, BrokenPromiseByMoveAssignment) {
  auto [p1, f1] = MakePromiseFuture<int>();
  auto [p2, f2] = MakePromiseFuture<int>();
  p1 = std::move(p2);  // p1's old state is abandoned.
  EXPECT_EQ(std::move(f1).Get().status().code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(p1.SetValue(3).ok());
  EXPECT_EQ(*std::move(f2).Get(), 3);
}

TEST(FutureTest, MovedFromAndDefaultPromisesAreInvalid) {
  Promise<int> none;
  EXPECT_FALSE(none.valid());
  EXPECT_EQ(none.SetValue(1).code(), absl::StatusCode::kFailedPrecondition);
  auto [p, f] = MakePromiseFuture<int>();
  Promise<int> moved = std::move(p);
  absl::Status s = p.SetValue(1);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("invalid"), absl::string_view::npos);
  EXPECT_TRUE(moved.SetValue(2).ok());
  EXPECT_EQ(*std::move(f).Get(), 2);
}

TEST(FutureTest, InvalidFutureNeverBlocks) {
  Future<int> f;
  EXPECT_FALSE(f.valid());
  EXPECT_TRUE(f.IsReady());
  f.Wait();
  EXPECT_TRUE(f.WaitFor(absl::Seconds(100)));
  EXPECT_TRUE(f.WaitUntil(absl::InfiniteFuture()));
  EXPECT_EQ(std::move(f).Get().status().code(),
            absl::StatusCode::kFailedPrecondition);

  auto [p, g] = MakePromiseFuture<void>();
  Future<void> taken = std::move(g);
  // Waiting on / getting from a moved-from future.
  g.Wait();  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(std::move(g).Get().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(taken.IsReady());
}

TEST(FutureTest, TimedWaitsTimeOutWhenUnset) {
  auto [p, f] = MakePromiseFuture<int>();
  EXPECT_FALSE(f.WaitFor(absl::Milliseconds(1)));
  EXPECT_FALSE(f.WaitFor(absl::ZeroDuration()));
  EXPECT_FALSE(f.WaitFor(-absl::Seconds(1)));
  EXPECT_FALSE(f.WaitUntil(absl::Now() - absl::Seconds(1)));
  EXPECT_TRUE(p.SetValue(1).ok());
  EXPECT_TRUE(f.WaitFor(absl::ZeroDuration()));
  EXPECT_TRUE(f.WaitUntil(absl::InfinitePast()));
}

TEST(FutureTest, ReadyFuture) {
  Future<int> f = MakeReadyFuture<int>(5);
  EXPECT_TRUE(f.valid());
  EXPECT_TRUE(f.IsReady());
  EXPECT_EQ(*std::move(f).Get(), 5);
  Future<void> e = MakeReadyFuture<void>(absl::DataLossError("lost"));
  EXPECT_EQ(std::move(e).Get().code(), absl::StatusCode::kDataLoss);
}

TEST(FutureTest, SetFromStoresValuesAndResults) {
  auto [p1, f1] = MakePromiseFuture<int>();
  p1.SetFrom([] { return 6 * 7; });
  EXPECT_EQ(*std::move(f1).Get(), 42);

  auto [p2, f2] = MakePromiseFuture<int>();
  p2.SetFrom(
      []() -> absl::StatusOr<int> { return absl::UnavailableError("u"); });
  EXPECT_EQ(std::move(f2).Get().status().code(),
            absl::StatusCode::kUnavailable);

  int side = 0;
  auto [p3, f3] = MakePromiseFuture<void>();
  p3.SetFrom([&side] { side = 1; });
  EXPECT_TRUE(std::move(f3).Get().ok());
  EXPECT_EQ(side, 1);

  auto [p4, f4] = MakePromiseFuture<void>();
  p4.SetFrom([] { return absl::ResourceExhaustedError("r"); });
  EXPECT_EQ(std::move(f4).Get().code(), absl::StatusCode::kResourceExhausted);
}

TEST(FutureTest, ExceptionsBecomeErrors) {
  auto [p1, f1] = MakePromiseFuture<int>();
  p1.SetFrom([]() -> int { throw std::runtime_error("disk on fire"); });
  auto r1 = std::move(f1).Get();
  EXPECT_EQ(r1.status().code(), absl::StatusCode::kUnknown);
  EXPECT_NE(r1.status().message().find("disk on fire"),
            absl::string_view::npos);

  auto [p2, f2] = MakePromiseFuture<void>();
  p2.SetFrom([] { throw 42; });
  absl::Status s2 = std::move(f2).Get();
  EXPECT_EQ(s2.code(), absl::StatusCode::kUnknown);
  EXPECT_NE(s2.message().find("not derived from std::exception"),
            absl::string_view::npos);
}

struct ThrowsOnMove {
  ThrowsOnMove() = default;
  ThrowsOnMove(const ThrowsOnMove&) { throw std::logic_error("copy failed"); }
  ThrowsOnMove(ThrowsOnMove&&) noexcept(false) {
    throw std::logic_error("move failed");
  }
};

TEST(FutureTest, ValueConstructorExceptionBecomesError) {
  auto [p, f] = MakePromiseFuture<ThrowsOnMove>();
  p.SetFrom([] { return ThrowsOnMove(); });
  auto r = std::move(f).Get();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnknown);
  EXPECT_NE(r.status().message().find("failed"), absl::string_view::npos);
}

TEST(FutureDeathTest, SetFromOnSatisfiedPromiseCrashes) {
  auto [p, f] = MakePromiseFuture<int>();
  EXPECT_TRUE(p.SetValue(1).ok());
  EXPECT_DEATH(p.SetFrom([] { return 2; }), "result would be lost");
}

TEST(FutureThenTest, OnReadyFutureRunsInlineNow) {
  Future<int> f = MakeReadyFuture<int>(20);
  bool ran = false;
  Future<int> g = std::move(f).Then([&ran](absl::StatusOr<int> r) {
    ran = true;
    return *r + 1;
  });
  EXPECT_TRUE(ran);
  EXPECT_FALSE(f.valid());  // NOLINT(bugprone-use-after-move): consumed
  EXPECT_TRUE(g.IsReady());
  EXPECT_EQ(*std::move(g).Get(), 21);
}

TEST(FutureThenTest, OnPendingFutureRunsOnTheSetter) {
  auto [p, f] = MakePromiseFuture<int>();
  std::thread::id ran_on;
  Future<std::string> g = std::move(f).Then([&](absl::StatusOr<int> r) {
    ran_on = std::this_thread::get_id();
    return std::to_string(*r);
  });
  EXPECT_FALSE(g.IsReady());
  std::thread setter([&p = p] { EXPECT_TRUE(p.SetValue(9).ok()); });
  const std::thread::id setter_id = setter.get_id();
  setter.join();
  EXPECT_EQ(ran_on, setter_id);
  EXPECT_EQ(*std::move(g).Get(), "9");
}

TEST(FutureThenTest, FlattensStatusTypesAndPropagatesErrors) {
  auto [p, f] = MakePromiseFuture<int>();
  Future<double> half =
      std::move(f).Then([](absl::StatusOr<int> r) -> absl::StatusOr<double> {
        if (!r.ok()) return r.status();
        return *r / 2.0;
      });
  Future<void> check = std::move(half).Then([](absl::StatusOr<double> r) {
    return r.ok() ? absl::OkStatus()
                  : absl::InternalError(r.status().message());
  });
  EXPECT_TRUE(p.SetError(absl::NotFoundError("missing")).ok());
  absl::Status s = std::move(check).Get();
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(s.message(), "missing");
}

TEST(FutureThenTest, FlattensFutures) {
  auto [outer_p, outer_f] = MakePromiseFuture<int>();
  auto [inner_p, inner_f] = MakePromiseFuture<int>();
  Future<int> chained = std::move(outer_f).Then(
      [inner = std::move(inner_f)](absl::StatusOr<int>) mutable {
        return std::move(inner);
      });
  EXPECT_TRUE(outer_p.SetValue(1).ok());
  EXPECT_FALSE(chained.IsReady());
  EXPECT_TRUE(inner_p.SetValue(2).ok());
  EXPECT_EQ(*std::move(chained).Get(), 2);
}

TEST(FutureThenTest, ExceptionsInContinuationsBecomeErrors) {
  Future<void> f = MakeReadyFuture<void>(absl::OkStatus());
  Future<int> g = std::move(f).Then(
      [](absl::Status) -> int { throw std::out_of_range("index 9"); });
  auto r = std::move(g).Get();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnknown);
  EXPECT_NE(r.status().message().find("index 9"), absl::string_view::npos);

  Future<void> h = MakeReadyFuture<void>(absl::OkStatus());
  Future<int> k = std::move(h).Then([](absl::Status) -> Future<int> {
    throw std::runtime_error("no future");
  });
  EXPECT_EQ(std::move(k).Get().status().code(), absl::StatusCode::kUnknown);
}

TEST(FutureThenTest, OnInvalidFutureGetsFailedPrecondition) {
  Future<int> invalid;
  absl::StatusCode seen = absl::StatusCode::kOk;
  Future<void> g = std::move(invalid).Then(
      [&](absl::StatusOr<int> r) { seen = r.status().code(); });
  EXPECT_EQ(seen, absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(std::move(g).Get().ok());
}

TEST(FutureThenTest, BrokenPromiseReachesTheContinuation) {
  Future<int> g;
  {
    auto [p, f] = MakePromiseFuture<int>();
    g = std::move(f).Then(
        [](absl::StatusOr<int> r) -> absl::StatusOr<int> { return r; });
  }
  EXPECT_EQ(std::move(g).Get().status().code(), absl::StatusCode::kCancelled);
}

// What a scheduler's Spawn stores in a Task: the promise plus a small
// callable. It must stay inline so that fork-join never allocates for it.
TEST(FutureTest, PromiseWithSmallCallableFitsInATask) {
  auto [p, f] = MakePromiseFuture<int>();
  int a = 20, b = 22;
  auto body = [pa = &a, pb = &b] { return *pa + *pb; };
  auto wrapper = [pr = std::move(p), fn = body]() mutable { pr.SetFrom(fn); };
  static_assert(Task::kStoresInline<decltype(wrapper)>);
  Task t(std::move(wrapper));
  EXPECT_TRUE(t.is_inline());
  t();
  EXPECT_EQ(*std::move(f).Get(), 42);
}

// Memory ordering: writes before SetValue are visible after Wait().
TEST(FutureConcurrencyTest, SetPublishesPriorWrites) {
  for (int i = 0; i < 100; ++i) {
    auto [p, f] = MakePromiseFuture<void>();
    int payload = 0;
    std::thread setter([&payload, p = std::move(p)]() mutable {
      payload = 42;
      EXPECT_TRUE(p.SetValue().ok());
    });
    f.Wait();
    EXPECT_EQ(payload, 42);
    setter.join();
  }
}

// A promise set from one thread while several threads wait on the future.
class FutureWaitersTest : public ::testing::TestWithParam<int> {};

TEST_P(FutureWaitersTest, AllWaitersWakeAndSeeTheValue) {
  const int waiters = GetParam();
  for (int iter = 0; iter < 20; ++iter) {
    auto [p, f] = MakePromiseFuture<int>();
    std::atomic<int> woke{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < waiters; ++w) {
      threads.emplace_back([&f = f, &woke, w] {
        if (w % 2 == 0) {
          f.Wait();
        } else {
          while (!f.WaitFor(absl::Milliseconds(1))) {
          }
        }
        EXPECT_TRUE(f.IsReady());
        woke.fetch_add(1);
      });
    }
    EXPECT_TRUE(p.SetValue(iter).ok());
    for (auto& t : threads) t.join();
    EXPECT_EQ(woke.load(), waiters);
    EXPECT_EQ(*std::move(f).Get(), iter);
  }
}

INSTANTIATE_TEST_SUITE_P(Waiters, FutureWaitersTest,
                         ::testing::Values(1, 2, 4, 8));

// Conserved quantity: values sent through many promise/future pairs between
// two threads sum to what was sent.
TEST(FutureConcurrencyTest, PairsAcrossThreadsConserveValues) {
  const int n = 2000;
  std::vector<Promise<int>> promises;
  std::vector<Future<int>> futures;
  for (int i = 0; i < n; ++i) {
    auto [p, f] = MakePromiseFuture<int>();
    promises.push_back(std::move(p));
    futures.push_back(std::move(f));
  }
  std::thread producer([&promises] {
    for (int i = 0; i < static_cast<int>(promises.size()); ++i) {
      EXPECT_TRUE(promises[i].SetValue(i).ok());
    }
  });
  long long sum = 0;
  for (auto& f : futures) sum += *std::move(f).Get();
  producer.join();
  EXPECT_EQ(sum, static_cast<long long>(n) * (n - 1) / 2);
}

// Then racing SetValue: the continuation runs exactly once either way.
TEST(FutureConcurrencyTest, ThenRacingSetRunsOnce) {
  for (int i = 0; i < kRaceIterations; ++i) {
    auto [p, f] = MakePromiseFuture<int>();
    std::atomic<int> runs{0};
    std::thread setter(
        [p = std::move(p), i]() mutable { EXPECT_TRUE(p.SetValue(i).ok()); });
    Future<int> g = std::move(f).Then([&runs](absl::StatusOr<int> r) {
      runs.fetch_add(1);
      return *r;
    });
    EXPECT_EQ(*std::move(g).Get(), i);
    setter.join();
    EXPECT_EQ(runs.load(), 1);
  }
}

// Waiting racing SetValue and a broken promise: the waiter never hangs.
TEST(FutureConcurrencyTest, WaitRacingBrokenPromise) {
  for (int i = 0; i < kRaceIterations; ++i) {
    auto [p, f] = MakePromiseFuture<int>();
    std::thread dropper(
        [p = std::move(p)]() mutable { Promise<int> gone = std::move(p); });
    auto r = std::move(f).Get();
    EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
    dropper.join();
  }
}

}  // namespace
}  // namespace moirai::core
