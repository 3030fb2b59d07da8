// Copyright 2026 The Moirai Authors.
//
// tools/config/scheduler_config.h
// -----------------------------------------------------------------------------
//
// `moirai::config::SchedulerConfig`: the scheduler's options
// (`sched::SchedulerOptions`) from four layers, highest first:
//
//   code         Override("scheduler.num_workers", "8") in the program
//   environment  MOIRAI_SCHEDULER_NUM_WORKERS=8
//   file         a TOML file:   [scheduler]
//                               num_workers = 8
//   defaults     SchedulerOptions{}'s own values
//
// The precedence does not depend on the order of the calls: a file loaded
// after the environment still loses to it. Every value is checked when it is
// loaded, and an error names the key (or variable), the value, what is
// allowed, and where the value came from:
//
//   sched.toml: scheduler.num_workers = 5000 is out of range [0, 1024]
//   MOIRAI_SCHEDULER_IDLE_POLICY="spin": not one of spin_then_park,
//       park_immediately
//
//   moirai::config::SchedulerConfig c;
//   if (absl::Status s = c.LoadFile("sched.toml"); !s.ok()) return s;
//   if (absl::Status s = c.LoadEnvironment(); !s.ok()) return s;
//   auto sched = moirai::sched::Scheduler::Create(c.Options());
//
// The keys (`moirai config show` prints them with their effective values):
//
//   scheduler.num_workers   integer in [0, 1024] (0: one per hardware thread)
//   scheduler.pin_workers   boolean
//   scheduler.steal_policy  random_victim | steal_half | locality_aware
//   scheduler.idle_policy   spin_then_park | park_immediately
//   scheduler.spin_rounds   integer in [0, 1000000]
//   scheduler.aging_limit   integer in [1, 1000000]
//   scheduler.deque_fences  auto | symmetric
//
// Environment variables are MOIRAI_ + the key upper-cased with '.' as '_'.
// Booleans there are true/false/1/0. A MOIRAI_SCHEDULER_* variable that names
// no key is an error (a typo would otherwise be ignored); other MOIRAI_*
// variables belong to other components and are left alone. In a file,
// unknown keys and values of the wrong type are errors; the other components'
// tables ([fibers], [rt], [distributed]) are skipped, other tables are errors.
//
// SchedulerConfig is the [scheduler] table alone, on the engine every table
// shares (settings.h); config.h's Config loads every component's table.
//
// Thread safety: none; configure before creating the scheduler.

#ifndef MOIRAI_TOOLS_CONFIG_SCHEDULER_CONFIG_H_
#define MOIRAI_TOOLS_CONFIG_SCHEDULER_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "moirai/sched/scheduler.h"
#include "moirai/tools/config/settings.h"

namespace moirai::config {

// The [scheduler] table (config.h's Config uses it too).
const OptionsTable<sched::SchedulerOptions>& SchedulerTable();

class SchedulerConfig {
 public:
  SchedulerConfig();

  // SchedulerConfig::LoadFile()
  //
  // Reads and applies the TOML file at `path`. NotFound if it cannot be
  // read; InvalidArgument for a syntax error (with toml11's line and
  // column), an unknown table or key, a wrong type or a value out of range.
  // On error nothing from the file is applied.
  absl::Status LoadFile(const std::string& path) {
    return settings_.LoadFile(path);
  }

  // SchedulerConfig::LoadToml()
  //
  // As LoadFile, from `text`; `origin` names it in errors.
  absl::Status LoadToml(absl::string_view text, absl::string_view origin) {
    return settings_.LoadToml(text, origin);
  }

  // SchedulerConfig::LoadEnvironment()
  //
  // Applies the MOIRAI_SCHEDULER_* variables of `environment` (NAME=VALUE
  // strings), or of the process (`environ`) when called without one. On
  // error nothing from the environment is applied.
  absl::Status LoadEnvironment() { return settings_.LoadEnvironment(); }
  absl::Status LoadEnvironment(const std::vector<std::string>& environment) {
    return settings_.LoadEnvironment(environment);
  }

  // SchedulerConfig::Override()
  //
  // Sets `key` from the program itself (the highest precedence), with the
  // same checks as the other layers: InvalidArgument for an unknown key or a
  // bad value.
  absl::Status Override(absl::string_view key, absl::string_view value) {
    return settings_.Override(key, value);
  }

  // SchedulerConfig::Options()
  //
  // The effective options (fields without a key keep their defaults).
  sched::SchedulerOptions Options() const {
    return SchedulerTable().Build(settings_, 0);
  }

  // SchedulerConfig::Effective()
  //
  // Every key with its effective value and source, in key order.
  std::vector<Setting> Effective() const { return settings_.Effective(); }

 private:
  LayeredSettings settings_;
};

}  // namespace moirai::config

#endif  // MOIRAI_TOOLS_CONFIG_SCHEDULER_CONFIG_H_
