// @moirai//core:mono_time alone.
#include "expect.h"
#include "moirai/core/mono_time.h"

int main() {
  using moirai::core::MonoTime;
  const MonoTime a = MonoTime::Now();
  const MonoTime deadline = MonoTime::After(absl::Seconds(1));
  EXPECT(deadline > a);
  EXPECT(deadline - a >= absl::Seconds(1));
  EXPECT(MonoTime::Infinite().is_infinite());
  EXPECT(MonoTime::FromWall(absl::InfiniteFuture()).is_infinite());
  return 0;
}
