// Copyright 2026 The Moirai Authors.
//
// tools/cli/bench_command.h
// -----------------------------------------------------------------------------
//
// This header defines `RunBench()`, the `moirai bench` command: find each
// package's `//<pkg>:<pkg>_benchmark`, build it with `--config=opt`, run it,
// pair the results and write the reports.
//
// Bazel is called from inside `bazel run`: Bazel 4 releases its server lock
// before the client executes the binary, so nested `bazel query/build/info`
// from the workspace directory (BUILD_WORKSPACE_DIRECTORY) work; they only
// wait, like any client, while another Bazel command is running.

#ifndef MOIRAI_TOOLS_CLI_BENCH_COMMAND_H_
#define MOIRAI_TOOLS_CLI_BENCH_COMMAND_H_

#include <string>

#include "moirai/tools/cli/bench_options.h"

namespace moirai::cli {

// RunBench()
//
// Runs the command; returns the process exit status: 0 when every binary ran
// and every benchmark reported a time, 1 when something failed (reported,
// the rest still ran), 2 for a bad setup (no workspace, no such package).
int RunBench(const BenchOptions& options);

// RerenderReport()
//
// `moirai report FILE.json`: reads a saved report, pairs its raw results and
// checks the goals again (with this version's rules), prints the table and
// writes the HTML page beside it (FILE with .html). Returns 0, or 1 with a
// message on stderr when the file cannot be read or is not a report.
int RerenderReport(const std::string& json_path);

}  // namespace moirai::cli

#endif  // MOIRAI_TOOLS_CLI_BENCH_COMMAND_H_
