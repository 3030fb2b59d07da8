// @moirai//core:log alone.
#include "expect.h"
#include "moirai/core/log.h"

int main() {
  moirai::core::MemoryLogSink my_sink;
  moirai::core::LogSink* previous = moirai::core::SetDefaultLogSink(&my_sink);
  EXPECT(previous != nullptr);
  moirai::core::Logger log("consumer");
  log.Warning("worker stalled", {{"worker", 3}, {"ms", 12.5}});
  EXPECT(my_sink.lines().size() == 1);
  moirai::core::SetDefaultLogSink(previous);
  return 0;
}
