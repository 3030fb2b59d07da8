// @moirai//rt:simulator alone: the README's example (an EDF set, one task
// overrunning 3x on every other job) and its miss report.
#include <cstdio>
#include <vector>

#include "expect.h"
#include "moirai/rt/simulator.h"

int main() {
  using moirai::rt::kMillisecond;
  std::vector<moirai::rt::SimTask> set(2);
  set[0].spec =
      moirai::rt::TaskSpec::Periodic("ctl", 2 * kMillisecond, 5 * kMillisecond);
  set[1].spec = moirai::rt::TaskSpec::Periodic("log", 3 * kMillisecond,
                                               10 * kMillisecond);
  set[1].exec_times = {3 * kMillisecond, 9 * kMillisecond};
  moirai::rt::SimOptions options;
  options.horizon = 100 * kMillisecond;
  auto report = moirai::rt::Simulate(set, options).value();
  std::printf("%s", report.Format().c_str());
  EXPECT(report.Find("ctl")->missed == 0);
  EXPECT(report.Find("log")->missed ==
         report.Find("log")->misses(moirai::rt::MissCause::kOverrun));
  EXPECT(report.Find("log")->overruns == 4);
  return 0;
}
