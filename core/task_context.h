// Copyright 2026 The Moirai Authors.
//
// core/task_context.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::core::TaskContext`: what code running inside a
// task can learn about that task (id, priority, deadline, cancellation token,
// metadata) without having it passed down explicitly.
//
// Each thread has a "current context" pointer, nullptr outside any task. A
// scheduler installs a context around each task it runs, with the RAII
// `TaskContext::Scope`; a fiber runtime switches it on every fiber switch
// with `TaskContext::Exchange` (save the outgoing fiber's pointer, install the
// incoming one's). The pointer is only a borrow: the context object must
// outlive its installation.
//
// `current()` and `Exchange()` are out-of-line on purpose: a fiber may resume
// on another thread, and the compiler must not reuse a thread-local address
// computed before the switch.
//
// A TaskContext is not synchronised: it is read by the task it describes and
// written by whoever owns it (the scheduler) before installing it. Its
// cancellation token is thread-safe as usual.
//
// Example (inside a task):
//
//   if (auto* ctx = moirai::core::TaskContext::current();
//       ctx != nullptr && ctx->cancellation().IsCancellationRequested()) {
//     return;  // stop early
//   }

#ifndef MOIRAI_CORE_TASK_CONTEXT_H_
#define MOIRAI_CORE_TASK_CONTEXT_H_

#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "moirai/core/cancellation.h"
#include "moirai/core/parker.h"
#include "moirai/core/priority.h"
#include "moirai/core/task.h"
#include "moirai/core/task_id.h"

namespace moirai::core {

class TaskContext {
 public:
  // TaskContext::TaskContext()
  //
  // Invalid id, normal priority, no deadline, a never-cancelled token, no
  // metadata.
  TaskContext() noexcept = default;

  // TaskContext::TaskContext(id, priority, deadline, cancellation, metadata)
  //
  // `metadata` is borrowed (it usually points into the running `Task`) and
  // must outlive the context, or be nullptr.
  TaskContext(TaskId id, Priority priority,
              absl::Time deadline = absl::InfiniteFuture(),
              CancellationToken cancellation = CancellationToken(),
              const TaskMetadata* metadata = nullptr) noexcept
      : id_(id),
        priority_(priority),
        deadline_(deadline),
        cancellation_(std::move(cancellation)),
        metadata_(metadata) {}

  // TaskContext::TaskContext(task, deadline, cancellation)
  //
  // Describes `task`: its id, priority and metadata (borrowed, so `task` must
  // outlive the context and keep its metadata).
  explicit TaskContext(
      const Task& task, absl::Time deadline = absl::InfiniteFuture(),
      CancellationToken cancellation = CancellationToken()) noexcept
      : TaskContext(task.id(), task.priority(), deadline,
                    std::move(cancellation), task.metadata()) {}

  TaskContext(const TaskContext&) = default;
  TaskContext& operator=(const TaskContext&) = default;

  // TaskContext::current()
  //
  // The context installed on this thread, or nullptr outside any task.
  static TaskContext* current() noexcept;

  // TaskContext::Exchange()
  //
  // Installs `ctx` (may be nullptr) as this thread's current context and
  // returns the previous one. For fiber switches and schedulers.
  static TaskContext* Exchange(TaskContext* ctx) noexcept;

  // TaskContext::Scope
  //
  // Installs a context for its lifetime on the constructing thread and
  // restores the previous one when destroyed. Scopes nest. Destroy it on the
  // thread that made it (do not let a fiber migrate while a Scope is open
  // unless the fiber runtime switches contexts with Exchange()).
  class Scope {
   public:
    explicit Scope(TaskContext* ctx) noexcept : previous_(Exchange(ctx)) {}
    ~Scope() { Exchange(previous_); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    TaskContext* previous_;
  };

  // Accessors.
  TaskId id() const noexcept { return id_; }
  Priority priority() const noexcept { return priority_; }
  // TaskContext::deadline(): absl::InfiniteFuture() when there is none.
  absl::Time deadline() const noexcept { return deadline_; }
  const CancellationToken& cancellation() const noexcept {
    return cancellation_;
  }
  // TaskContext::metadata(): nullptr when none.
  const TaskMetadata* metadata() const noexcept { return metadata_; }
  // TaskContext::parker(): how this task waits without blocking its thread
  // (core/parker.h): the fiber's Parker on a fiber, nullptr for a plain task
  // or thread (which then blocks or helps).
  Parker* parker() const noexcept { return parker_; }

  // TaskContext::IsCancellationRequested()
  //
  // Shorthand for `cancellation().IsCancellationRequested()`.
  bool IsCancellationRequested() const noexcept {
    return cancellation_.IsCancellationRequested();
  }

  // TaskContext::DeadlineExceeded()
  //
  // True when a deadline is set and `now` is at or past it.
  bool DeadlineExceeded(absl::Time now = absl::Now()) const noexcept {
    return deadline_ != absl::InfiniteFuture() && now >= deadline_;
  }

  // Setters, for the owner of the context.
  void set_id(TaskId id) noexcept { id_ = id; }
  void set_priority(Priority priority) noexcept { priority_ = priority; }
  void set_deadline(absl::Time deadline) noexcept { deadline_ = deadline; }
  void set_cancellation(CancellationToken token) noexcept {
    cancellation_ = std::move(token);
  }
  void set_metadata(const TaskMetadata* metadata) noexcept {
    metadata_ = metadata;
  }
  void set_parker(Parker* parker) noexcept { parker_ = parker; }

 private:
  TaskId id_;
  Priority priority_ = Priority::kNormal;
  absl::Time deadline_ = absl::InfiniteFuture();
  CancellationToken cancellation_;
  const TaskMetadata* metadata_ = nullptr;
  Parker* parker_ = nullptr;
};

}  // namespace moirai::core

#endif  // MOIRAI_CORE_TASK_CONTEXT_H_
