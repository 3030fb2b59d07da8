// Copyright 2026 The Moirai Authors.

#include "moirai/core/task.h"

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "gtest/gtest.h"

namespace moirai::core {
namespace {

// Counts live instances, constructions and destructions; marks itself dead
// so a use after destruction is caught.
struct Tracked {
  static inline int live = 0;
  static inline int calls = 0;
  bool alive = true;
  Tracked() { ++live; }
  Tracked(const Tracked& o) {
    EXPECT_TRUE(o.alive);
    ++live;
  }
  Tracked(Tracked&& o) noexcept {
    EXPECT_TRUE(o.alive);
    ++live;
  }
  ~Tracked() {
    EXPECT_TRUE(alive) << "double destroy";
    alive = false;
    --live;
  }
  void operator()() {
    EXPECT_TRUE(alive) << "invoked after destruction";
    ++calls;
  }
};

struct Big {
  std::array<char, 200> payload{};
  int* out;
  void operator()() const { *out += payload[0] + 1; }
};

struct ThrowingMove {
  int* out;
  ThrowingMove(int* o) : out(o) {}
  ThrowingMove(ThrowingMove&& o) noexcept(false) : out(o.out) {}
  void operator()() { ++*out; }
};

struct alignas(64) OverAligned {
  int* out;
  void operator()() { ++*out; }
};

TEST(TaskTest, DefaultIsEmpty) {
  Task t;
  EXPECT_FALSE(t);
  EXPECT_FALSE(t.id().valid());
  EXPECT_EQ(t.priority(), Priority::kNormal);
  EXPECT_EQ(t.metadata(), nullptr);
  EXPECT_FALSE(t.is_inline());
}

TEST(TaskTest, RunsSmallLambdaInline) {
  int a = 0, b = 0, c = 0;
  Task t([pa = &a, pb = &b, pc = &c] { *pa = 1, *pb = 2, *pc = 3; },
         Priority::kHigh);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t.is_inline());
  EXPECT_TRUE(t.id().valid());
  EXPECT_EQ(t.priority(), Priority::kHigh);
  t();
  EXPECT_EQ(a + b + c, 6);
  t();  // May run more than once.
}

TEST(TaskTest, InlineBoundaryIs48Bytes) {
  static_assert(Task::kInlineSize >= 48);
  int out = 0;
  std::array<int*, 6> six{&out, &out, &out, &out, &out, &out};
  auto fits = [six] { ++*six[5]; };
  static_assert(sizeof(fits) == 48);
  static_assert(Task::kStoresInline<decltype(fits)>);
  Task t(fits);
  EXPECT_TRUE(t.is_inline());
  t();
  EXPECT_EQ(out, 1);

  std::array<int*, 7> seven{&out, &out, &out, &out, &out, &out, &out};
  auto too_big = [seven] { ++*seven[6]; };
  static_assert(!Task::kStoresInline<decltype(too_big)>);
  Task h(too_big);
  EXPECT_FALSE(h.is_inline());
  h();
  EXPECT_EQ(out, 2);
}

TEST(TaskTest, LargeThrowingMoveAndOverAlignedGoToHeap) {
  int out = 0;
  Task big(Big{{}, &out});
  EXPECT_FALSE(big.is_inline());
  Task throwing{ThrowingMove(&out)};
  EXPECT_FALSE(throwing.is_inline());
  Task aligned(OverAligned{&out});
  EXPECT_FALSE(aligned.is_inline());
  big();
  throwing();
  aligned();
  EXPECT_EQ(out, 3);
  // Moving heap tasks keeps the callable working.
  Task moved(std::move(big));
  moved();
  EXPECT_EQ(out, 4);
}

TEST(TaskTest, NoLeaksNoDoubleDestroyAcrossMoves) {
  Tracked::live = 0;
  Tracked::calls = 0;
  {
    Task a{Tracked()};
    EXPECT_TRUE(a.is_inline());
    EXPECT_EQ(Tracked::live, 1);
    TaskId id = a.id();
    Task b(std::move(a));
    EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): documented state
    EXPECT_FALSE(a.id().valid());
    EXPECT_EQ(b.id(), id);
    EXPECT_EQ(Tracked::live, 1);
    Task c;
    c = std::move(b);
    EXPECT_EQ(Tracked::live, 1);
    c();
    // Assigning over a live task destroys its callable.
    c = Task(Tracked());
    EXPECT_EQ(Tracked::live, 1);
    Task& alias = c;
    c = std::move(alias);  // Self-move: no-op.
    EXPECT_TRUE(c);
    c();
    c.Reset();
    EXPECT_EQ(Tracked::live, 0);
    EXPECT_FALSE(c);
  }
  EXPECT_EQ(Tracked::live, 0);
  EXPECT_EQ(Tracked::calls, 2);
}

TEST(TaskTest, MoveOnlyCallable) {
  auto p = std::make_unique<int>(5);
  int out = 0;
  Task t([p = std::move(p), &out] { out = *p; });
  EXPECT_TRUE(t.is_inline());
  Task u(std::move(t));
  u();
  EXPECT_EQ(out, 5);
}

void FreeFunction() {}

TEST(TaskTest, NullCallablesGiveEmptyTasks) {
  void (*null_fn)() = nullptr;
  EXPECT_FALSE(Task(null_fn));
  EXPECT_FALSE(Task(std::function<void()>()));
  EXPECT_FALSE(Task(absl::AnyInvocable<void()>()));
  EXPECT_TRUE(Task(&FreeFunction));
  EXPECT_TRUE(Task(std::function<void()>([] {})));
}

TEST(TaskTest, ReturnValueIsDiscarded) {
  int calls = 0;
  Task t([&calls] { return ++calls; });
  t();
  EXPECT_EQ(calls, 1);
}

TEST(TaskTest, IdsAreDistinct) {
  Task a([] {});
  Task b([] {});
  EXPECT_NE(a.id(), b.id());
}

TEST(TaskTest, PriorityAndMetadata) {
  Task t([] {});
  t.set_priority(Priority::kBackground);
  EXPECT_EQ(t.priority(), Priority::kBackground);
  EXPECT_EQ(t.metadata(), nullptr);
  t.set_metadata({"parse", {"io", "batch"}});
  ASSERT_NE(t.metadata(), nullptr);
  EXPECT_EQ(t.metadata()->name, "parse");
  EXPECT_TRUE(t.metadata()->HasTag("io"));
  EXPECT_FALSE(t.metadata()->HasTag("cpu"));
  t.set_metadata({"render", {}});
  EXPECT_EQ(t.metadata()->name, "render");
  Task u(std::move(t));
  ASSERT_NE(u.metadata(), nullptr);
  EXPECT_EQ(u.metadata()->name, "render");
  EXPECT_EQ(t.metadata(), nullptr);  // NOLINT(bugprone-use-after-move)
  u.clear_metadata();
  EXPECT_EQ(u.metadata(), nullptr);
}

TEST(TaskTest, ExceptionsPropagateToTheCaller) {
  Task t([] { throw std::runtime_error("boom"); });
  EXPECT_THROW(t(), std::runtime_error);
  EXPECT_TRUE(t);
}

TEST(TaskDeathTest, InvokingAnEmptyTaskCrashesWithAMessage) {
  Task t;
  EXPECT_DEATH(t(), "invoked an empty moirai::core::Task");
}

TEST(TaskDeathTest, InvalidPriorityCrashes) {
  EXPECT_DEATH(Task([] {}, static_cast<Priority>(7)),
               "Priority outside the five levels");
  Task t([] {});
  EXPECT_DEATH(t.set_priority(static_cast<Priority>(200)),
               "Priority outside the five levels");
}

}  // namespace
}  // namespace moirai::core
