// @moirai//core:task_context alone.
#include "expect.h"
#include "moirai/core/task_context.h"

int main() {
  EXPECT(moirai::core::TaskContext::current() == nullptr);
  moirai::core::CancellationSource source;
  moirai::core::TaskContext ctx(moirai::core::TaskId(),
                                moirai::core::Priority::kLow,
                                absl::InfiniteFuture(), source.token());
  {
    moirai::core::TaskContext::Scope scope(&ctx);
    auto* current = moirai::core::TaskContext::current();
    EXPECT(current == &ctx);
    EXPECT(current->priority() == moirai::core::Priority::kLow);
    source.RequestCancellation();
    EXPECT(current->IsCancellationRequested());
    EXPECT(current->parker() == nullptr);  // a plain thread blocks
  }
  EXPECT(moirai::core::TaskContext::current() == nullptr);
  return 0;
}
