// Copyright 2026 The Moirai Authors.
//
// Cluster: placement and delivery to a node, the node side of a task (checks,
// result cache, running F), cancellation and node loss. Everything that
// touches shared state holds mu_; F runs, and promises are completed
// (Flush), with mu_ released.

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "moirai/core/internal/check.h"
#include "moirai/core/task.h"
#include "moirai/core/task_context.h"
#include "moirai/distributed/cluster.h"
#include "moirai/distributed/internal/embedded_node.h"

namespace moirai::distributed {
namespace {

std::string CacheKey(const Envelope& env) {
  return absl::StrCat(env.function, "\n", env.idempotency_key);
}

std::string Ref(const TaskRef& r) { return absl::StrCat(r.node, "/", r.id); }

TaskState StateFor(const absl::Status& s) {
  if (s.ok()) return TaskState::kSucceeded;
  if (absl::IsDeadlineExceeded(s)) return TaskState::kDeadlineExceeded;
  if (absl::IsCancelled(s)) return TaskState::kCancelled;
  return TaskState::kFailed;
}

}  // namespace

LoadReport Cluster::LoadLocked(const internal::EmbeddedNode& node) const {
  LoadReport r;
  r.workers = static_cast<std::uint32_t>(node.info.workers);
  r.running = node.running;
  r.queued_by_priority = node.admission.queued_by_priority();
  r.at_mono_ns = clock_->Now().nanoseconds();
  return r;
}

void Cluster::FinishLocked(const std::shared_ptr<internal::TaskRecord>& record,
                           TaskState state, absl::Status status,
                           Completions* finished, std::shared_ptr<void> value,
                           bool encoded) {
  if (record->done) return;
  record->done = true;
  absl::Status t = record->lifecycle.Transition(state);
  MOIRAI_INTERNAL_CHECK(t.ok(),
                        "distributed::Cluster made an illegal task "
                        "transition (a bug in the cluster)");
  finished->push_back({record, std::move(status), std::move(value), encoded});
}

void Cluster::PlaceLocked(std::shared_ptr<internal::TaskRecord> record,
                          Completions* finished) {
  std::vector<std::shared_ptr<internal::TaskRecord>> evicted;
  while (!record->done) {
    if (clock_->Now() >= record->deadline) {
      FinishLocked(record, TaskState::kDeadlineExceeded,
                   absl::DeadlineExceededError(absl::StrCat(
                       "task ", Ref(record->envelope.task),
                       ": the deadline passed before it was placed")),
                   finished);
      break;
    }
    for (std::size_t k = 0; k < view_.size(); ++k) {  // live loads
      const internal::EmbeddedNode& n = *nodes_[view_index_[k]];
      view_[k].load.workers = static_cast<std::uint32_t>(n.info.workers);
      view_[k].load.running = n.running;
      view_[k].load.queued_by_priority = n.admission.queued_by_priority();
    }
    absl::StatusOr<std::string> choice =
        placer_.Choose(view_, nodes_[record->local_node]->info.id,
                       record->hints, record->refused, record->hops);
    if (!choice.ok()) {
      FinishLocked(
          record, TaskState::kFailed,
          absl::Status(choice.status().code(),
                       absl::StrCat("task ", Ref(record->envelope.task), ": ",
                                    choice.status().message(),
                                    record->last_refusal.empty() ? "" : "; ",
                                    record->last_refusal)),
          finished);
      break;
    }
    int idx = -1;
    for (std::size_t k = 0; k < view_.size(); ++k) {
      if (view_[k].id == *choice) idx = view_index_[k];
    }
    MOIRAI_INTERNAL_CHECK(idx >= 0, "placement chose a node outside the view");
    internal::EmbeddedNode& node = *nodes_[idx];
    MOIRAI_INTERNAL_CHECK(record->lifecycle.Place(node.info.id).ok(),
                          "illegal placement of a task");
    const std::uint64_t id = record->envelope.task.id;
    const std::uint64_t seq = ++record->seq;
    record->node = idx;
    absl::StatusOr<AdmissionQueue::Admitted> admitted =
        node.admission.Admit(id, record->envelope.priority);
    absl::Status submitted = admitted.status();
    if (admitted.ok()) {
      submitted = node.scheduler->Submit(
          core::Task([this, record, idx, seq] { RunOnNode(record, idx, seq); },
                     record->envelope.priority));
      if (!submitted.ok()) node.admission.Remove(id);  // shutting down
    }
    if (!submitted.ok()) {  // refused: spill back to another node
      record->last_refusal = absl::StrCat("last refused by ", node.info.id,
                                          ": ", submitted.message());
      record->refused.insert(node.info.id);
      ++record->hops;
      continue;
    }
    if (admitted->evicted.has_value()) {
      auto it = node.tasks.find(*admitted->evicted);
      MOIRAI_INTERNAL_CHECK(it != node.tasks.end(),
                            "admission evicted a task the node lacks");
      std::shared_ptr<internal::TaskRecord> ev = std::move(it->second);
      node.tasks.erase(it);
      ev->refused.insert(node.info.id);
      ev->last_refusal = absl::StrCat(
          "evicted from ", node.info.id, "'s queue by a more urgent task (",
          core::PriorityName(record->envelope.priority), ")");
      ++ev->hops;
      evicted.push_back(std::move(ev));
    }
    node.tasks[id] = record;
    MOIRAI_INTERNAL_CHECK(record->lifecycle.Transition(TaskState::kQueued).ok(),
                          "illegal queueing of a task");
    break;
  }
  // An evicted task never started: it goes back to its submitter, which
  // places it again (bounded by its hops).
  for (auto& ev : evicted) PlaceLocked(std::move(ev), finished);
}

void Cluster::RunOnNode(const std::shared_ptr<internal::TaskRecord>& record,
                        int idx, std::uint64_t seq) {
  internal::EmbeddedNode& node = *nodes_[idx];
  const bool wire = options_.force_codec_round_trip;
  Completions finished;
  auto stale = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return record->seq != seq || record->done || !node.alive;
  };
  // What the node receives: the envelope, through its wire form if forced.
  // Checked before taking the lock (the registry has its own).
  absl::StatusOr<Envelope> parsed = absl::UnknownError("unset");
  const Envelope* env = &record->envelope;
  if (wire) {
    // The deadline travels as the time left when it is sent (now).
    Envelope sent = record->envelope;
    sent.deadline_remaining = record->deadline - clock_->Now();
    parsed = ParseEnvelope(SerializeEnvelope(sent));
    if (parsed.ok()) env = &*parsed;
  }
  // Error statuses are moved, never copied, into the completion: Debian's
  // Abseil is not instrumented for ThreadSanitizer, so a Status rep whose
  // last reference this worker dropped after Flush published it would look
  // like a race with the submitter reading the message (and its lifetime
  // would hang on this worker's stack for no reason).
  absl::StatusOr<const FunctionEntry*> entry =
      wire && !parsed.ok()
          ? absl::StatusOr<const FunctionEntry*>(std::move(parsed).status())
          : node.registry->Resolve(env->function, env->signature, record->role);
  if (entry.ok() && wire && !(*entry)->invoke_encoded) {
    entry = absl::FailedPreconditionError((*entry)->wire_error);
  }
  const bool keyed = !env->idempotency_key.empty() &&
                     record->call->cacheable() &&
                     options_.result_cache_capacity > 0;
  {
    sync::MutexLock lock(&mu_);
    if (stale() || record->lifecycle.state() != TaskState::kQueued) return;
    node.admission.Remove(record->envelope.task.id);
    if (clock_->Now() >= record->deadline) {
      node.tasks.erase(record->envelope.task.id);
      FinishLocked(record, TaskState::kDeadlineExceeded,
                   absl::DeadlineExceededError(absl::StrCat(
                       "task ", Ref(record->envelope.task),
                       ": the deadline passed while it was queued on ",
                       node.info.id, "; it never started")),
                   &finished);
    } else if (!entry.ok()) {
      node.tasks.erase(record->envelope.task.id);
      FinishLocked(record, TaskState::kFailed, std::move(entry).status(),
                   &finished);
    } else {
      MOIRAI_INTERNAL_CHECK(
          record->lifecycle.Transition(TaskState::kRunning).ok(),
          "illegal start of a task");
      if (keyed) {
        auto [it, fresh] = node.cache.try_emplace(CacheKey(*env));
        if (!fresh && it->second.done) {  // ran here before: its result
          node.tasks.erase(record->envelope.task.id);
          FinishLocked(record, StateFor(it->second.status), it->second.status,
                       &finished, it->second.value, it->second.encoded);
        } else if (!fresh) {  // running here now: wait for it
          it->second.waiters.push_back(record);
          return;
        }
      }
      if (finished.empty()) ++node.running;
    }
  }
  if (!finished.empty()) return Flush(&finished);

  absl::Status status;
  std::shared_ptr<void> value;
  {
    // The deadline F sees: what the node received (the remaining time on
    // the wire), else the submitter's own.
    const absl::Duration left =
        wire ? env->deadline_remaining : record->deadline - clock_->Now();
    core::TaskContext ctx(core::TaskId(env->task.id), env->priority,
                          left == absl::InfiniteDuration()
                              ? absl::InfiniteFuture()
                              : absl::Now() + left,
                          record->token);
    core::TaskContext::Scope scope(&ctx);
    internal::CurrentRemoteScope remote({this, record.get(), idx});
    if (wire) {
      absl::StatusOr<std::string> out =
          (*entry)->invoke_encoded(env->args, options_.decode_limits);
      status = out.status();
      if (out.ok()) value = std::make_shared<std::string>(std::move(*out));
    } else {
      status = record->call->RunTyped(&value);
    }
  }
  {
    sync::MutexLock lock(&mu_);
    --node.running;
    if (wire) {  // the reply crosses the wire too
      ResultMessage reply;
      reply.task = env->task;
      reply.status = status;
      if (value != nullptr)
        reply.value = *static_cast<std::string*>(value.get());
      reply.load = LoadLocked(node);
      reply.node = node.info.id;
      absl::StatusOr<ResultMessage> back = ParseResult(SerializeResult(reply));
      if (!back.ok()) {
        status = back.status();
        value = nullptr;
      } else {
        status = back->status;
        value = status.ok()
                    ? std::make_shared<std::string>(std::move(back->value))
                    : nullptr;
      }
    }
    // A node declared dead delivers nothing (its reply is lost).
    if (stale() || record->lifecycle.state() != TaskState::kRunning) return;
    node.tasks.erase(record->envelope.task.id);
    CompleteResultLocked(node, record, std::move(status), std::move(value),
                         wire, &finished);
  }
  Flush(&finished);
}

void Cluster::CompleteResultLocked(
    internal::EmbeddedNode& node,
    const std::shared_ptr<internal::TaskRecord>& record, absl::Status status,
    std::shared_ptr<void> value, bool encoded, Completions* finished) {
  if (record->token.IsCancellationRequested()) {
    status = absl::CancelledError(
        absl::StrCat("task ", Ref(record->envelope.task),
                     ": cancelled while running on ", node.info.id));
    value = nullptr;
  }
  if (status.ok()) budget_.RecordSuccess();
  const TaskState state = StateFor(status);
  if (!record->envelope.idempotency_key.empty()) {
    auto it = node.cache.find(CacheKey(record->envelope));
    if (it != node.cache.end() && !it->second.done) {
      std::vector<std::shared_ptr<internal::TaskRecord>> waiters =
          std::move(it->second.waiters);
      for (const auto& w : waiters) {  // duplicates share the outcome
        node.tasks.erase(w->envelope.task.id);
        FinishLocked(w, state, status, finished, value, encoded);
      }
      if (state == TaskState::kCancelled) {
        node.cache.erase(it);  // a cancellation is not the function's result
      } else {
        it->second.done = true;
        it->second.status = status;
        it->second.value = value;
        it->second.encoded = encoded;
        node.done_order.push_back(it->first);
        while (static_cast<int>(node.done_order.size()) >
               options_.result_cache_capacity) {
          node.cache.erase(node.done_order.front());
          node.done_order.pop_front();
        }
      }
    }
  }
  FinishLocked(record, state, std::move(status), finished, std::move(value),
               encoded);
}

void Cluster::OnCancelled(const std::shared_ptr<internal::TaskRecord>& record) {
  Completions finished;
  {
    sync::MutexLock lock(&mu_);
    if (record->done) return;
    const TaskState s = record->lifecycle.state();
    if (s == TaskState::kRunning) return;  // F sees its token; see RunOnNode
    std::string where = "before it was placed";
    if (s == TaskState::kPlaced || s == TaskState::kQueued) {
      internal::EmbeddedNode& node = *nodes_[record->node];
      node.tasks.erase(record->envelope.task.id);
      node.admission.Remove(record->envelope.task.id);
      where = absl::StrCat("while queued on ", node.info.id);
    }
    FinishLocked(record, TaskState::kCancelled,
                 absl::CancelledError(
                     absl::StrCat("task ", Ref(record->envelope.task),
                                  ": cancelled ", where, "; it never started")),
                 &finished);
  }
  Flush(&finished);
}

void Cluster::OnMemberLeft(absl::string_view id) {
  Completions finished;
  {
    sync::MutexLock lock(&mu_);
    internal::EmbeddedNode* dead = nullptr;
    for (auto& n : nodes_) {
      if (n->info.id == id) dead = n.get();
    }
    if (dead == nullptr || !dead->alive) return;
    dead->alive = false;
    for (std::size_t k = 0; k < view_.size(); ++k) {
      if (view_index_[k] == dead->index) {
        view_.erase(view_.begin() + k);
        view_index_.erase(view_index_.begin() + k);
        break;
      }
    }
    std::vector<std::shared_ptr<internal::TaskRecord>> held;
    for (auto& [task_id, r] : dead->tasks) held.push_back(r);
    std::sort(held.begin(), held.end(), [](const auto& a, const auto& b) {
      return a->envelope.task.id < b->envelope.task.id;
    });
    dead->tasks.clear();
    dead->cache.clear();
    dead->done_order.clear();
    dead->admission = *AdmissionQueue::Create(options_.admission_capacity);
    const core::MonoTime now = clock_->Now();
    for (auto& r : held) {
      if (r->done) continue;
      const TaskState was = r->lifecycle.state();
      std::string why;
      if (!r->may_retry) {
        why =
            "not retried: the function is not idempotent and the call has "
            "no idempotency key (at most once)";
      } else if (r->lifecycle.attempts() >= r->retry.max_attempts) {
        why = absl::StrCat("no attempts left (max_attempts ",
                           r->retry.max_attempts, ")");
      } else if (now >= r->deadline) {
        why = "its deadline has passed";
      } else if (!budget_.TrySpend()) {
        why = "the cluster's retry budget is spent";
      } else {  // retry elsewhere
        ++retries_;
        r->refused.insert(std::string(id));
        PlaceLocked(r, &finished);
        continue;
      }
      FinishLocked(
          r, TaskState::kLost,
          internal::MakeLostStatus(
              absl::StrCat("task ", Ref(r->envelope.task), " lost: node ", id,
                           " left the cluster while the task was ",
                           TaskStateName(was), " (attempt ",
                           r->lifecycle.attempts(), "); ", why),
              id),
          &finished);
    }
  }
  Flush(&finished);
}

}  // namespace moirai::distributed
