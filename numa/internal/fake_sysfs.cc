// Copyright 2026 The Moirai Authors.
//
// numa/internal/fake_sysfs.cc
// -----------------------------------------------------------------------------

#include "moirai/numa/internal/fake_sysfs.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "moirai/numa/topology.h"

namespace moirai::numa::internal {

int FakeDistance(int a, int b) {
  if (a == b) return 10;
  if ((a ^ 1) == b) return 16;
  return 32;
}

FakeSysfs::FakeSysfs(std::string root) : root_(std::move(root)) {}

FakeSysfs::~FakeSysfs() {
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
}

void FakeSysfs::Write(const std::string& relative_path,
                      const std::string& text) {
  const std::filesystem::path p = std::filesystem::path(root_) / relative_path;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::trunc);
  out << text;
  if (!out) {
    std::fprintf(stderr, "FakeSysfs: cannot write %s\n", p.c_str());
    std::abort();
  }
}

void FakeSysfs::Build(const FakeMachineSpec& spec) {
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
  const int total_cores = spec.nodes * spec.cores_per_node;
  const int total_cpus = total_cores * spec.threads_per_core;
  const int nodes_per_package =
      std::max(1, spec.nodes / std::max(1, spec.packages));
  Write("devices/system/cpu/online", absl::StrCat("0-", total_cpus - 1, "\n"));
  std::vector<std::vector<int>> node_cpus(spec.nodes);
  for (int cpu = 0; cpu < total_cpus; ++cpu) {
    const int core = cpu % total_cores;
    const int node = core / spec.cores_per_node;
    const int package = node / nodes_per_package;
    node_cpus[node].push_back(cpu);
    std::vector<int> siblings;
    for (int t = 0; t < spec.threads_per_core; ++t) {
      siblings.push_back(core + t * total_cores);
    }
    std::vector<int> node_all;
    for (int c = node * spec.cores_per_node;
         c < (node + 1) * spec.cores_per_node; ++c) {
      for (int t = 0; t < spec.threads_per_core; ++t) {
        node_all.push_back(c + t * total_cores);
      }
    }
    std::sort(node_all.begin(), node_all.end());
    const std::string d = absl::StrCat("devices/system/cpu/cpu", cpu);
    Write(d + "/topology/core_id",
          absl::StrCat(core % (spec.cores_per_node * nodes_per_package), "\n"));
    Write(d + "/topology/physical_package_id", absl::StrCat(package, "\n"));
    struct Cache {
      int level;
      const char* type;
      const char* size;
      bool per_node;
    };
    const Cache caches[] = {{1, "Data", "48K", false},
                            {1, "Instruction", "32K", false},
                            {2, "Unified", "2048K", false},
                            {3, "Unified", "32768K", true}};
    for (int i = 0; i < 4; ++i) {
      const std::string cd = absl::StrCat(d, "/cache/index", i);
      Write(cd + "/level", absl::StrCat(caches[i].level, "\n"));
      Write(cd + "/type", absl::StrCat(caches[i].type, "\n"));
      Write(cd + "/size", absl::StrCat(caches[i].size, "\n"));
      Write(cd + "/coherency_line_size", "64\n");
      Write(cd + "/shared_cpu_list",
            FormatCpuList(caches[i].per_node ? node_all : siblings) + "\n");
    }
  }
  if (!spec.with_node_dir) return;
  Write("devices/system/node/online",
        absl::StrCat(spec.nodes == 1 ? "0" : absl::StrCat("0-", spec.nodes - 1),
                     "\n"));
  for (int n = 0; n < spec.nodes; ++n) {
    const std::string nd = absl::StrCat("devices/system/node/node", n);
    std::sort(node_cpus[n].begin(), node_cpus[n].end());
    Write(nd + "/cpulist", FormatCpuList(node_cpus[n]) + "\n");
    std::vector<int> row;
    for (int m = 0; m < spec.nodes; ++m) row.push_back(FakeDistance(n, m));
    Write(nd + "/distance", absl::StrJoin(row, " ") + "\n");
  }
}

}  // namespace moirai::numa::internal
