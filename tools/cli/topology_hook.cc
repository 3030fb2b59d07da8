// Copyright 2026 The Moirai Authors.
//
// tools/cli/topology_hook.cc
// -----------------------------------------------------------------------------
//
// TopologyText(): the NUMA section of `moirai info`. This is the only file of
// the CLI that will depend on the numa package; until `//numa:topology` is
// available it says so instead of guessing at the topology.

#include <string>

#include "moirai/tools/cli/info.h"

namespace moirai::cli {

std::string TopologyText() {
  return "topology: not available yet (//numa:topology has not landed; once "
         "it has, this prints moirai::numa::Topology::Detect().ToString())\n";
}

}  // namespace moirai::cli
