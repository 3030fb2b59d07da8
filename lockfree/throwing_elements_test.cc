// Copyright 2026 The Moirai Authors.
//
// lockfree/throwing_elements_test.cc
// -----------------------------------------------------------------------------
//
// Element types that throw, for Stack, MsQueue, Queue and BoundedQueue: a
// constructor (or copy) that throws must leave the container unchanged and
// usable, with every item destroyed exactly once and nothing leaked (the
// counting element type below, and LeakSanitizer under --config=asan).
//
// The other half of the element contract, a nothrow move constructor, is
// enforced at compile time (each header's static_assert), so a throwing move
// in TryPop cannot happen; it has no runtime test.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/lockfree/bounded_queue.h"
#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/ms_queue.h"
#include "moirai/lockfree/queue.h"
#include "moirai/lockfree/stack.h"

namespace moirai::lockfree {
namespace {

struct Counts {
  std::atomic<int> constructed{0};
  std::atomic<int> destroyed{0};
  int live() const { return constructed.load() - destroyed.load(); }
};

// Counts constructions and destructions, poisons itself when destroyed
// (a double destroy or a destroy of never-constructed storage fails), and
// throws from its constructor or copy constructor on request. Moves never
// throw (the containers' requirement).
class ThrowingItem {
 public:
  static constexpr std::uint64_t kAlive = 0xA11CEA11CEA11CEull;

  ThrowingItem(Counts* counts, int value, bool throw_in_constructor)
      : counts_(counts), value_(value) {
    if (throw_in_constructor) throw std::runtime_error("constructor");
    counts_->constructed.fetch_add(1);
    magic_ = kAlive;
  }
  ThrowingItem(const ThrowingItem& other)
      : counts_(other.counts_), value_(other.value_) {
    if (other.throw_on_copy_) throw std::runtime_error("copy");
    counts_->constructed.fetch_add(1);
    magic_ = kAlive;
  }
  ThrowingItem(ThrowingItem&& other) noexcept
      : counts_(other.counts_),
        value_(other.value_),
        throw_on_copy_(other.throw_on_copy_) {
    EXPECT_EQ(other.magic_, kAlive) << "move from a dead item";
    counts_->constructed.fetch_add(1);
    magic_ = kAlive;
  }
  ThrowingItem& operator=(const ThrowingItem&) = delete;
  ~ThrowingItem() {
    EXPECT_EQ(magic_, kAlive) << "destroyed twice, or never constructed";
    magic_ = 0;
    counts_->destroyed.fetch_add(1);
  }

  int value() const { return value_; }
  void set_throw_on_copy() { throw_on_copy_ = true; }

 private:
  Counts* counts_;
  int value_;
  bool throw_on_copy_ = false;
  std::uint64_t magic_ = 0;
};

// One interface over the four containers.
template <typename C>
struct Ops {
  static std::unique_ptr<C> Make() { return std::make_unique<C>(); }
  template <typename... Args>
  static void Push(C& c, Args&&... args) {
    c.Emplace(std::forward<Args>(args)...);
  }
  static constexpr bool kFifo = true;
};
template <>
struct Ops<Stack<ThrowingItem>> {
  using C = Stack<ThrowingItem>;
  static std::unique_ptr<C> Make() { return std::make_unique<C>(); }
  template <typename... Args>
  static void Push(C& c, Args&&... args) {
    c.Emplace(std::forward<Args>(args)...);
  }
  static constexpr bool kFifo = false;
};
template <>
struct Ops<BoundedQueue<ThrowingItem>> {
  using C = BoundedQueue<ThrowingItem>;
  static std::unique_ptr<C> Make() { return std::make_unique<C>(8); }
  template <typename... Args>
  static void Push(C& c, Args&&... args) {
    ASSERT_TRUE(c.TryEmplace(std::forward<Args>(args)...));
  }
  static constexpr bool kFifo = true;
};

template <typename C>
class ThrowingElementsTest : public ::testing::Test {};

using Containers =
    ::testing::Types<Stack<ThrowingItem>, MsQueue<ThrowingItem>,
                     Queue<ThrowingItem>, BoundedQueue<ThrowingItem>>;
TYPED_TEST_SUITE(ThrowingElementsTest, Containers);

// Regression test: a constructor that throws after the container claimed a
// slot (Queue, BoundedQueue) left that slot claimed and never written: every
// later pop waited for it (Queue spun forever, BoundedQueue reported empty
// forever), and the destructor destroyed the unconstructed slot. Stack and
// MsQueue leaked the node they had taken for the item.
//   push(1); push(2, throws); push(3); pop, pop -> {1, 3}; pop -> empty.
TYPED_TEST(ThrowingElementsTest, ThrowingConstructorLeavesContainerUsable) {
  using O = Ops<TypeParam>;
  Counts counts;
  {
    std::unique_ptr<TypeParam> c = O::Make();
    O::Push(*c, &counts, 1, false);
    EXPECT_THROW(O::Push(*c, &counts, 2, true), std::runtime_error);
    O::Push(*c, &counts, 3, false);
    std::vector<int> popped;
    for (int i = 0; i < 2; ++i) {
      std::optional<ThrowingItem> v = c->TryPop();
      ASSERT_TRUE(v.has_value()) << "wedged after a throwing constructor";
      popped.push_back(v->value());
    }
    EXPECT_EQ(popped,
              O::kFifo ? std::vector<int>({1, 3}) : std::vector<int>({3, 1}));
    EXPECT_FALSE(c->TryPop().has_value());
    EXPECT_EQ(counts.live(), 0);
  }
  EXPECT_EQ(counts.live(), 0);
}

// A throwing copy (Push(const T&)) is a throwing construction too.
TYPED_TEST(ThrowingElementsTest, ThrowingCopyLeavesContainerUsable) {
  using O = Ops<TypeParam>;
  Counts counts;
  {
    std::unique_ptr<TypeParam> c = O::Make();
    ThrowingItem poisoned(&counts, 7, false);
    poisoned.set_throw_on_copy();
    const ThrowingItem& ref = poisoned;
    EXPECT_THROW(O::Push(*c, ref), std::runtime_error);
    O::Push(*c, &counts, 8, false);
    std::optional<ThrowingItem> v = c->TryPop();
    ASSERT_TRUE(v.has_value()) << "wedged after a throwing copy";
    EXPECT_EQ(v->value(), 8);
    EXPECT_FALSE(c->TryPop().has_value());
  }
  EXPECT_EQ(counts.live(), 0);
}

// The destructor after a throw destroys exactly the items that were
// constructed (it used to destroy the unconstructed slot as well).
TYPED_TEST(ThrowingElementsTest, DestructorAfterThrowDestroysOnlyItems) {
  using O = Ops<TypeParam>;
  Counts counts;
  {
    std::unique_ptr<TypeParam> c = O::Make();
    EXPECT_THROW(O::Push(*c, &counts, 1, true), std::runtime_error);
    O::Push(*c, &counts, 2, false);
    O::Push(*c, &counts, 3, false);
    EXPECT_EQ(counts.live(), 2);
  }
  EXPECT_EQ(counts.live(), 0);
  EXPECT_TRUE(EpochDomain::Default().Synchronize());
}

}  // namespace
}  // namespace moirai::lockfree
