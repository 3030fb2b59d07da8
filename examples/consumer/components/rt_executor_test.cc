// @moirai//rt:executor alone: the rt dispatcher installed on a 1-worker
// scheduler; one sporadic job released, run on the worker, and counted.
#include <atomic>
#include <memory>

#include "expect.h"
#include "moirai/rt/executor.h"
#include "moirai/sched/scheduler.h"

int main() {
  using moirai::rt::kMillisecond;
  moirai::rt::ExecutorOptions eo;
  eo.workers = 1;
  std::shared_ptr<moirai::rt::Executor> ex =
      moirai::rt::Executor::Create(eo).value();
  moirai::sched::SchedulerOptions so;
  so.num_workers = 1;
  so.dispatch = ex;
  auto sched = moirai::sched::Scheduler::Create(so).value();
  std::atomic<int> worker{-1};
  auto id = ex->AddTask(
      moirai::rt::TaskSpec::Sporadic("irq", kMillisecond, 10 * kMillisecond,
                                     10 * kMillisecond),
      [&](const moirai::rt::JobContext&) {
        worker.store(moirai::sched::Scheduler::CurrentWorkerIndex());
      });
  EXPECT(id.ok());
  EXPECT(ex->Release(*id).ok());
  sched->Shutdown();  // a drain: the released job runs first
  EXPECT(worker.load() == 0);
  moirai::rt::ExecutorStats st = ex->Stats();
  EXPECT(st.Find("irq") != nullptr && st.Find("irq")->completed == 1);
  EXPECT(absl::IsFailedPrecondition(ex->Release(*id)));
  return 0;
}
