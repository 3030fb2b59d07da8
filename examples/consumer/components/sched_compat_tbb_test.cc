// @moirai//sched:compat_tbb alone: oneTBB-shaped code with a changed include.
#include <cstddef>
#include <functional>
#include <numeric>
#include <vector>

#include "expect.h"
#include "moirai/sched/compat/tbb.h"

namespace tbb = moirai::sched::compat::tbb;

int main() {
  std::vector<long> v(10000);
  std::iota(v.begin(), v.end(), 1L);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, v.size()),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t i = r.begin(); i != r.end(); ++i)
                        v[i] *= 2;
                    });
  const long sum = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, v.size()), 0L,
      [&](const tbb::blocked_range<std::size_t>& r, long acc) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) acc += v[i];
        return acc;
      },
      std::plus<long>());
  EXPECT(sum == 10000L * 10001);
  int a = 0, b = 0;
  tbb::task_group g;
  g.run([&] { a = 1; });
  g.run([&] { b = 2; });
  EXPECT(g.wait() == tbb::complete);
  EXPECT(a + b == 3);
  return 0;
}
