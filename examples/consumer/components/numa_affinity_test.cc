// @moirai//numa:affinity alone.
#include "expect.h"
#include "moirai/numa/affinity.h"

int main() {
  auto cpus = moirai::numa::CurrentThreadAffinity();
  EXPECT(cpus.ok() && !cpus->empty());
  EXPECT(moirai::numa::PinCurrentThreadToCpus({cpus->front()}).ok());
  auto pinned = moirai::numa::CurrentThreadAffinity();
  EXPECT(pinned.ok() && pinned->size() == 1);
  EXPECT(absl::IsInvalidArgument(moirai::numa::PinCurrentThreadToCpus({})));
  return 0;
}
