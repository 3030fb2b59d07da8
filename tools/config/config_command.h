// Copyright 2026 The Moirai Authors.
//
// tools/config/config_command.h
// -----------------------------------------------------------------------------
//
// `moirai config`:
//
//   moirai config check FILE   load FILE and the MOIRAI_* environment for
//                              every table (config.h); print "ok" or the
//                              first error
//   moirai config show [FILE]  every key of every table, its effective value
//                              and where it came from (default, file,
//                              environment)
//
// Both warn on stderr about each MOIRAI_* variable that names no table.
//
// Exit codes: 0 ok, 1 a bad file or variable, 2 a usage error. A relative
// FILE is relative to where `./moirai` was run (BUILD_WORKING_DIRECTORY).

#ifndef MOIRAI_TOOLS_CONFIG_CONFIG_COMMAND_H_
#define MOIRAI_TOOLS_CONFIG_CONFIG_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

namespace moirai::config {

extern const char kConfigUsage[];

// RunConfigCommand()
//
// Runs `moirai config <args>`, writing to `out` and `err`. `environment`
// (NAME=VALUE strings) stands in for the process environment when given.
int RunConfigCommand(const std::vector<std::string>& args, std::ostream& out,
                     std::ostream& err,
                     const std::vector<std::string>* environment = nullptr);

}  // namespace moirai::config

#endif  // MOIRAI_TOOLS_CONFIG_CONFIG_COMMAND_H_
