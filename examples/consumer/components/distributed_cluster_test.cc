// @moirai//distributed:cluster alone.
#include "expect.h"
#include "moirai/distributed/cluster.h"

int Twice(int x) { return 2 * x; }

int main() {
  moirai::distributed::ClusterOptions options;
  options.force_codec_round_trip = true;
  auto cluster = moirai::distributed::Cluster::Embedded(2, options).value();
  EXPECT(cluster->Register<&Twice>("twice").ok());
  absl::StatusOr<int> v = cluster->Spawn<&Twice>(21).Get();
  EXPECT(v.ok() && *v == 42);
  EXPECT(cluster->MarkDead("node-0").ok());
  v = cluster->Spawn<&Twice>(4).Get();  // node-1 takes it
  EXPECT(v.ok() && *v == 8);
  return 0;
}
