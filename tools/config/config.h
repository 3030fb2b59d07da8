// Copyright 2026 The Moirai Authors.
//
// tools/config/config.h
// -----------------------------------------------------------------------------
//
// `moirai::config::Config`: the options of every Moirai runtime from one TOML
// file and one environment, with precedence code > environment > file >
// defaults (the engine is settings.h's LayeredSettings, shared with
// SchedulerConfig). One table per component:
//
//   [scheduler]    sched::SchedulerOptions     (scheduler_config.h lists it)
//   [fibers]       async::RuntimeOptions
//     num_workers        integer in [0, 1024]   the owned scheduler's workers
//     stack_size         integer in [16384, 1099511627776]  bytes per stack
//     guard_size         integer in [1, 1073741824]         guard bytes
//     max_cached_stacks  integer in [0, 1048576]
//   [rt]           rt::ExecutorOptions (with its DispatcherOptions)
//     workers            integer in [1, 1024]
//     policy             fifo | round_robin | edf | rate_monotonic |
//                        deadline_monotonic
//     admission          exact | none
//     budgets            boolean
//     rr_quantum_ns      integer in [0, 3600000000000] (> 0 for round_robin;
//                        rt::Executor checks the pair when it starts)
//     max_tasks          integer in [1, 4096]
//     max_pending_jobs   integer in [1, 1048576]
//     kernel_class       other | fifo | deadline   (ExecutorOptions::kernel)
//     kernel_fifo_priority   integer in [1, 99]
//     kernel_dl_runtime_ns   integer in [0, 4194304000] (the reservation;
//     kernel_dl_deadline_ns  integer in [0, 4194304000]  its own limits are
//     kernel_dl_period_ns    integer in [0, 4194304000]  checked when applied)
//     kernel_lock_memory     boolean
//   [distributed]  distributed::ClusterOptions
//     workers_per_node       integer in [1, 1024]
//     force_codec_round_trip boolean
//     admission_capacity     integer in [1, 1073741824]
//     result_cache_capacity  integer in [0, 1073741824]
//     placement_local_threshold  number in [0, 1000]
//     placement_max_hops     integer in [0, 1000]
//     seed                   integer in [0, 9223372036854775807]
//     retry_budget_ratio     number in [0, 1000000]
//     retry_budget_initial   number in [0, 1000000]
//     decode_max_elements    integer in [1, 4294967295]
//     decode_max_depth       integer in [1, 1024]
//
// Not configurable here: pointers and per-node lists (RuntimeOptions::
// scheduler, ClusterOptions::nodes and clock) are code only. There is no [io]
// table: the Asio reactor (async/internal/io_service.h) has no options (one
// reactor thread, a fixed two-thread blocking pool). Observability options do
// not exist yet (issue #12); their table will join this list when they do.
//
// Environment: MOIRAI_<TABLE>_<KEY> (MOIRAI_FIBERS_STACK_SIZE=262144). A
// variable of a known table that names no key is an error; a MOIRAI_*
// variable whose name starts with no known table (MOIRAI_TEST_CLOCK_STEP,
// or a mistyped table such as MOIRAI_SCHEDULR_NUM_WORKERS) is ignored,
// because other programs and tests use the MOIRAI_ prefix too, and listed by
// IgnoredEnvironment() (`moirai config` warns about each). In a file, an
// unknown table or key is an error.
//
//   moirai::config::Config c;
//   if (absl::Status s = c.LoadFile("moirai.toml"); !s.ok()) return s;
//   if (absl::Status s = c.LoadEnvironment(); !s.ok()) return s;
//   auto rt = moirai::async::Runtime::Create(c.Fibers());
//
// Fibers() configures a Runtime that owns its scheduler
// (fibers.num_workers); to run fibers on a scheduler made from Scheduler(),
// set RuntimeOptions::scheduler in code.
//
// Thread safety: none; configure before creating the runtimes.

#ifndef MOIRAI_TOOLS_CONFIG_CONFIG_H_
#define MOIRAI_TOOLS_CONFIG_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "moirai/async/runtime.h"
#include "moirai/distributed/cluster.h"
#include "moirai/rt/executor.h"
#include "moirai/sched/scheduler.h"
#include "moirai/tools/config/settings.h"

namespace moirai::config {

class Config {
 public:
  Config();

  // Config::LoadFile() / LoadToml() / LoadEnvironment() / Override(): as
  // LayeredSettings's (settings.h), over every table.
  absl::Status LoadFile(const std::string& path) {
    return settings_.LoadFile(path);
  }
  absl::Status LoadToml(absl::string_view text, absl::string_view origin) {
    return settings_.LoadToml(text, origin);
  }
  absl::Status LoadEnvironment() { return settings_.LoadEnvironment(); }
  absl::Status LoadEnvironment(const std::vector<std::string>& environment) {
    return settings_.LoadEnvironment(environment);
  }
  absl::Status Override(absl::string_view key, absl::string_view value) {
    return settings_.Override(key, value);
  }

  // Each component's effective options (fields without a key keep their
  // defaults).
  sched::SchedulerOptions Scheduler() const;
  async::RuntimeOptions Fibers() const;
  rt::ExecutorOptions Rt() const;
  distributed::ClusterOptions Distributed() const;

  // Every key of every table, in table order, with value and source.
  std::vector<Setting> Effective() const { return settings_.Effective(); }

  // The MOIRAI_* variables the last LoadEnvironment() ignored.
  const std::vector<std::string>& IgnoredEnvironment() const {
    return settings_.IgnoredEnvironment();
  }

  // "[scheduler], [fibers], [rt], [distributed]".
  std::string TableList() const { return settings_.TableList(); }

 private:
  LayeredSettings settings_;
};

}  // namespace moirai::config

#endif  // MOIRAI_TOOLS_CONFIG_CONFIG_H_
