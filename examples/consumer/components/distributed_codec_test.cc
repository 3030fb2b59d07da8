// @moirai//distributed:codec alone.
#include <string>
#include <vector>

#include "expect.h"
#include "moirai/distributed/codec.h"

int main() {
  using moirai::distributed::DecodeAll;
  using moirai::distributed::EncodeToString;
  const std::string bytes = EncodeToString(std::vector<int>{1, 2, 3});
  auto v = DecodeAll<std::vector<int>>(bytes);
  EXPECT(v.ok() && v->size() == 3 && (*v)[2] == 3);
  EXPECT(!DecodeAll<std::vector<int>>(bytes.substr(0, 5)).ok());  // truncated
  return 0;
}
