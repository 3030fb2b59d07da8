// @moirai//rt:dispatcher alone: one EDF core on a virtual clock, driven by
// hand; an overrun is throttled by the task's budget.
#include <memory>

#include "expect.h"
#include "moirai/rt/core_dispatcher.h"

int main() {
  using moirai::rt::kMillisecond;
  moirai::rt::VirtualClock clock;
  std::unique_ptr<moirai::rt::CoreDispatcher> d =
      moirai::rt::CoreDispatcher::Create({}, &clock).value();
  auto hog = d->AddTask(moirai::rt::TaskSpec::Periodic("hog", 2 * kMillisecond,
                                                       10 * kMillisecond));
  EXPECT(hog.ok());
  moirai::rt::Slice s = d->Next().value();
  EXPECT(s.has_job() && s.grant == 2 * kMillisecond);
  EXPECT(clock.Advance(s.grant).ok());
  moirai::rt::ReportOutcome out = d->Report({s.grant, false}).value();
  EXPECT(out.overrun && out.throttled);
  EXPECT(!d->Next().value().has_job());  // throttled until 10 ms
  EXPECT(d->Stats().tasks[0].overruns == 1);
  EXPECT(absl::IsFailedPrecondition(d->Report({}).status()));
  return 0;
}
