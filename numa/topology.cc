// Copyright 2026 The Moirai Authors.
//
// numa/topology.cc
// -----------------------------------------------------------------------------

#include "moirai/numa/topology.h"

#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace moirai::numa {
namespace {

constexpr int kMaxId = 1 << 20;

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// Entries "<prefix><number>" of a directory, as numbers, ascending.
std::vector<int> NumberedEntries(const std::string& dir,
                                 const std::string& prefix) {
  std::vector<int> ids;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return ids;
  while (dirent* e = readdir(d)) {
    absl::string_view name(e->d_name);
    if (!absl::ConsumePrefix(&name, prefix)) continue;
    int id;
    if (!name.empty() && absl::ascii_isdigit(name[0]) &&
        absl::SimpleAtoi(name, &id)) {
      ids.push_back(id);
    }
  }
  closedir(d);
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::StatusOr<int> ReadInt(const std::string& path) {
  std::string text;
  if (!ReadFile(path, &text)) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  int v;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("not an integer in ", path, ": \"", text, "\""));
  }
  return v;
}

absl::StatusOr<std::vector<int>> ReadList(const std::string& path) {
  std::string text;
  if (!ReadFile(path, &text)) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  auto list = ParseCpuList(text);
  if (!list.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", list.status().message()));
  }
  return list;
}

// "32K", "1024K", "8M", "12345" -> bytes.
bool ParseSize(absl::string_view s, std::size_t* out) {
  s = absl::StripAsciiWhitespace(s);
  std::size_t mult = 1;
  if (!s.empty() && (s.back() == 'K' || s.back() == 'M' || s.back() == 'G')) {
    mult = s.back() == 'K'   ? 1024
           : s.back() == 'M' ? 1024 * 1024
                             : 1024 * 1024 * 1024;
    s.remove_suffix(1);
  }
  std::uint64_t v;
  if (!absl::SimpleAtoi(s, &v)) return false;
  *out = static_cast<std::size_t>(v) * mult;
  return true;
}

std::string HumanBytes(std::size_t n) {
  if (n >= (1u << 20) && n % (1u << 20) == 0) {
    return absl::StrCat(n >> 20, " MiB");
  }
  if (n >= 1024 && n % 1024 == 0) return absl::StrCat(n >> 10, " KiB");
  return absl::StrCat(n, " B");
}

}  // namespace

absl::StatusOr<std::vector<int>> ParseCpuList(const std::string& text) {
  std::vector<int> out;
  absl::string_view s = absl::StripAsciiWhitespace(text);
  if (s.empty()) return out;
  // Ranges are merged before they are expanded, so the result (and the
  // memory used) is bounded by kMaxId + 1 ids however often a file repeats
  // a large range: "0-1048576,0-1048576,..." (400 copies fit libFuzzer's
  // default 4 KiB input) once expanded to 400M ids, gigabytes, before the
  // dedup.
  std::vector<std::pair<int, int>> ranges;
  for (absl::string_view part : absl::StrSplit(s, ',')) {
    std::pair<absl::string_view, absl::string_view> range =
        absl::StrSplit(part, absl::MaxSplits('-', 1));
    int lo, hi;
    if (!absl::SimpleAtoi(range.first, &lo) || lo < 0 || lo > kMaxId) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed cpu list \"", s, "\""));
    }
    hi = lo;
    if (!range.second.empty() || part.find('-') != absl::string_view::npos) {
      if (!absl::SimpleAtoi(range.second, &hi) || hi < lo || hi > kMaxId) {
        return absl::InvalidArgumentError(
            absl::StrCat("malformed cpu list \"", s, "\""));
      }
    }
    ranges.emplace_back(lo, hi);
  }
  std::sort(ranges.begin(), ranges.end());
  int next = 0;  // every id below `next` is already in `out`
  for (const std::pair<int, int>& r : ranges) {
    for (int i = std::max(r.first, next); i <= r.second; ++i) out.push_back(i);
    next = std::max(next, r.second + 1);
  }
  return out;
}

std::string FormatCpuList(const std::vector<int>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (!out.empty()) out += ",";
    if (j == i) {
      absl::StrAppend(&out, ids[i]);
    } else {
      absl::StrAppend(&out, ids[i], "-", ids[j]);
    }
    i = j + 1;
  }
  return out;
}

absl::StatusOr<Topology> Topology::Detect(const std::string& sysfs_root) {
  const std::string cpu_dir = sysfs_root + "/devices/system/cpu";
  const std::string node_dir = sysfs_root + "/devices/system/node";
  if (!Exists(cpu_dir)) {
    return absl::NotFoundError(absl::StrCat("no CPU directory ", cpu_dir));
  }
  Topology t;
  t.source_ = sysfs_root;

  // Online CPUs.
  std::vector<int> online;
  if (Exists(cpu_dir + "/online")) {
    auto list = ReadList(cpu_dir + "/online");
    if (!list.ok()) return list.status();
    online = *std::move(list);
  } else {
    online = NumberedEntries(cpu_dir, "cpu");
  }
  if (online.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no online CPUs under ", cpu_dir));
  }

  // Packages and cores.
  std::map<std::pair<int, int>, int> core_index;  // (package, core_id)
  std::set<int> packages;
  for (int cpu : online) {
    const std::string topo = absl::StrCat(cpu_dir, "/cpu", cpu, "/topology");
    CpuInfo info;
    info.cpu = cpu;
    int core_id = cpu;
    int package = 0;
    if (Exists(topo)) {
      auto c = ReadInt(topo + "/core_id");
      auto p = ReadInt(topo + "/physical_package_id");
      if (!c.ok()) return c.status();
      if (!p.ok()) return p.status();
      core_id = *c;
      package = std::max(0, *p);  // some VMs report -1
    }
    info.package = package;
    packages.insert(package);
    auto [it, inserted] = core_index.emplace(
        std::make_pair(package, core_id), static_cast<int>(core_index.size()));
    (void)inserted;
    info.core = it->second;
    info.node = -1;
    t.cpus_.push_back(info);
  }
  t.num_packages_ = static_cast<int>(packages.size());
  t.num_cores_ = static_cast<int>(core_index.size());

  // Nodes and distances.
  std::vector<int> nodes = NumberedEntries(node_dir, "node");
  if (nodes.empty()) {
    t.numa_info_ = false;
    t.node_ids_ = {0};
    t.distances_ = {{10}};
    for (CpuInfo& c : t.cpus_) c.node = 0;
  } else {
    // The kernel prints distances in the order of the online nodes.
    if (Exists(node_dir + "/online")) {
      auto list = ReadList(node_dir + "/online");
      if (!list.ok()) return list.status();
      std::vector<int> on = *std::move(list);
      std::vector<int> kept;
      for (int n : nodes) {
        if (std::binary_search(on.begin(), on.end(), n)) kept.push_back(n);
      }
      nodes = kept;
    }
    t.node_ids_ = nodes;
    for (int n : nodes) {
      const std::string nd = absl::StrCat(node_dir, "/node", n);
      auto cpus = ReadList(nd + "/cpulist");
      if (!cpus.ok()) return cpus.status();
      for (int cpu : *cpus) {
        for (CpuInfo& c : t.cpus_) {
          if (c.cpu == cpu) c.node = n;
        }
      }
      std::string text;
      std::vector<int> row;
      if (ReadFile(nd + "/distance", &text)) {
        for (absl::string_view f : absl::StrSplit(
                 absl::StripAsciiWhitespace(text), ' ', absl::SkipEmpty())) {
          int d;
          if (!absl::SimpleAtoi(f, &d) || d <= 0) {
            return absl::InvalidArgumentError(
                absl::StrCat(nd, "/distance: malformed \"", text, "\""));
          }
          row.push_back(d);
        }
        if (row.size() != nodes.size()) {
          return absl::InvalidArgumentError(
              absl::StrFormat("%s/distance: %d entries for %d nodes", nd,
                              row.size(), nodes.size()));
        }
      } else {
        // No distance file: local 10, remote 20 (the kernel's defaults).
        for (int m : nodes) row.push_back(m == n ? 10 : 20);
      }
      t.distances_.push_back(std::move(row));
    }
    for (const CpuInfo& c : t.cpus_) {
      if (c.node < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "online cpu ", c.cpu, " belongs to no node under ", node_dir));
      }
    }
  }

  // Caches: one entry per distinct (level, type, sharing set).
  std::map<std::tuple<int, std::string, std::vector<int>>, CacheInfo> caches;
  std::map<int, std::pair<int, std::vector<int>>>
      llc_of;  // cpu -> (level, set)
  for (const CpuInfo& c : t.cpus_) {
    const std::string cd = absl::StrCat(cpu_dir, "/cpu", c.cpu, "/cache");
    for (int index : NumberedEntries(cd, "index")) {
      const std::string id = absl::StrCat(cd, "/index", index);
      CacheInfo ci;
      auto level = ReadInt(id + "/level");
      if (!level.ok()) continue;  // partial cache info is not fatal
      ci.level = *level;
      std::string text;
      if (ReadFile(id + "/type", &text)) {
        ci.type = std::string(absl::StripAsciiWhitespace(text));
      }
      if (ReadFile(id + "/size", &text)) ParseSize(text, &ci.size_bytes);
      if (ReadFile(id + "/coherency_line_size", &text)) {
        ParseSize(text, &ci.line_size);
      }
      auto shared = ReadList(id + "/shared_cpu_list");
      ci.cpus = shared.ok() ? *std::move(shared) : std::vector<int>{c.cpu};
      if (ci.type != "Instruction") {
        auto& best = llc_of[c.cpu];
        if (ci.level > best.first) best = {ci.level, ci.cpus};
      }
      caches.emplace(std::make_tuple(ci.level, ci.type, ci.cpus), ci);
    }
  }
  for (auto& [key, ci] : caches) t.caches_.push_back(std::move(ci));
  std::stable_sort(t.caches_.begin(), t.caches_.end(),
                   [](const CacheInfo& a, const CacheInfo& b) {
                     return std::tie(a.level, a.cpus) <
                            std::tie(b.level, b.cpus);
                   });
  // LLC domains: CPUs whose highest cache has the same sharing set. Without
  // cache information, one domain per node.
  std::map<std::vector<int>, int> llc_ids;
  for (CpuInfo& c : t.cpus_) {
    auto it = llc_of.find(c.cpu);
    std::vector<int> key =
        it != llc_of.end() ? it->second.second : std::vector<int>{-1 - c.node};
    auto [pos, inserted] =
        llc_ids.emplace(key, static_cast<int>(llc_ids.size()));
    (void)inserted;
    c.llc = pos->second;
  }
  t.num_llcs_ = static_cast<int>(llc_ids.size());
  return t;
}

Topology Topology::DetectOrFallback(const std::string& sysfs_root) {
  auto t = Detect(sysfs_root);
  if (t.ok()) return *std::move(t);
  const unsigned hc = std::thread::hardware_concurrency();
  return Fallback(
      hc == 0 ? 1 : static_cast<int>(hc),
      absl::StrCat("topology detection failed: ", t.status().ToString()));
}

Topology Topology::Fallback(int num_cpus) {
  return Fallback(num_cpus, "fallback requested");
}

Topology Topology::Fallback(int num_cpus, std::string reason) {
  Topology t;
  t.source_ = "fallback";
  t.fallback_ = true;
  t.fallback_reason_ = std::move(reason);
  num_cpus = std::max(1, num_cpus);
  for (int i = 0; i < num_cpus; ++i) {
    t.cpus_.push_back(CpuInfo{i, i, 0, 0, 0});
  }
  t.num_packages_ = 1;
  t.num_cores_ = num_cpus;
  t.num_llcs_ = 1;
  t.node_ids_ = {0};
  t.distances_ = {{10}};
  return t;
}

int Topology::NodeIndex(int node) const {
  auto it = std::lower_bound(node_ids_.begin(), node_ids_.end(), node);
  if (it == node_ids_.end() || *it != node) return -1;
  return static_cast<int>(it - node_ids_.begin());
}

int Topology::distance(int node_a, int node_b) const {
  const int a = NodeIndex(node_a);
  const int b = NodeIndex(node_b);
  if (a < 0 || b < 0) return -1;
  return distances_[a][b];
}

std::vector<int> Topology::CpusOfNode(int node) const {
  std::vector<int> out;
  for (const CpuInfo& c : cpus_) {
    if (c.node == node) out.push_back(c.cpu);
  }
  return out;
}

int Topology::NodeOfCpu(int cpu) const {
  for (const CpuInfo& c : cpus_) {
    if (c.cpu == cpu) return c.node;
  }
  return -1;
}

std::vector<int> Topology::NodesByDistance(int node) const {
  if (NodeIndex(node) < 0) return {};
  std::vector<int> out = node_ids_;
  std::stable_sort(out.begin(), out.end(), [&](int a, int b) {
    const int da = a == node ? 0 : distance(node, a);
    const int db = b == node ? 0 : distance(node, b);
    return da < db;
  });
  return out;
}

std::string Topology::ToString() const {
  std::string out;
  if (fallback_) {
    absl::StrAppend(&out, "Topology: FALLBACK (", fallback_reason_, ")\n");
  } else {
    absl::StrAppend(&out, "Topology (from ", source_, ")\n");
  }
  absl::StrAppendFormat(
      &out,
      "  %d package%s, %d NUMA node%s, %d core%s, %d hardware thread%s, "
      "%d LLC domain%s\n",
      num_packages_, num_packages_ == 1 ? "" : "s", num_nodes(),
      num_nodes() == 1 ? "" : "s", num_cores_, num_cores_ == 1 ? "" : "s",
      num_cpus(), num_cpus() == 1 ? "" : "s", num_llcs_,
      num_llcs_ == 1 ? "" : "s");
  if (!numa_info_) {
    absl::StrAppend(&out, "  (the kernel exposes no NUMA nodes: one node)\n");
  }
  for (std::size_t i = 0; i < node_ids_.size(); ++i) {
    absl::StrAppendFormat(&out, "  node %d: cpus %s; distances %s\n",
                          node_ids_[i], FormatCpuList(CpusOfNode(node_ids_[i])),
                          absl::StrJoin(distances_[i], " "));
  }
  // Caches, grouped: "L1 Data 48 KiB x 8 (each shared by 2 cpus)".
  std::map<std::tuple<int, std::string, std::size_t, std::size_t>, int> groups;
  for (const CacheInfo& c : caches_) {
    ++groups[std::make_tuple(c.level, c.type, c.size_bytes, c.cpus.size())];
  }
  for (const auto& [key, count] : groups) {
    const auto& [level, type, size, sharing] = key;
    absl::StrAppendFormat(&out, "  L%d %s %s x %d (each shared by %d cpu%s)\n",
                          level, type, HumanBytes(size), count, sharing,
                          sharing == 1 ? "" : "s");
  }
  if (caches_.empty()) absl::StrAppend(&out, "  (no cache information)\n");
  return out;
}

int CurrentCpu() noexcept {
  unsigned cpu = 0, node = 0;
  if (syscall(SYS_getcpu, &cpu, &node, nullptr) != 0) return -1;
  return static_cast<int>(cpu);
}

int CurrentNode() noexcept {
  unsigned cpu = 0, node = 0;
  if (syscall(SYS_getcpu, &cpu, &node, nullptr) != 0) return -1;
  return static_cast<int>(node);
}

}  // namespace moirai::numa
