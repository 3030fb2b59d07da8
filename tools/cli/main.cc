// Copyright 2026 The Moirai Authors.
//
// tools/cli/main.cc
// -----------------------------------------------------------------------------
//
// The `moirai` program: `moirai bench`, `moirai info`, `moirai config`,
// `moirai help`. Run it through the `moirai` script at the repository root
// (`./moirai bench`), which does
// `bazel run --config=opt //tools/cli:moirai -- <args>`.

#include <iostream>
#include <string>
#include <vector>

#include "moirai/core/version.h"
#include "moirai/tools/cli/bench_command.h"
#include "moirai/tools/cli/bench_options.h"
#include "moirai/tools/cli/info.h"
#include "moirai/tools/config/config_command.h"

namespace {

constexpr char kUsage[] =
    "usage: moirai <command> [options]\n"
    "\n"
    "commands:\n"
    "  bench [options]   build and run every package's benchmarks against\n"
    "                    their peers; print the ratio table and write\n"
    "                    bench-report.{json,html} (moirai bench --help)\n"
    "  test [options]    run the test suite in every build configuration\n"
    "                    (handled by the ./moirai script: tools/run_tests.sh)\n"
    "  report FILE.json  print the table of a saved bench-report.json and\n"
    "                    write the HTML page next to it (FILE.html)\n"
    "  info              version, compiler, CPUs and NUMA topology\n"
    "  config check FILE check a TOML configuration file (and the\n"
    "                    MOIRAI_SCHEDULER_* environment)\n"
    "  config show [FILE] effective configuration and where each value\n"
    "                    came from\n"
    "  version           the version (also --version)\n"
    "  help              this text\n";

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::string command = args.empty() ? "help" : args[0];
  const std::vector<std::string> rest(
      args.empty() ? args.end() : args.begin() + 1, args.end());
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "version" || command == "--version") {
    std::cout << "moirai " << MOIRAI_VERSION << "\n";
    return 0;
  }
  if (command == "info") {
    if (!rest.empty()) {
      std::cerr << "moirai info: takes no arguments\n";
      return 2;
    }
    std::cout << moirai::cli::InfoText();
    return 0;
  }
  if (command == "config") {
    return moirai::config::RunConfigCommand(rest, std::cout, std::cerr);
  }
  if (command == "bench") {
    absl::StatusOr<moirai::cli::BenchOptions> opts =
        moirai::cli::ParseBenchOptions(rest);
    if (!opts.ok()) {
      std::cerr << "moirai bench: " << opts.status() << "\n\n"
                << moirai::cli::kBenchUsage;
      return 2;
    }
    if (opts->help) {
      std::cout << moirai::cli::kBenchUsage;
      return 0;
    }
    return moirai::cli::RunBench(*opts);
  }
  if (command == "report") {
    if (rest.size() != 1 || rest[0].empty() || rest[0][0] == '-') {
      std::cerr << "usage: moirai report <bench-report.json>\n";
      return 2;
    }
    return moirai::cli::RerenderReport(rest[0]);
  }
  if (command == "test") {
    std::cerr
        << "moirai test is run by the ./moirai script (tools/run_tests.sh), "
           "not by this binary\n";
    return 2;
  }
  std::cerr << "moirai: unknown command \"" << command << "\"\n\n" << kUsage;
  return 2;
}
