// `@moirai//async` alone: the README's async example (Runtime, Channel) and
// the CondVar wait loop.
#include "expect.h"
#include "moirai/async/channel.h"
#include "moirai/async/mutex.h"
#include "moirai/async/runtime.h"

int main() {
  auto rt = moirai::async::Runtime::Create().value();
  moirai::async::Channel<int> ch(16);
  auto producer = rt->Spawn([&] {
    for (int i = 0; i < 100; ++i) ch.Send(i).IgnoreError();
    ch.Close();
  });
  auto sum = rt->Spawn([&] {
    int s = 0;
    for (auto v = ch.Recv(); v.ok(); v = ch.Recv()) s += *v;
    return s;
  });
  int total = sum.Join().value();
  EXPECT(total == 4950);
  EXPECT(producer.Join().ok());

  moirai::async::Mutex mu;
  moirai::async::CondVar cv;
  bool ready = false;
  auto waiter = rt->Spawn([&]() -> absl::Status {
    moirai::async::MutexLock l(&mu);
    while (!ready) {
      if (absl::Status s = cv.Wait(&mu); !s.ok()) return s;  // mu held again
    }
    return absl::OkStatus();
  });
  rt->Spawn([&] {
      moirai::async::MutexLock l(&mu);
      ready = true;
      cv.SignalAll();
    }).Detach();
  EXPECT(waiter.Join().ok());
  return 0;
}
