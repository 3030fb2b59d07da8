// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/node_info.h"

#include "absl/strings/str_cat.h"

namespace moirai::distributed {

absl::Status Validate(const NodeInfo& node) {
  if (node.id.empty()) return absl::InvalidArgumentError("NodeInfo: empty id");
  if (node.workers < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "NodeInfo ", node.id, ": workers is ", node.workers, ", must be >= 1"));
  }
  return absl::OkStatus();
}

}  // namespace moirai::distributed
