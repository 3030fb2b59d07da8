// @moirai//tools/config:scheduler_config alone: the [scheduler] table from
// TOML, with code (Override) beating the file.
#include <string>

#include "expect.h"
#include "moirai/tools/config/scheduler_config.h"

int main() {
  moirai::config::SchedulerConfig c;
  EXPECT(c.LoadToml("[scheduler]\nnum_workers = 2\n", "inline").ok());
  EXPECT(c.Options().num_workers == 2);
  EXPECT(c.Override("scheduler.num_workers", "3").ok());
  EXPECT(c.Options().num_workers == 3);
  EXPECT(!c.LoadToml("[scheduler]\nnum_workers = -1\n", "inline").ok());
  return 0;
}
