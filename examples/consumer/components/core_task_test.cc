// @moirai//core:task alone.
#include <array>
#include <utility>

#include "expect.h"
#include "moirai/core/task.h"

int main() {
  int ran = 0;
  moirai::core::Task small([&ran] { ++ran; }, moirai::core::Priority::kHigh);
  EXPECT(small.is_inline());  // up to 48 bytes: no allocation
  EXPECT(small.priority() == moirai::core::Priority::kHigh);
  std::array<char, 128> big{};
  moirai::core::Task large([&ran, big] { ran += big[0] + 1; });
  EXPECT(!large.is_inline());
  moirai::core::Task moved = std::move(small);
  moved();
  large();
  EXPECT(ran == 2);
  return 0;
}
