// Copyright 2026 The Moirai Authors.

#include "moirai/tools/config/config.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "moirai/async/runtime.h"
#include "moirai/distributed/cluster.h"
#include "moirai/rt/executor.h"
#include "moirai/sched/scheduler.h"
#include "moirai/tools/config/scheduler_config.h"
#include "moirai/tools/config/settings.h"

namespace moirai::config {
namespace {

// Table indices in the LayeredSettings (ComponentTables() order).
enum TableIndex : std::size_t { kScheduler, kFibers, kRt, kDistributed };

// The ranges are what each Create() accepts, with a finite bound where it
// has none (config.h lists them).
const OptionsTable<async::RuntimeOptions>& FibersTable() {
  using O = async::RuntimeOptions;
  static const OptionsTable<O>* table = new OptionsTable<O>(
      "fibers", {
                    IntField<O>(
                        "num_workers", 0, 1024,
                        [](auto& o) -> auto& { return o.num_workers; }),
                    IntField<O>(
                        "stack_size", 16 * 1024, std::int64_t{1} << 40,
                        [](auto& o) -> auto& { return o.stack_size; }),
                    IntField<O>(
                        "guard_size", 1, std::int64_t{1} << 30,
                        [](auto& o) -> auto& { return o.guard_size; }),
                    IntField<O>(
                        "max_cached_stacks", 0, std::int64_t{1} << 20,
                        [](auto& o) -> auto& { return o.max_cached_stacks; }),
                });
  return *table;
}

// SCHED_DEADLINE's largest period (sched_deadline_period_max_us).
constexpr std::int64_t kMaxDeadlineNs = std::int64_t{4194304} * 1000;

const OptionsTable<rt::ExecutorOptions>& RtTable() {
  using O = rt::ExecutorOptions;
  static const OptionsTable<O>* table = new OptionsTable<O>(
      "rt",
      {
          IntField<O>(
              "workers", 1, 1024, [](auto& o) -> auto& { return o.workers; }),
          EnumField<O>(
              "policy",
              {"fifo", "round_robin", "edf", "rate_monotonic",
               "deadline_monotonic"},
              [](auto& o) -> auto& { return o.dispatcher.policy; }),
          EnumField<O>(
              "admission", {"exact", "none"},
              [](auto& o) -> auto& { return o.dispatcher.admission; }),
          BoolField<O>(
              "budgets", [](auto& o) -> auto& { return o.dispatcher.budgets; }),
          IntField<O>(
              "rr_quantum_ns", 0, std::int64_t{3600} * 1000000000,
              [](auto& o) -> auto& { return o.dispatcher.rr_quantum; }),
          IntField<O>(
              "max_tasks", 1, 4096,
              [](auto& o) -> auto& { return o.dispatcher.max_tasks; }),
          IntField<O>(
              "max_pending_jobs", 1, std::int64_t{1} << 20,
              [](auto& o) -> auto& { return o.dispatcher.max_pending_jobs; }),
          // The RT workers' kernel class (rt/kernel_class.h; the order of
          // the names is KernelClass's). The reservation's own limits are
          // checked where it is applied (ValidateKernelClassOptions).
          EnumField<O>(
              "kernel_class", {"other", "fifo", "deadline"},
              [](auto& o) -> auto& { return o.kernel.requested; }),
          IntField<O>(
              "kernel_fifo_priority", 1, 99,
              [](auto& o) -> auto& { return o.kernel.fifo_priority; }),
          IntField<O>(
              "kernel_dl_runtime_ns", 0, kMaxDeadlineNs,
              [](auto& o) -> auto& { return o.kernel.dl_runtime; }),
          IntField<O>(
              "kernel_dl_deadline_ns", 0, kMaxDeadlineNs,
              [](auto& o) -> auto& { return o.kernel.dl_deadline; }),
          IntField<O>(
              "kernel_dl_period_ns", 0, kMaxDeadlineNs,
              [](auto& o) -> auto& { return o.kernel.dl_period; }),
          BoolField<O>(
              "kernel_lock_memory",
              [](auto& o) -> auto& { return o.kernel.lock_memory; }),
      });
  return *table;
}

const OptionsTable<distributed::ClusterOptions>& DistributedTable() {
  using O = distributed::ClusterOptions;
  static const OptionsTable<O>* table = new OptionsTable<O>(
      "distributed",
      {
          IntField<O>(
              "workers_per_node", 1, 1024,
              [](auto& o) -> auto& { return o.workers_per_node; }),
          BoolField<O>(
              "force_codec_round_trip",
              [](auto& o) -> auto& { return o.force_codec_round_trip; }),
          IntField<O>(
              "admission_capacity", 1, std::int64_t{1} << 30,
              [](auto& o) -> auto& { return o.admission_capacity; }),
          IntField<O>(
              "result_cache_capacity", 0, std::int64_t{1} << 30,
              [](auto& o) -> auto& { return o.result_cache_capacity; }),
          DoubleField<O>(
              "placement_local_threshold", 0, 1000,
              [](auto& o) -> auto& { return o.placement.local_threshold; }),
          IntField<O>(
              "placement_max_hops", 0, 1000,
              [](auto& o) -> auto& { return o.placement.max_hops; }),
          IntField<O>(
              "seed", 0, std::numeric_limits<std::int64_t>::max(),
              [](auto& o) -> auto& { return o.seed; }),
          DoubleField<O>(
              "retry_budget_ratio", 0, 1e6,
              [](auto& o) -> auto& { return o.retry_budget_ratio; }),
          DoubleField<O>(
              "retry_budget_initial", 0, 1e6,
              [](auto& o) -> auto& { return o.retry_budget_initial; }),
          IntField<O>(
              "decode_max_elements", 1,
              std::numeric_limits<std::uint32_t>::max(),
              [](auto& o) -> auto& { return o.decode_limits.max_elements; }),
          IntField<O>(
              "decode_max_depth", 1, 1024,
              [](auto& o) -> auto& { return o.decode_limits.max_depth; }),
      });
  return *table;
}

std::vector<TableSpec> AllTables() {
  return {SchedulerTable().Spec(), FibersTable().Spec(), RtTable().Spec(),
          DistributedTable().Spec()};
}

}  // namespace

Config::Config() : settings_(AllTables()) {}

sched::SchedulerOptions Config::Scheduler() const {
  return SchedulerTable().Build(settings_, kScheduler);
}

async::RuntimeOptions Config::Fibers() const {
  return FibersTable().Build(settings_, kFibers);
}

rt::ExecutorOptions Config::Rt() const {
  return RtTable().Build(settings_, kRt);
}

distributed::ClusterOptions Config::Distributed() const {
  return DistributedTable().Build(settings_, kDistributed);
}

}  // namespace moirai::config
