// @moirai//tools/config:config alone: a TOML text sets a table's options,
// the environment beats the file, and a bad value is refused by key.
#include <string>
#include <vector>

#include "expect.h"
#include "moirai/tools/config/config.h"

int main() {
  moirai::config::Config c;
  EXPECT(
      c.LoadToml("[fibers]\nstack_size = 262144\n[rt]\nworkers = 2\n", "inline")
          .ok());
  EXPECT(
      c.LoadEnvironment(std::vector<std::string>{"MOIRAI_RT_WORKERS=3"}).ok());
  EXPECT(c.Fibers().stack_size == 262144u);
  EXPECT(c.Rt().workers == 3);
  moirai::config::Config bad;
  const absl::Status s = bad.LoadToml("[rt]\nworkers = 0\n", "inline");
  EXPECT(!s.ok() &&
         std::string(s.message()).find("rt.workers") != std::string::npos);
  return 0;
}
