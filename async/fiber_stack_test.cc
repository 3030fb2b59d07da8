// Copyright 2026 The Moirai Authors.
//
// async/fiber_stack_test.cc
// -----------------------------------------------------------------------------
//
// Regression tests for the layout of a fiber's stack mapping (see
// internal/stack_pool.h): the guard is large, the control block lives below
// the guard, outside every stack's writable range, and a frame that jumps over
// the end of the stack faults in the guard with the overflow handler's message
// instead of writing into the neighbouring mapping.

#include <array>
#include <cstdint>
#include <cstdio>

#include <unistd.h>

#include "gtest/gtest.h"
#include "moirai/async/channel.h"
#include "moirai/async/internal/execution_context.h"
#include "moirai/async/internal/fiber.h"
#include "moirai/async/internal/stack_pool.h"
#include "moirai/async/internal/test_util.h"
#include "moirai/async/runtime.h"

namespace moirai::async {
namespace {

using internal::ExecutionContext;
using internal::FiberBase;
using internal::Stack;

// Where the running fiber's control block and stack are, as addresses.
struct Placement {
  std::uintptr_t block = 0;
  std::uintptr_t mapping_begin = 0;
  std::uintptr_t mapping_end = 0;
  std::uintptr_t guard_begin = 0;
  std::uintptr_t guard_end = 0;
  std::uintptr_t top = 0;
};

Placement CurrentPlacement() {
  Placement p;
  p.block = reinterpret_cast<std::uintptr_t>(FiberBase::Current());
  const Stack& s = ExecutionContext::Current()->stack();
  p.mapping_begin = reinterpret_cast<std::uintptr_t>(s.mapping);
  p.mapping_end = p.mapping_begin + s.mapping_size;
  p.guard_begin = reinterpret_cast<std::uintptr_t>(s.guard_begin());
  p.guard_end = reinterpret_cast<std::uintptr_t>(s.guard_end());
  p.top = reinterpret_cast<std::uintptr_t>(s.top());
  return p;
}

TEST(FiberStackTest, RejectsBadGuardSize) {
  RuntimeOptions zero;
  zero.guard_size = 0;
  EXPECT_EQ(Runtime::Create(zero).status().code(),
            absl::StatusCode::kInvalidArgument);
  RuntimeOptions huge;
  huge.guard_size = std::size_t{1} << 40;
  EXPECT_EQ(Runtime::Create(huge).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FiberStackTest, DefaultGuardIsAtLeast64KiB) {
  auto rt = testing_util::MakeRuntime(1);
  ASSERT_NE(rt, nullptr);
  EXPECT_GE(rt->options().guard_size, 64u * 1024);
  Placement p = rt->Spawn(CurrentPlacement).Join().value();
  EXPECT_GE(p.guard_end - p.guard_begin, 64u * 1024);
}

// The common case: the control block sits in the reservation at the low end
// of the mapping, below the guard. Our own overflow hits the guard before it,
// and a neighbour's overflow would have to cross our whole stack and guard.
TEST(FiberStackTest, ControlBlockLivesBelowTheGuard) {
  auto rt = testing_util::MakeRuntime(1);
  ASSERT_NE(rt, nullptr);
  Placement p = rt->Spawn(CurrentPlacement).Join().value();
  EXPECT_GE(p.block, p.mapping_begin);
  EXPECT_LT(p.block, p.guard_begin);
  EXPECT_GT(p.top, p.guard_end);
}

// A callable too large for the reservation: the control block goes to the
// heap, never into the stack.
TEST(FiberStackTest, LargeCallableFallsBackToTheHeap) {
  auto rt = testing_util::MakeRuntime(1);
  ASSERT_NE(rt, nullptr);
  std::array<char, 3 * 4096> big{};
  big[0] = 7;
  big[big.size() - 1] = 9;
  auto h = rt->Spawn([big] {
    Placement p = CurrentPlacement();
    EXPECT_EQ(big[0] + big[big.size() - 1], 16);
    return p;
  });
  Placement p = h.Join().value();
  EXPECT_TRUE(p.block < p.mapping_begin || p.block >= p.mapping_end)
      << "control block inside the stack mapping";
}

// A frame bigger than a page, touched at its low end (its deepest byte)
// first, as code built without -fstack-clash-protection does.
__attribute__((noinline)) void TouchBigFrame() {
  volatile char frame[16 * 1024];
  frame[0] = 1;
  frame[sizeof(frame) - 1] = 1;
}

// Descends with small frames until fewer than 8 KiB of the stack remain, then
// makes the big frame: its low end lies 8 KiB or more below the stack.
__attribute__((noinline)) int DescendThenBigFrame(const char* base) {
  volatile char pad[256];
  pad[0] = 0;
  const char* frame = static_cast<const char*>(__builtin_frame_address(0));
  if (frame - base > 8 * 1024) return DescendThenBigFrame(base) + pad[0];
  TouchBigFrame();
  return pad[0];
}

// Regression: with one 4 KiB guard page the big frame's low end landed in
// the mapping below (the next stack's top, where its control block lived) and
// the write succeeded silently (the run then hung on the corrupted fiber).
// Now it faults in the guard. The neighbour is spawned second so that its
// stack is mapped right below the victim's; the victim parks on a channel
// until then.
TEST(FiberStackDeathTest, BigFrameNearTheBottomHitsTheGuard) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        // A silently corrupted neighbour may hang the run: end it then.
        ::alarm(30);
        auto rt = testing_util::MakeRuntime(1);
        Channel<int> go(1);
        auto victim = rt->Spawn([&] {
          if (!go.Recv().ok()) return;
          DescendThenBigFrame(ExecutionContext::Current()->stack().base);
        });
        auto neighbour = rt->Spawn([] {});
        neighbour.Join().IgnoreError();
        go.Send(1).IgnoreError();
        victim.Join().IgnoreError();
        std::fputs("the overflow went unnoticed\n", stderr);
      },
      "moirai: fiber stack overflow");
}

}  // namespace
}  // namespace moirai::async
