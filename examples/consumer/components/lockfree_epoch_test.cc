// @moirai//lockfree:epoch alone.
#include "expect.h"
#include "moirai/lockfree/epoch.h"

namespace {
int freed = 0;
}  // namespace

int main() {
  {
    moirai::lockfree::EpochDomain domain;
    {
      auto guard = domain.Pin();
      EXPECT(guard.active());
      domain.Retire(new int(1), [](void* p) {
        delete static_cast<int*>(p);
        ++freed;
      });
    }
    domain.Synchronize();
  }  // the domain frees what is still retired
  EXPECT(freed == 1);
  return 0;
}
