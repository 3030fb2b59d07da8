// @moirai//rt:taskset_gen alone: a seeded set replays exactly.
#include "expect.h"
#include "moirai/rt/taskset_gen.h"

int main() {
  moirai::rt::GeneratorParams params;
  auto a = moirai::rt::GenerateTaskSet(params, 42);
  auto b = moirai::rt::GenerateTaskSet(params, 42);
  EXPECT(a.ok() && b.ok() && a->size() == b->size() && !a->empty());
  for (std::size_t i = 0; i < a->size(); ++i) {
    EXPECT((*a)[i].wcet == (*b)[i].wcet && (*a)[i].period == (*b)[i].period);
  }
  return 0;
}
