// `@moirai//core` alone: the README's core example (futures, cancellation),
// plus a Task, a TaskContext, MonoTime and a log sink.
#include <thread>
#include <utility>

#include "expect.h"
#include "moirai/core/cancellation.h"
#include "moirai/core/future.h"
#include "moirai/core/log.h"
#include "moirai/core/mono_time.h"
#include "moirai/core/task.h"
#include "moirai/core/task_context.h"

int main() {
  auto [promise, future] = moirai::core::MakePromiseFuture<int>();
  moirai::core::CancellationSource stop;
  int cancelled = 0;
  auto reg = stop.token().OnCancel([&] { ++cancelled; });
  std::thread t(
      [p = std::move(promise)]() mutable { p.SetFrom([] { return 6 * 7; }); });
  moirai::core::Future<int> next = std::move(future).Then(
      [](absl::StatusOr<int> r) { return r.ok() ? *r + 1 : -1; });
  absl::StatusOr<int> v = std::move(next).Get();
  t.join();
  EXPECT(v.ok() && *v == 43);
  stop.RequestCancellation();
  EXPECT(cancelled == 1);

  int ran = 0;
  moirai::core::Task task([&] { ++ran; }, moirai::core::Priority::kHigh);
  EXPECT(task.is_inline());
  moirai::core::TaskContext ctx(task);
  {
    moirai::core::TaskContext::Scope scope(&ctx);
    EXPECT(moirai::core::TaskContext::current() == &ctx);
    task();
  }
  EXPECT(ran == 1);
  EXPECT(moirai::core::TaskContext::current() == nullptr);

  const moirai::core::MonoTime start = moirai::core::MonoTime::Now();
  EXPECT(moirai::core::MonoTime::Now() - start >= absl::ZeroDuration());

  moirai::core::MemoryLogSink sink;
  moirai::core::Logger log("consumer", &sink);
  log.Warning("umbrella", {{"package", "core"}});
  EXPECT(sink.lines().size() == 1);
  return 0;
}
