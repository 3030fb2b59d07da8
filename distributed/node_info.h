// Copyright 2026 The Moirai Authors.
//
// distributed/node_info.h
// -----------------------------------------------------------------------------
//
// This header defines `NodeInfo`, what a node tells the cluster about itself
// when it joins (id, workers, labels, resources). Its load is a
// `LoadReport` (envelope.h), published with membership and piggy-backed on
// every result.

#ifndef MOIRAI_DISTRIBUTED_NODE_INFO_H_
#define MOIRAI_DISTRIBUTED_NODE_INFO_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "moirai/distributed/envelope.h"

namespace moirai::distributed {

struct NodeInfo {
  std::string id;
  // Where peers reach it ("" for an embedded node).
  std::string address;
  int workers = 1;
  absl::flat_hash_map<std::string, std::string> labels;
  absl::flat_hash_map<std::string, double> resources;
  // The last load the node reported.
  LoadReport load;
};

// Validate(): InvalidArgument for an empty id or workers < 1.
absl::Status Validate(const NodeInfo& node);

}  // namespace moirai::distributed

#endif  // MOIRAI_DISTRIBUTED_NODE_INFO_H_
