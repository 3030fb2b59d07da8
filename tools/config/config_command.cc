// Copyright 2026 The Moirai Authors.

#include "moirai/tools/config/config_command.h"

#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "moirai/tools/config/config.h"

namespace moirai::config {

const char kConfigUsage[] =
    "usage: moirai config check FILE    check a TOML configuration file\n"
    "       moirai config show [FILE]   effective values and their sources\n"
    "\n"
    "Precedence: code > MOIRAI_* environment > file > defaults.\n";

namespace {

std::string ResolvePath(const std::string& path) {
  const char* wd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (std::filesystem::path(path).is_relative() && wd != nullptr && *wd) {
    return (std::filesystem::path(wd) / path).string();
  }
  return path;
}

absl::Status LoadEnv(Config& c, const std::vector<std::string>* environment) {
  return environment != nullptr ? c.LoadEnvironment(*environment)
                                : c.LoadEnvironment();
}

}  // namespace

int RunConfigCommand(const std::vector<std::string>& args, std::ostream& out,
                     std::ostream& err,
                     const std::vector<std::string>* environment) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub == "help" || sub == "--help" || sub == "-h") {
    out << kConfigUsage;
    return 0;
  }
  const bool check = sub == "check" && args.size() == 2;
  const bool show = sub == "show" && args.size() <= 2;
  if (!check && !show) {
    err << kConfigUsage;
    return 2;
  }
  Config config;
  if (args.size() == 2) {
    if (absl::Status s = config.LoadFile(ResolvePath(args[1])); !s.ok()) {
      err << "moirai config: " << s.message() << "\n";
      return 1;
    }
  }
  if (absl::Status s = LoadEnv(config, environment); !s.ok()) {
    err << "moirai config: " << s.message() << "\n";
    return 1;
  }
  for (const std::string& name : config.IgnoredEnvironment()) {
    err << "moirai config: warning: " << name
        << " is ignored (no table of that name; known: " << config.TableList()
        << ")\n";
  }
  if (check) {
    int from_file = 0;
    for (const Setting& s : config.Effective()) {
      if (s.source == Source::kFile) ++from_file;
    }
    out << args[1] << ": ok (" << from_file << " of "
        << config.Effective().size() << " keys set by the file)\n";
    return 0;
  }
  for (const Setting& s : config.Effective()) {
    out << absl::StrFormat("%-38s = %-16s  (%s%s%s)\n", s.key, s.value,
                           SourceName(s.source), s.origin.empty() ? "" : ": ",
                           s.origin);
  }
  return 0;
}

}  // namespace moirai::config
