// @moirai//core:cancellation alone.
#include "expect.h"
#include "moirai/core/cancellation.h"

int main() {
  moirai::core::CancellationSource stop;
  int calls = 0;
  auto reg = stop.token().OnCancel([&] { ++calls; });  // runs once
  auto child = moirai::core::CancellationSource::ChildOf(stop.token());
  EXPECT(!child.IsCancellationRequested());
  EXPECT(stop.RequestCancellation());
  EXPECT(!stop.RequestCancellation());
  EXPECT(calls == 1);
  EXPECT(child.IsCancellationRequested());
  EXPECT(!moirai::core::CancellationToken().CanBeCancelled());
  return 0;
}
