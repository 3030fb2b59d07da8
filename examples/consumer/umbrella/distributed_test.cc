// `@moirai//distributed` alone: the README's distributed example.
#include "expect.h"
#include "moirai/distributed/cluster.h"

int Add(int a, int b) { return a + b; }

int main() {
  auto cluster = moirai::distributed::Cluster::Embedded(2).value();
  EXPECT(cluster->Register<&Add>("add", {.idempotent = true}).ok());
  moirai::core::Future<int> f = cluster->Spawn<&Add>(2, 3);
  absl::StatusOr<int> five = std::move(f).Get();
  EXPECT(five.ok() && *five == 5);
  moirai::distributed::TaskSpec spec;
  spec.priority = moirai::core::Priority::kHigh;
  spec.timeout = absl::Seconds(1);
  auto g = cluster->Spawn<&Add>(20, 22, spec);
  absl::StatusOr<int> v = std::move(g).Get();
  EXPECT(v.ok() && *v == 42);
  return 0;
}
