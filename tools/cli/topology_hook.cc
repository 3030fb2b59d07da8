// Copyright 2026 The Moirai Authors.
//
// tools/cli/topology_hook.cc
// -----------------------------------------------------------------------------
//
// TopologyText(): the NUMA section of `moirai info`, the only file of the CLI
// that depends on the numa package (`//numa:topology`).

#include <string>

#include "absl/strings/str_cat.h"
#include "moirai/numa/topology.h"
#include "moirai/tools/cli/info.h"

namespace moirai::cli {

std::string TopologyText() {
  absl::StatusOr<numa::Topology> topology = numa::Topology::Detect();
  if (!topology.ok()) {
    // Say why detection failed rather than print a made-up topology.
    return absl::StrCat("topology: cannot read it from /sys: ",
                        topology.status().ToString(), "\n");
  }
  std::string text = topology->ToString();  // it names its source itself
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

}  // namespace moirai::cli
