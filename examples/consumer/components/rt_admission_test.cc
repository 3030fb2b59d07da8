// @moirai//rt:admission alone: RT.md's vector (2,5),(4,7).
#include <vector>

#include "expect.h"
#include "moirai/rt/admission.h"

int main() {
  using moirai::rt::kMillisecond;
  using moirai::rt::TaskSpec;
  std::vector<TaskSpec> set = {
      TaskSpec::Periodic("a", 2 * kMillisecond, 5 * kMillisecond),
      TaskSpec::Periodic("b", 4 * kMillisecond, 7 * kMillisecond)};
  absl::StatusOr<moirai::rt::Verdict> edf = moirai::rt::QpaTest(set);
  EXPECT(edf.ok() && edf->accepted);
  absl::StatusOr<moirai::rt::Verdict> ll = moirai::rt::LiuLaylandTest(set);
  EXPECT(ll.ok() && !ll->accepted);
  return 0;
}
