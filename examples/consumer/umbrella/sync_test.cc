// `@moirai//sync` alone: the README's sync example (Mutex, WaitGroup) and the
// umbrella header.
#include <thread>
#include <vector>

#include "expect.h"
#include "moirai/sync/sync.h"

namespace {

moirai::sync::Mutex mu;
int hits ABSL_GUARDED_BY(mu) = 0;
void Hit() {
  moirai::sync::MutexLock lock(&mu);
  ++hits;
}

}  // namespace

int main() {
  moirai::sync::WaitGroup wg;
  EXPECT(wg.Add(2).ok());
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w) {
    workers.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) Hit();
      wg.Done().IgnoreError();
    });
  }
  wg.Wait();
  for (auto& w : workers) w.join();
  {
    moirai::sync::MutexLock lock(&mu);
    EXPECT(hits == 2000);
  }
  EXPECT(!wg.Done().ok());  // the count would go negative

  moirai::sync::RwLock rw;
  { moirai::sync::ReaderLock r(&rw); }
  moirai::sync::SpinLock spin;
  { std::lock_guard<moirai::sync::SpinLock> g(spin); }
  return 0;
}
