// Copyright 2026 The Moirai Authors.
//
// tools/cli/info.h
// -----------------------------------------------------------------------------
//
// This header defines what `moirai info` prints, and the machine description
// each benchmark report records.

#ifndef MOIRAI_TOOLS_CLI_INFO_H_
#define MOIRAI_TOOLS_CLI_INFO_H_

#include <string>

#include "nlohmann/json.hpp"

namespace moirai::cli {

// MachineInfoJson()
//
// Version, compiler, build mode, host, kernel, CPU counts (hardware threads
// and the CPUs this process may run on) and load average, as a JSON object.
nlohmann::json MachineInfoJson();

// InfoText()
//
// The text of `moirai info`: MachineInfoJson() in readable form followed by
// the NUMA topology (TopologyText()).
std::string InfoText();

// TopologyText()
//
// The machine's NUMA topology for `moirai info`
// (`moirai::numa::Topology::Detect().ToString()`, or why it could not be
// read). Defined in topology_hook.cc, the one place that depends on the numa
// package.
std::string TopologyText();

}  // namespace moirai::cli

#endif  // MOIRAI_TOOLS_CLI_INFO_H_
