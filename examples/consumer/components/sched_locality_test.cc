// @moirai//sched:locality alone.
#include "expect.h"
#include "moirai/sched/locality.h"

int main() {
  moirai::numa::Topology topo = moirai::numa::Topology::DetectOrFallback();
  absl::StatusOr<moirai::sched::SchedulerOptions> o =
      moirai::sched::LocalityAwareOptions(topo, 2);
  EXPECT(o.ok());
  auto sched = moirai::sched::Scheduler::Create(*o);
  EXPECT(sched.ok());
  EXPECT((*sched)->Spawn([] { return 1; }).Get().value_or(0) == 1);
  EXPECT(!moirai::sched::LocalityAwareOptions(topo, 0).ok());
  return 0;
}
