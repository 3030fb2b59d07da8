// Copyright 2026 The Moirai Authors.
//
// Cluster: creation, registration, the submitting side of a spawn, and
// inspection. Placement, the node side and failure handling are in
// cluster_node.cc.

#include "moirai/distributed/cluster.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "moirai/core/internal/check.h"
#include "moirai/core/task_context.h"
#include "moirai/distributed/internal/embedded_node.h"

namespace moirai::distributed {
namespace internal {
namespace {
thread_local const CurrentRemote* tls_current_remote = nullptr;
}  // namespace

const CurrentRemote* GetCurrentRemote() noexcept { return tls_current_remote; }

CurrentRemoteScope::CurrentRemoteScope(CurrentRemote now) noexcept
    : now_(now), previous_(tls_current_remote) {
  tls_current_remote = &now_;
}
CurrentRemoteScope::~CurrentRemoteScope() { tls_current_remote = previous_; }

std::shared_ptr<TaskRecord> NewRecord(std::unique_ptr<Call> call) {
  return std::make_shared<TaskRecord>(std::move(call));
}

}  // namespace internal

namespace {
constexpr absl::string_view kLostPayload = "moirai.distributed/lost-node";
}  // namespace

absl::Status internal::MakeLostStatus(absl::string_view message,
                                      absl::string_view node) {
  absl::Status s = absl::UnavailableError(message);
  s.SetPayload(kLostPayload, absl::Cord(node));
  return s;
}

std::optional<std::string> LostNode(const absl::Status& status) {
  absl::optional<absl::Cord> node = status.GetPayload(kLostPayload);
  if (!node.has_value()) return std::nullopt;
  return std::string(*node);
}

absl::StatusOr<std::unique_ptr<Cluster>> Cluster::Embedded(
    int n, ClusterOptions options) {
  if (n < 1 || n > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat("Cluster::Embedded: ", n, " nodes (must be in [1, 256])"));
  }
  if (options.workers_per_node < 1 || options.admission_capacity < 1 ||
      options.result_cache_capacity < 0 || options.placement.max_hops < 0 ||
      !(options.placement.local_threshold >= 0) ||
      !(options.retry_budget_ratio >= 0)) {
    return absl::InvalidArgumentError(
        "Cluster::Embedded: need workers_per_node >= 1, admission_capacity "
        ">= 1, result_cache_capacity >= 0, max_hops >= 0, local_threshold "
        ">= 0, retry_budget_ratio >= 0");
  }
  if (!options.nodes.empty() && static_cast<int>(options.nodes.size()) != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("Cluster::Embedded: ", options.nodes.size(),
                     " node descriptions for ", n, " nodes"));
  }
  std::unique_ptr<Cluster> c(new Cluster(std::move(options)));
  if (absl::Status s = c->Start(n); !s.ok()) return s;
  return c;
}

Cluster::Cluster(ClusterOptions options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : &monotonic_),
      placer_(options_.placement, options_.seed),
      budget_(options_.retry_budget_ratio, options_.retry_budget_initial,
              std::max(options_.retry_budget_initial, 100.0)) {}

absl::Status Cluster::Start(int n) {
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < n; ++i) {
    auto node = std::make_unique<internal::EmbeddedNode>();
    node->index = i;
    if (options_.nodes.empty()) {
      node->info.id = absl::StrCat("node-", i);
      node->info.workers = options_.workers_per_node;
    } else {
      node->info = options_.nodes[i];
    }
    if (absl::Status s = Validate(node->info); !s.ok()) return s;
    if (!ids.insert(node->info.id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("Cluster::Embedded: node id ", node->info.id, " twice"));
    }
    node->registry = std::make_unique<FunctionRegistry>();
    auto sched = sched::Scheduler::Create({.num_workers = node->info.workers});
    if (!sched.ok()) return sched.status();
    node->scheduler = std::move(*sched);
    node->admission = *AdmissionQueue::Create(options_.admission_capacity);
    if (absl::Status s = membership_.Join(node->info); !s.ok()) return s;
    nodes_.push_back(std::move(node));
  }
  {
    sync::MutexLock lock(&mu_);
    for (const auto& node : nodes_) {
      view_.push_back(node->info);
      view_index_.push_back(node->index);
    }
  }
  watch_ = membership_.Watch([this](const MemberEvent& e) {
    if (e.kind == MemberEvent::Kind::kLeft) OnMemberLeft(e.node.id);
  });
  return absl::OkStatus();
}

Cluster::~Cluster() {
  watch_.Cancel();
  // Drain every node: queued tasks run (stale ones are no-ops), nested
  // spawns into a node already shut down are refused and re-placed or fail.
  for (auto& node : nodes_)
    node->scheduler->Shutdown(sched::ShutdownMode::kDrain);
}

FunctionRegistry& Cluster::registry(int i) { return *nodes_[i]->registry; }

const std::string& Cluster::node_id(int i) const {
  MOIRAI_INTERNAL_CHECK(i >= 0 && i < num_nodes(),
                        "Cluster::node_id: no such node");
  return nodes_[i]->info.id;
}

absl::Status Cluster::AddName(const void* tag, absl::string_view name,
                              bool idempotent) {
  sync::MutexLock lock(&names_mu_);
  auto [it, inserted] =
      names_.try_emplace(tag, CallerEntry{std::string(name), idempotent});
  if (!inserted && it->second.name != name) {
    return absl::AlreadyExistsError(absl::StrCat(
        "Cluster::Register: the function is already registered as ",
        it->second.name));
  }
  it->second.idempotent |= idempotent;
  return absl::OkStatus();
}

absl::StatusOr<Cluster::CallerEntry> Cluster::NameOf(const void* tag) const {
  sync::MutexLock lock(&names_mu_);
  auto it = names_.find(tag);
  if (it == names_.end()) {
    return absl::NotFoundError(
        "Cluster::Spawn: the function was never registered with this cluster "
        "(Cluster::Register)");
  }
  return it->second;
}

void Cluster::Launch(const std::shared_ptr<internal::TaskRecord>& record,
                     const TaskSpec& spec, absl::StatusOr<CallerEntry> function,
                     std::uint64_t signature) {
  auto fail = [&](absl::Status s) {
    {
      sync::MutexLock lock(&mu_);
      record->done = true;
      MOIRAI_INTERNAL_CHECK(
          record->lifecycle.Transition(TaskState::kFailed).ok(),
          "a new task cannot fail");
    }
    record->call->Complete(std::move(s), nullptr, false);
  };
  if (!function.ok()) return fail(function.status());
  if (absl::Status s = Validate(spec); !s.ok()) return fail(s);

  const internal::CurrentRemote* cur = internal::GetCurrentRemote();
  internal::TaskRecord* parent =
      (cur != nullptr && cur->cluster == this) ? cur->record : nullptr;
  const int local = parent != nullptr ? cur->node : 0;
  Envelope& env = record->envelope;
  env.task = {nodes_[local]->info.id,
              // Relaxed: a unique number; orders nothing.
              next_id_.fetch_add(1, std::memory_order_relaxed)};
  if (parent != nullptr) env.parent = parent->envelope.task;
  env.function = function->name;
  env.signature = signature;
  if (spec.priority.has_value()) {
    env.priority = *spec.priority;
  } else if (parent != nullptr) {
    env.priority = parent->envelope.priority;
  } else if (const core::TaskContext* ctx = core::TaskContext::current()) {
    env.priority = ctx->priority();
  }
  env.idempotency_key = spec.idempotency_key;
  env.trace_id = !spec.trace_id.empty() ? spec.trace_id
                 : parent != nullptr    ? parent->envelope.trace_id
                                        : std::string();
  const core::MonoTime now = clock_->Now();
  record->deadline = spec.timeout == absl::InfiniteDuration()
                         ? core::MonoTime::Infinite()
                         : now + spec.timeout;
  if (parent != nullptr)
    record->deadline = std::min(record->deadline, parent->deadline);
  env.deadline_remaining = record->deadline - now;
  record->role = std::string(parent != nullptr ? kRoleNode : kRoleClient);
  record->local_node = local;
  record->may_retry = function->idempotent || !spec.idempotency_key.empty();
  record->retry = spec.retry;
  record->hints = spec.placement;
  if (options_.force_codec_round_trip) {
    absl::StatusOr<std::string> args = record->call->EncodeArgs();
    if (!args.ok()) return fail(args.status());
    env.args = std::move(*args);
  }
  // A cancellation state only when someone can cancel: most tasks have
  // none, and skip its allocation and callback registration.
  const core::CancellationToken parent_token =
      parent != nullptr ? parent->token : core::CancellationToken();
  if (spec.cancellation.CanBeCancelled() || parent_token.CanBeCancelled()) {
    record->cancel.emplace(core::CancellationSource::ChildOf(parent_token));
    record->token = record->cancel->token();
    if (spec.cancellation.CanBeCancelled()) {
      record->user_cancel = spec.cancellation.OnCancel(
          [src = *record->cancel]() mutable { src.RequestCancellation(); });
    }
    std::weak_ptr<internal::TaskRecord> weak = record;
    record->self_cancel = record->token.OnCancel([this, weak] {
      if (std::shared_ptr<internal::TaskRecord> r = weak.lock()) OnCancelled(r);
    });
  }
  Completions finished;
  {
    sync::MutexLock lock(&mu_);
    PlaceLocked(record, &finished);
  }
  Flush(&finished);
}

void Cluster::Flush(Completions* finished) {
  for (internal::Completion& c : *finished) {
    c.record->self_cancel.Unregister();
    c.record->user_cancel.Unregister();
    c.record->call->Complete(std::move(c.status), std::move(c.value),
                             c.encoded);
  }
  finished->clear();
}

TaskInfo Cluster::Describe(const TaskHandle& handle) const {
  TaskInfo info;
  if (!handle.valid()) return info;
  sync::MutexLock lock(&mu_);
  const internal::TaskRecord& r = *handle.record_;
  info.task = r.envelope.task;
  info.state = r.lifecycle.state();
  info.attempts = r.lifecycle.attempts();
  info.history = r.lifecycle.history();
  return info;
}

absl::Status Cluster::MarkDead(absl::string_view id) {
  return membership_.Leave(id);
}

LoadReport Cluster::Load(int i) const {
  MOIRAI_INTERNAL_CHECK(i >= 0 && i < num_nodes(),
                        "Cluster::Load: no such node");
  sync::MutexLock lock(&mu_);
  return LoadLocked(*nodes_[i]);
}

std::int64_t Cluster::retries() const {
  sync::MutexLock lock(&mu_);
  return retries_;
}

}  // namespace moirai::distributed
