// `@moirai//sched` alone: the README's sched example (Spawn, fork-join with
// TaskGroup, ParallelFor) and the locality-aware options.
#include <cstdint>
#include <vector>

#include "expect.h"
#include "moirai/numa/topology.h"
#include "moirai/sched/locality.h"
#include "moirai/sched/parallel.h"
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
  EXPECT(std::move((*sched)->Spawn([] { return Fib(20); })).Get().value_or(0) ==
         6765);

  const int64_t n = 10000;
  std::vector<int64_t> out(n);
  absl::Status s = moirai::sched::ParallelFor(
      **sched, 0, n, /*grain=*/1024, [&](int64_t i) { out[i] = 2 * i; });
  EXPECT(s.ok() && out[n - 1] == 2 * (n - 1));

  auto opts = moirai::sched::LocalityAwareOptions(
      moirai::numa::Topology::DetectOrFallback(), 2);
  EXPECT(opts.ok());
  auto local = moirai::sched::Scheduler::Create(*opts);
  EXPECT(local.ok());
  return 0;
}
