// @moirai//lockfree:hash_map alone.
#include <optional>
#include <string>

#include "expect.h"
#include "moirai/lockfree/hash_map.h"

int main() {
  moirai::lockfree::HashMap<std::string, int> map;  // lock-free reads
  map.InsertOrAssign("a", 2);
  map.Update("a", [](int& v) { v += 40; });
  std::optional<int> v = map.Find("a");
  EXPECT(v == 42);
  EXPECT(map.Erase("a"));
  EXPECT(!map.Find("a").has_value());
  return 0;
}
