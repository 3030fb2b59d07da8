// The README's first example: one component, `@moirai//sync:mutex`, alone.
#include <cstdio>
#include <thread>
#include <vector>

#include "moirai/sync/mutex.h"

namespace {

moirai::sync::Mutex mu;
int hits ABSL_GUARDED_BY(mu) = 0;
void Hit() {
  moirai::sync::MutexLock lock(&mu);
  ++hits;
}

}  // namespace

int main() {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 1000; ++i) Hit();
    });
  }
  for (auto& t : threads) t.join();
  moirai::sync::MutexLock lock(&mu);
  std::printf("app: %d hits\n", hits);
  return hits == 4000 ? 0 : 1;
}
