// Copyright 2026 The Moirai Authors.

#include "moirai/sched/compat/tbb.h"

#include <memory>
#include <stdexcept>
#include <string>

#include "absl/status/statusor.h"
#include "moirai/core/internal/check.h"
#include "moirai/sched/scheduler.h"

namespace moirai::sched::compat::tbb {

Scheduler& DefaultScheduler() {
  // Created on first use (thread-safe static initialisation) and destroyed
  // at exit, which drains what is queued and joins the workers.
  static const std::unique_ptr<Scheduler> sched = [] {
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Create({});
    MOIRAI_INTERNAL_CHECK(s.ok(),
                          "tbb compat: cannot create the default scheduler");
    return std::move(*s);
  }();
  return *sched;
}

task_arena::task_arena(int max_concurrency) {
  if (max_concurrency != automatic && max_concurrency < 1) {
    throw std::invalid_argument(
        "tbb::task_arena: max_concurrency must be >= 1 or automatic, got " +
        std::to_string(max_concurrency));
  }
  SchedulerOptions options;
  options.num_workers = max_concurrency == automatic ? 0 : max_concurrency;
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Create(options);
  if (!s.ok()) {
    throw std::invalid_argument("tbb::task_arena: " +
                                std::string(s.status().ToString()));
  }
  sched_ = std::move(*s);
}

task_arena::~task_arena() = default;

}  // namespace moirai::sched::compat::tbb
