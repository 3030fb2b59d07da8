// @moirai//core:version alone.
#include <cstring>
#include <string>

#include "expect.h"
#include "moirai/core/version.h"

int main() {
  const std::string v = MOIRAI_VERSION;
  EXPECT(v == std::to_string(MOIRAI_VERSION_MAJOR) + "." +
                  std::to_string(MOIRAI_VERSION_MINOR) + "." +
                  std::to_string(MOIRAI_VERSION_PATCH));
  EXPECT(std::strcmp(moirai::Version(), MOIRAI_VERSION) == 0);
  EXPECT(MOIRAI_VERSION_NUMBER >= 100);  // 0.1.0 or later
  return 0;
}
