// Copyright 2026 The Moirai Authors.
//
// async/fiber_eh_test.cc
// -----------------------------------------------------------------------------
//
// Regression tests for the C++ exception-handling state across fiber
// switches. The state (`__cxa_get_globals()`: the stack of caught exceptions
// and the count of uncaught ones) is per thread in the C++ runtime, so a fiber
// that blocks inside a `catch` block (or inside a destructor run by stack
// unwinding) must take it along and leave the thread's own state behind.

#include <atomic>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "moirai/async/channel.h"
#include "moirai/async/internal/test_util.h"
#include "moirai/async/runtime.h"
#include "moirai/core/task.h"
#include "moirai/sched/scheduler.h"

namespace moirai::async {
namespace {

// What a plain task saw of its thread's EH state.
struct PlainTaskView {
  std::atomic<int> worker{-2};
  std::atomic<bool> saw_exception{true};
  std::atomic<int> uncaught{-1};
  std::atomic<bool> done{false};
};

// Runs one plain (non-fiber) task per worker at once, each recording what it
// sees, so that every worker's own EH state is inspected. The tasks
// rendezvous (bounded) so that each occupies its own worker.
void InspectEveryWorker(Runtime& rt, std::vector<PlainTaskView>& views) {
  const int n = rt.scheduler()->num_workers();
  views = std::vector<PlainTaskView>(n);
  std::atomic<int> arrived{0};
  for (int i = 0; i < n; ++i) {
    PlainTaskView* v = &views[i];
    ASSERT_TRUE(rt.scheduler()
                    ->Submit(core::Task([v, &arrived, n] {
                      arrived.fetch_add(1);
                      for (long spin = 0;
                           arrived.load() < n && spin < 100000000; ++spin) {
                        std::this_thread::yield();
                      }
                      v->worker.store(sched::Scheduler::CurrentWorkerIndex());
                      v->saw_exception.store(std::current_exception() !=
                                             nullptr);
                      v->uncaught.store(std::uncaught_exceptions());
                      v->done.store(true);
                    }))
                    .ok());
  }
  for (PlainTaskView& v : views) {
    while (!v.done.load()) std::this_thread::yield();
  }
}

// Yields (and now and then sleeps, so that the fiber is resubmitted from the
// timer thread and any worker may pick it up) until the fiber runs on a
// worker other than `from`. Returns the new worker, or `from` if the bound
// ran out.
int MigrateFrom(int from) {
  int now = from;
  for (int i = 0; i < 20000 && now == from; ++i) {
    if (i % 4 == 3) {
      async::SleepFor(absl::Microseconds(20)).IgnoreError();
    } else {
      Yield();
    }
    now = sched::Scheduler::CurrentWorkerIndex();
  }
  return now;
}

// Regression: the fiber caught on worker A, blocked inside the handler and
// resumed on worker B. B's (empty) caught-exception stack was live, so
// std::current_exception() was null inside the handler and the end of the
// handler popped nothing; A kept the fiber's exception as its own current
// exception for good, and every later task on A saw it.
TEST(FiberExceptionStateTest, CatchBlockSurvivesMigration) {
  auto rt = testing_util::MakeRuntime(2);
  ASSERT_NE(rt, nullptr);
  std::atomic<int> old_worker{-1};
  auto h = rt->Spawn([&]() -> absl::Status {
    try {
      throw std::runtime_error("mine");
    } catch (const std::runtime_error& e) {
      const std::exception_ptr mine = std::current_exception();
      if (mine == nullptr) return absl::InternalError("no current exception");
      const int from = sched::Scheduler::CurrentWorkerIndex();
      const int to = MigrateFrom(from);
      if (to == from) return absl::UnavailableError("never migrated");
      old_worker.store(from);
      if (std::current_exception() != mine) {
        return absl::InternalError(
            absl::StrCat("after moving from worker ", from, " to ", to,
                         " the current exception is not the fiber's"));
      }
      if (std::uncaught_exceptions() != 0) {
        return absl::InternalError(absl::StrCat("uncaught_exceptions() == ",
                                                std::uncaught_exceptions()));
      }
      try {
        throw;
      } catch (const std::runtime_error& again) {
        if (&again != &e) return absl::InternalError("rethrew another object");
      }
      if (std::current_exception() != mine) {
        return absl::InternalError("nested handler lost the outer exception");
      }
    }
    if (std::current_exception() != nullptr) {
      return absl::InternalError("current exception outside any handler");
    }
    return absl::OkStatus();
  });
  absl::Status s = h.Join();
  if (absl::IsUnavailable(s)) GTEST_SKIP() << s;
  ASSERT_TRUE(s.ok()) << s;
  std::vector<PlainTaskView> views;
  InspectEveryWorker(*rt, views);
  bool saw_old_worker = false;
  for (const PlainTaskView& v : views) {
    saw_old_worker |= v.worker.load() == old_worker.load();
    EXPECT_FALSE(v.saw_exception.load())
        << "a plain task on worker " << v.worker.load()
        << " sees a current exception";
    EXPECT_EQ(v.uncaught.load(), 0) << "worker " << v.worker.load();
  }
  EXPECT_TRUE(saw_old_worker);
}

// Destructor that blocks while the stack unwinds, and records what
// uncaught_exceptions() says before and after.
struct BlockWhileUnwinding {
  int* before;
  int* after;
  Channel<int>* to_other;
  Channel<int>* from_other;
  ~BlockWhileUnwinding() {
    *before = std::uncaught_exceptions();
    to_other->Send(3).IgnoreError();
    from_other->Recv().IgnoreError();  // parks until the other fiber looked
    *after = std::uncaught_exceptions();
  }
};

// One worker, so the interleaving is fixed: fiber A blocks inside a handler
// (and later inside a destructor run by unwinding) while fiber B runs on the
// same thread, and B blocks inside its own handler while A runs. Each must
// see only its own exceptions. The hand-offs are channel messages (a parked
// fiber, not a yield loop), and each fiber keeps to the protocol after a
// failed check (errors are collected), so a broken run does not hang.
TEST(FiberExceptionStateTest, EachFiberSeesOnlyItsOwnExceptions) {
  auto rt = testing_util::MakeRuntime(1);
  ASSERT_NE(rt, nullptr);
  Channel<int> a_to_b(Channel<int>::kUnbounded);
  Channel<int> b_to_a(Channel<int>::kUnbounded);
  int a_before = -1, a_after = -1, b_uncaught_seen = -1;
  std::vector<std::string> a_errors, b_errors;  // each written by one fiber

  auto a = rt->Spawn([&] {
    try {
      throw std::runtime_error("A");
    } catch (const std::runtime_error&) {
      const std::exception_ptr mine = std::current_exception();
      a_to_b.Send(1).IgnoreError();  // 1: A is inside its handler
      b_to_a.Recv().IgnoreError();   // B is parked inside its handler
      if (std::current_exception() != mine) {
        a_errors.push_back("A's handler sees B's exception");
      }
      a_to_b.Send(2).IgnoreError();  // 2: let B leave its handler
      b_to_a.Recv().IgnoreError();   // B left it and looked around
      if (std::current_exception() != mine) {
        a_errors.push_back("A's handler lost its exception");
      }
    }
    try {
      BlockWhileUnwinding guard{&a_before, &a_after, &a_to_b, &b_to_a};
      throw std::logic_error("A2");  // 3 is sent from the destructor
    } catch (const std::logic_error&) {
    }
    if (std::current_exception() != nullptr) {
      a_errors.push_back("A sees an exception outside any handler");
    }
  });
  auto b = rt->Spawn([&] {
    a_to_b.Recv().IgnoreError();  // 1
    if (std::current_exception() != nullptr) {
      b_errors.push_back("B sees A's exception");
    }
    try {
      throw 42;
    } catch (int) {
      const std::exception_ptr mine = std::current_exception();
      b_to_a.Send(1).IgnoreError();
      a_to_b.Recv().IgnoreError();  // 2: A checked while B was parked here
      if (std::current_exception() != mine) {
        b_errors.push_back("B's handler lost its exception");
      }
    }
    if (std::current_exception() != nullptr) {
      b_errors.push_back("B sees an exception outside any handler");
    }
    b_to_a.Send(2).IgnoreError();
    a_to_b.Recv().IgnoreError();  // 3: A is parked in a destructor, unwinding
    b_uncaught_seen = std::uncaught_exceptions();
    b_to_a.Send(3).IgnoreError();
  });
  ASSERT_TRUE(a.Join().ok());
  ASSERT_TRUE(b.Join().ok());
  for (const std::string& e : a_errors) ADD_FAILURE() << e;
  for (const std::string& e : b_errors) ADD_FAILURE() << e;
  EXPECT_EQ(a_before, 1);
  EXPECT_EQ(a_after, 1);
  EXPECT_EQ(b_uncaught_seen, 0);
  std::vector<PlainTaskView> views;
  InspectEveryWorker(*rt, views);
  for (const PlainTaskView& v : views) {
    EXPECT_FALSE(v.saw_exception.load());
    EXPECT_EQ(v.uncaught.load(), 0);
  }
}

}  // namespace
}  // namespace moirai::async
