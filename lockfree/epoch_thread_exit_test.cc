// Copyright 2026 The Moirai Authors.
//
// lockfree/epoch_thread_exit_test.cc
// -----------------------------------------------------------------------------
//
// Epoch-protected structures used from thread-local destructors: a thread's
// epoch registrations must still work (and be released) while the thread's
// other thread-locals are destroyed, whatever their construction order.

#include <atomic>
#include <optional>
#include <thread>

#include "gtest/gtest.h"
#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/stack.h"

namespace moirai::lockfree {
namespace {

// A thread-local whose destructor uses a Stack (Push allocates a node, TryPop
// pins the domain and retires the node).
struct UsesStackAtExit {
  Stack<int>* stack = nullptr;
  std::atomic<bool>* popped = nullptr;
  ~UsesStackAtExit() {
    if (stack == nullptr) return;
    stack->Push(42);
    std::optional<int> v = stack->TryPop();
    popped->store(v.has_value() && *v == 42);
  }
};
thread_local UsesStackAtExit tls_user;

// Regression test. Thread-locals are destroyed in the reverse order of their
// construction, so one constructed BEFORE the thread's first epoch
// registration is destroyed AFTER the thread's registration list:
//   thread: touch tls_user (constructed, destructor registered);
//           use the stack (registers with the domain: the registration list,
//           a thread-local, is constructed now, after tls_user).
//   exit:   the registration list is destroyed (record released);
//           ~UsesStackAtExit pins the domain again: RegisterThread wrote into
//           the destroyed list (ASan: heap-use-after-free), and the record it
//           claimed was never released (registered_threads stayed 1).
TEST(EpochThreadExitTest, ThreadLocalDestructorUsesStackAfterRegistration) {
  EpochDomain domain;
  Stack<int> stack(&domain);
  std::atomic<bool> popped{false};
  std::thread t([&] {
    tls_user.stack = &stack;  // constructed before any epoch registration
    tls_user.popped = &popped;
    stack.Push(1);
    EXPECT_EQ(stack.TryPop(), 1);  // registers with `domain`
    EXPECT_EQ(domain.GetStats().registered_threads, 1);
  });
  t.join();
  EXPECT_TRUE(popped.load()) << "the exit-time Push/TryPop did not work";
  const EpochDomain::Stats stats = domain.GetStats();
  EXPECT_EQ(stats.registered_threads, 0)
      << "the registration made during thread exit was never released";
  // The exiting thread's garbage was handed to the domain, not lost.
  EXPECT_TRUE(domain.Synchronize());
  EXPECT_EQ(domain.GetStats().pending, 0u);
}

// The same with the default domain and several threads at once.
TEST(EpochThreadExitTest, ManyThreadsUseStackFromThreadLocalDestructors) {
  Stack<int> stack;
  constexpr int kThreads = 4;
  std::atomic<bool> popped[kThreads] = {};
  std::thread threads[kThreads];
  for (int i = 0; i < kThreads; ++i) {
    threads[i] = std::thread([&, i] {
      tls_user.stack = &stack;
      tls_user.popped = &popped[i];
      stack.Push(i);
      EXPECT_TRUE(stack.TryPop().has_value());
    });
  }
  for (auto& t : threads) t.join();
  for (auto& p : popped) EXPECT_TRUE(p.load());
  EXPECT_TRUE(stack.empty());
}

}  // namespace
}  // namespace moirai::lockfree
