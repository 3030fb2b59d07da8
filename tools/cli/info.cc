// Copyright 2026 The Moirai Authors.
//
// tools/cli/info.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/info.h"

#include <sched.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "moirai/core/version.h"

namespace moirai::cli {
namespace {

// The number of CPUs in this process's affinity mask (what `taskset` or a
// container's cpuset allows), or 0 if it cannot be read.
int AffinityCpuCount() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
  return CPU_COUNT(&set);
}

std::string BuildMode() {
#if defined(NDEBUG) && defined(__OPTIMIZE__)
  return "opt (optimized, NDEBUG)";
#elif defined(__OPTIMIZE__)
  return "optimized, assertions on";
#else
  return "unoptimized (fastbuild/dbg), assertions on";
#endif
}

std::string Compiler() {
#if defined(__clang__)
  return absl::StrCat("clang ", __clang_version__);
#elif defined(__GNUC__)
  return absl::StrCat("gcc ", __VERSION__);
#else
  return __VERSION__;
#endif
}

}  // namespace

nlohmann::json MachineInfoJson() {
  nlohmann::json info;
  info["moirai_version"] = MOIRAI_VERSION;
  info["compiler"] = Compiler();
  info["cplusplus"] = static_cast<long>(__cplusplus);
  info["build_mode"] = BuildMode();
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0) info["hostname"] = host;
  utsname uts;
  if (uname(&uts) == 0) {
    info["kernel"] =
        absl::StrCat(uts.sysname, " ", uts.release, " ", uts.machine);
  }
  info["hardware_concurrency"] = std::thread::hardware_concurrency();
  info["affinity_cpus"] = AffinityCpuCount();
  double load[3];
  if (getloadavg(load, 3) == 3) {
    info["load_avg"] = {load[0], load[1], load[2]};
  }
  return info;
}

std::string InfoText() {
  const nlohmann::json info = MachineInfoJson();
  std::string out;
  absl::StrAppend(&out, "moirai ", MOIRAI_VERSION, "\n");
  auto line = [&](const char* label, const nlohmann::json& v) {
    std::string text = v.is_string() ? v.get<std::string>() : v.dump();
    absl::StrAppend(&out, absl::StrFormat("  %-22s %s\n", label, text));
  };
  line("compiler", info["compiler"]);
  line("C++ standard", info["cplusplus"]);
  line("build mode", info["build_mode"]);
  if (info.contains("hostname")) line("host", info["hostname"]);
  if (info.contains("kernel")) line("kernel", info["kernel"]);
  line("hardware threads", info["hardware_concurrency"]);
  line("CPUs in affinity mask", info["affinity_cpus"]);
  if (info.contains("load_avg")) {
    const auto& l = info["load_avg"];
    line("load average",
         absl::StrFormat("%.2f %.2f %.2f", l[0].get<double>(),
                         l[1].get<double>(), l[2].get<double>()));
  }
  absl::StrAppend(&out, "\n", TopologyText());
  return out;
}

}  // namespace moirai::cli
