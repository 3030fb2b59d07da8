// Copyright 2026 The Moirai Authors.
//
// tools/cli/bench_options.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/bench_options.h"

#include <regex.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace moirai::cli {
namespace {

bool ValidPackageName(absl::string_view name) {
  if (name.empty() || !std::islower(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

absl::Status CheckRegex(const std::string& pattern) {
  regex_t re;
  const int rc = regcomp(&re, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char msg[256];
    regerror(rc, &re, msg, sizeof(msg));
    return absl::InvalidArgumentError(absl::StrCat(
        "--filter: invalid regular expression \"", pattern, "\": ", msg));
  }
  regfree(&re);
  return absl::OkStatus();
}

}  // namespace

const std::vector<std::string>& KnownPackages() {
  static const auto* const kPackages = new std::vector<std::string>{
      "core",  "sync",  "memory", "lockfree",   "numa",
      "sched", "async", "rt",     "distributed"};
  return *kPackages;
}

const char kBenchUsage[] =
    "usage: moirai bench [options]\n"
    "\n"
    "Builds and runs every package's //<pkg>:<pkg>_benchmark (-c opt), pairs\n"
    "results named <case>/<impl> and prints the ratio Moirai/peer per case\n"
    "(median time; lower = Moirai faster). Writes bench-report.json and\n"
    "bench-report.html.\n"
    "\n"
    "options:\n"
    "  --packages=a,b     only these packages (default: all that exist:\n"
    "                     core,sync,memory,lockfree,numa,sched,async,rt,\n"
    "                     distributed)\n"
    "  --repetitions=N    repetitions per benchmark, median reported "
    "(default 5)\n"
    "  --filter=REGEX     only benchmarks matching REGEX (--benchmark_filter)\n"
    "  --out=DIR          where to write the reports (default: workspace "
    "root)\n"
    "  --no-build         run the binaries already built with --config=opt\n"
    "  --time=real|cpu    compare wall-clock (default) or main-thread CPU "
    "time\n"
    "  --help             this text\n";

nlohmann::json BenchOptions::ToJson() const {
  return {{"packages", packages}, {"repetitions", repetitions},
          {"filter", filter},     {"out_dir", out_dir},
          {"build", build},       {"time", std::string(TimeKindName(time))}};
}

absl::StatusOr<BenchOptions> ParseBenchOptions(
    const std::vector<std::string>& args) {
  BenchOptions opts;
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    const std::string key = arg.substr(0, eq);
    const bool has_value = eq != std::string::npos;
    const std::string value = has_value ? arg.substr(eq + 1) : "";
    auto need_value = [&]() -> absl::Status {
      if (!has_value || value.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(key, " needs a value: ", key, "=..."));
      }
      return absl::OkStatus();
    };
    if (key == "--help" || key == "-h") {
      opts.help = true;
    } else if (key == "--packages") {
      if (auto s = need_value(); !s.ok()) return s;
      opts.packages.clear();
      for (absl::string_view p : absl::StrSplit(value, ',')) {
        if (!ValidPackageName(p)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "--packages: \"", p,
              "\" is not a package name (lower case letters, digits, _)"));
        }
        if (std::find(opts.packages.begin(), opts.packages.end(), p) !=
            opts.packages.end()) {
          return absl::InvalidArgumentError(
              absl::StrCat("--packages: \"", p, "\" is named twice"));
        }
        opts.packages.emplace_back(p);
      }
    } else if (key == "--repetitions") {
      if (auto s = need_value(); !s.ok()) return s;
      int n = 0;
      if (!absl::SimpleAtoi(value, &n) || n < 1 || n > 1000) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--repetitions: \"", value, "\" is not an integer in [1, 1000]"));
      }
      opts.repetitions = n;
    } else if (key == "--filter") {
      if (auto s = need_value(); !s.ok()) return s;
      if (auto s = CheckRegex(value); !s.ok()) return s;
      opts.filter = value;
    } else if (key == "--out") {
      if (auto s = need_value(); !s.ok()) return s;
      opts.out_dir = value;
    } else if (key == "--no-build") {
      if (has_value) {
        return absl::InvalidArgumentError("--no-build takes no value");
      }
      opts.build = false;
    } else if (key == "--time") {
      if (value == "real") {
        opts.time = TimeKind::kReal;
      } else if (value == "cpu") {
        opts.time = TimeKind::kCpu;
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("--time: \"", value, "\" is not one of real, cpu"));
      }
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option \"", arg, "\""));
    }
  }
  return opts;
}

}  // namespace moirai::cli
