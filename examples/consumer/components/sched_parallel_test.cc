// @moirai//sched:parallel alone.
#include <cstdint>
#include <vector>

#include "expect.h"
#include "moirai/sched/parallel.h"

int main() {
  auto sched = moirai::sched::Scheduler::Create({.num_workers = 2});
  EXPECT(sched.ok());
  const int64_t n = 100000;
  std::vector<int64_t> out(n);
  absl::Status s = moirai::sched::ParallelFor(
      **sched, 0, n, /*grain=*/1024, [&](int64_t i) { out[i] = i % 7; });
  EXPECT(s.ok());
  int64_t sum = 0;
  for (int64_t v : out) sum += v;
  int64_t expected = 0;
  for (int64_t i = 0; i < n; ++i) expected += i % 7;
  EXPECT(sum == expected);
  return 0;
}
