// @moirai//rt:task_model alone.
#include "expect.h"
#include "moirai/rt/task_model.h"

int main() {
  using moirai::rt::kMillisecond;
  moirai::rt::TaskSpec t =
      moirai::rt::TaskSpec::Periodic("t", 2 * kMillisecond, 5 * kMillisecond);
  EXPECT(moirai::rt::Validate(t).ok());
  t.wcet = 6 * kMillisecond;  // WCET > deadline
  EXPECT(absl::IsInvalidArgument(moirai::rt::Validate(t)));
  return 0;
}
