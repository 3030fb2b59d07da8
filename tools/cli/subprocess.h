// Copyright 2026 The Moirai Authors.
//
// tools/cli/subprocess.h
// -----------------------------------------------------------------------------
//
// This header defines `RunCommand()`, which runs a program to completion and
// captures its output, calling back periodically so that `moirai bench` can
// show progress while a build or a benchmark binary runs.

#ifndef MOIRAI_TOOLS_CLI_SUBPROCESS_H_
#define MOIRAI_TOOLS_CLI_SUBPROCESS_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace moirai::cli {

// CommandResult
struct CommandResult {
  int exit_code = 0;  // valid when !signaled
  bool signaled = false;
  int signal = 0;   // valid when signaled
  std::string out;  // everything written to stdout
  std::string err;  // everything written to stderr

  bool ok() const { return !signaled && exit_code == 0; }
  // Describe()
  //
  // "exited with status 3", "was killed by signal 11 (Segmentation fault)".
  std::string Describe() const;
};

// RunCommand()
//
// Runs `argv` (argv[0] looked up in PATH) in directory `cwd` with stdin from
// /dev/null, and waits for it. `on_tick(out_so_far)` is called about every
// 200 ms while it runs and once at the end. Returns an error only when the
// program could not be started (no such program, no such directory); a
// program that fails is a CommandResult with a non-zero status.
absl::StatusOr<CommandResult> RunCommand(
    const std::vector<std::string>& argv, const std::string& cwd,
    absl::FunctionRef<void(absl::string_view)> on_tick);

// TailLines()
//
// The last `n` lines of `text`, dropping lines that contain `skip` (when not
// empty), for showing the end of a failed command's output.
std::string TailLines(absl::string_view text, int n, absl::string_view skip);

}  // namespace moirai::cli

#endif  // MOIRAI_TOOLS_CLI_SUBPROCESS_H_
