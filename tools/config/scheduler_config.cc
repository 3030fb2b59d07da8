// Copyright 2026 The Moirai Authors.

#include "moirai/tools/config/scheduler_config.h"

#include <string>
#include <vector>

#include "moirai/lockfree/work_stealing_deque.h"
#include "moirai/sched/scheduler.h"
#include "moirai/tools/config/settings.h"

namespace moirai::config {

using sched::SchedulerOptions;

// The keys, in the order `moirai config show` prints them. The ranges are
// those Scheduler::Create accepts (num_workers, spin_rounds >= 0,
// aging_limit >= 1), with a finite bound where Create has none.
const OptionsTable<SchedulerOptions>& SchedulerTable() {
  using O = SchedulerOptions;
  static const OptionsTable<O>* table = new OptionsTable<O>(
      "scheduler",
      {
          IntField<O>(
              "num_workers", 0, 1024,
              [](auto& o) -> auto& { return o.num_workers; }),
          BoolField<O>(
              "pin_workers", [](auto& o) -> auto& { return o.pin_workers; }),
          EnumField<O>(
              "steal_policy", {"random_victim", "steal_half", "locality_aware"},
              [](auto& o) -> auto& { return o.steal_policy; }),
          EnumField<O>(
              "idle_policy", {"spin_then_park", "park_immediately"},
              [](auto& o) -> auto& { return o.idle_policy; }),
          IntField<O>(
              "spin_rounds", 0, 1000000,
              [](auto& o) -> auto& { return o.spin_rounds; }),
          IntField<O>(
              "aging_limit", 1, 1000000,
              [](auto& o) -> auto& { return o.aging_limit; }),
          EnumField<O>(
              "deque_fences", {"auto", "symmetric"},
              [](auto& o) -> auto& { return o.deque_fences; }),
      });
  return *table;
}

namespace {

std::vector<std::string> OtherComponentTables() {
  std::vector<std::string> others;
  for (const std::string& t : ComponentTables()) {
    if (t != "scheduler") others.push_back(t);
  }
  return others;
}

}  // namespace

SchedulerConfig::SchedulerConfig()
    : settings_({SchedulerTable().Spec()}, OtherComponentTables()) {}

}  // namespace moirai::config
