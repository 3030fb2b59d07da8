// @moirai//numa:node_memory alone. Where a container forbids mbind the
// memory is still returned, with policy_applied() false and the reason.
#include <cstring>
#include <iostream>

#include "expect.h"
#include "moirai/numa/node_memory.h"

int main() {
  auto mem = moirai::numa::AllocateOnNode(1 << 16, 0);
  EXPECT(mem.ok() && mem->data() != nullptr && mem->size() >= (1 << 16));
  std::memset(mem->data(), 1, mem->size());
  if (!mem->policy_applied()) std::cout << mem->policy_status() << "\n";
  EXPECT(absl::IsInvalidArgument(moirai::numa::AllocateOnNode(0, 0).status()));
  return 0;
}
