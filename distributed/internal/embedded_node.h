// Copyright 2026 The Moirai Authors.
//
// distributed/internal/embedded_node.h
// -----------------------------------------------------------------------------
//
// The cluster's private state: one record per task and one node per
// embedded node. Every field marked "mu_" is guarded by the owning
// Cluster's mu_ (it cannot be annotated across objects).

#ifndef MOIRAI_DISTRIBUTED_INTERNAL_EMBEDDED_NODE_H_
#define MOIRAI_DISTRIBUTED_INTERNAL_EMBEDDED_NODE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "moirai/core/cancellation.h"
#include "moirai/core/mono_time.h"
#include "moirai/distributed/admission.h"
#include "moirai/distributed/envelope.h"
#include "moirai/distributed/function_registry.h"
#include "moirai/distributed/internal/call.h"
#include "moirai/distributed/lifecycle.h"
#include "moirai/distributed/task_spec.h"
#include "moirai/sched/scheduler.h"

namespace moirai::distributed::internal {

struct TaskRecord {
  explicit TaskRecord(std::unique_ptr<Call> c) : call(std::move(c)) {}

  // Set by Launch before the record is shared, then read-only.
  std::unique_ptr<Call> call;
  Envelope envelope;  // task ref, function, signature, priority, key, trace
  std::string role;
  int local_node = -1;  // the submitting node (placement's "local")
  core::MonoTime deadline = core::MonoTime::Infinite();
  bool may_retry = false;
  RetryPolicy retry;
  PlacementHints hints;
  // The token F sees (never cancelled unless someone can cancel) and its
  // source, which exists only then.
  core::CancellationToken token;
  std::optional<core::CancellationSource> cancel;
  core::CancellationRegistration user_cancel;
  core::CancellationRegistration self_cancel;

  // mu_:
  TaskLifecycle lifecycle;
  std::uint64_t seq = 0;  // bumped at every delivery; stale runs compare it
  int node = -1;          // index of the node holding it now
  absl::flat_hash_set<std::string> refused;  // nodes that refused or died
  int hops = 0;
  std::string last_refusal;  // why the last node gave it back, for errors
  bool done = false;         // its promise is (being) completed
};

struct CacheEntry {
  bool done = false;
  absl::Status status;
  std::shared_ptr<void> value;
  bool encoded = false;
  // Duplicates that arrived while the first was running.
  std::vector<std::shared_ptr<TaskRecord>> waiters;
};

struct EmbeddedNode {
  NodeInfo info;                                // fixed
  int index = 0;                                // fixed
  std::unique_ptr<FunctionRegistry> registry;   // fixed pointer
  std::unique_ptr<sched::Scheduler> scheduler;  // fixed pointer

  // mu_:
  bool alive = true;
  AdmissionQueue admission = *AdmissionQueue::Create(1);
  std::uint32_t running = 0;
  // Tasks placed, queued or running here, by task id.
  absl::flat_hash_map<std::uint64_t, std::shared_ptr<TaskRecord>> tasks;
  // (function, idempotency key) -> result; done_order bounds it.
  absl::flat_hash_map<std::string, CacheEntry> cache;
  std::deque<std::string> done_order;
};

// A promise to complete once the cluster's lock is released.
struct Completion {
  std::shared_ptr<TaskRecord> record;
  absl::Status status;
  std::shared_ptr<void> value;
  bool encoded = false;
};

// Unavailable with the "lost" payload naming `node` (LostNode reads it).
absl::Status MakeLostStatus(absl::string_view message, absl::string_view node);

// The remote task running on this thread, if any (for nested spawns).
struct CurrentRemote {
  const void* cluster = nullptr;
  TaskRecord* record = nullptr;
  int node = -1;
};
const CurrentRemote* GetCurrentRemote() noexcept;

class CurrentRemoteScope {
 public:
  explicit CurrentRemoteScope(CurrentRemote now) noexcept;
  ~CurrentRemoteScope();
  CurrentRemoteScope(const CurrentRemoteScope&) = delete;
  CurrentRemoteScope& operator=(const CurrentRemoteScope&) = delete;

 private:
  CurrentRemote now_;
  const CurrentRemote* previous_;
};

}  // namespace moirai::distributed::internal

#endif  // MOIRAI_DISTRIBUTED_INTERNAL_EMBEDDED_NODE_H_
