// @moirai//sched:scheduler alone: Scheduler, TaskGroup (same target).
#include <utility>

#include "expect.h"
#include "moirai/sched/scheduler.h"
#include "moirai/sched/task_group.h"

namespace {

int Fib(int n) {  // fork-join, run on a worker
  if (n < 2) return n;
  int a, b;
  moirai::sched::TaskGroup g;  // help-first: Wait() runs other tasks
  g.Run([&] { a = Fib(n - 1); });
  b = Fib(n - 2);
  g.Wait().IgnoreError();
  return a + b;
}

}  // namespace

int main() {
  auto sched = moirai::sched::Scheduler::Create({.num_workers = 4});
  EXPECT(sched.ok());
  moirai::core::Future<int> f =
      (*sched)->Spawn([] { return 6 * 7; }, moirai::core::Priority::kHigh);
  EXPECT(std::move(f).Get().value_or(0) == 42);
  EXPECT((*sched)->Spawn([] { return Fib(18); }).Get().value_or(0) == 2584);
  EXPECT(!moirai::sched::Scheduler::Create({.num_workers = -1}).ok());
  return 0;
}
