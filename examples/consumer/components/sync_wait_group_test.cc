// @moirai//sync:wait_group alone.
#include <atomic>
#include <thread>
#include <vector>

#include "expect.h"
#include "moirai/sync/wait_group.h"

int main() {
  moirai::sync::WaitGroup wg;  // Go-style
  std::atomic<int> done{0};
  EXPECT(wg.Add(3).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      done.fetch_add(1);
      wg.Done().IgnoreError();
    });
  }
  wg.Wait();
  EXPECT(done.load() == 3);
  for (auto& t : threads) t.join();
  EXPECT(absl::IsInvalidArgument(wg.Done()));  // would go negative
  EXPECT(wg.WaitWithTimeout(absl::ZeroDuration()));
  return 0;
}
