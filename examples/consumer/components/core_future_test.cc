// @moirai//core:future alone.
#include <thread>
#include <utility>

#include "expect.h"
#include "moirai/core/future.h"

int main() {
  auto [promise, future] = moirai::core::MakePromiseFuture<int>();
  std::thread t(
      [p = std::move(promise)]() mutable { p.SetFrom([] { return 6 * 7; }); });
  moirai::core::Future<int> next = std::move(future).Then(
      [](absl::StatusOr<int> r) { return r.ok() ? *r + 1 : -1; });
  absl::StatusOr<int> v = std::move(next).Get();  // 43
  t.join();
  EXPECT(v.ok() && *v == 43);

  auto [broken, orphan] = moirai::core::MakePromiseFuture<int>();
  { auto dropped = std::move(broken); }  // destroyed unset: "broken promise"
  EXPECT(absl::IsCancelled(std::move(orphan).Get().status()));
  return 0;
}
