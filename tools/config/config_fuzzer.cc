// Copyright 2026 The Moirai Authors.
//
// tools/config/config_fuzzer.cc
// -----------------------------------------------------------------------------
//
// libFuzzer target for the configuration parsers: the input is split at the
// first NUL byte into a TOML document and an environment block (one
// NAME=VALUE per line), both fed to a Config (every table: [scheduler],
// [fibers], [rt], [distributed]). The property: no crash, no sanitizer
// report, errors are kInvalidArgument, every key keeps a value, and every
// accepted scheduler value is inside its documented range.
//
//   bazel build --config=fuzz //tools/config:config_fuzzer
//   cp -r tools/config/testdata/config_fuzzer_corpus /tmp/c
//   bazel-bin/tools/config/config_fuzzer -max_total_time=60 /tmp/c
//
// (libFuzzer writes new inputs into the first directory: give it a copy,
// and add the interesting ones back.) //tools/config:config_fuzzer_corpus_test
// replays the corpus in every configuration (moirai_cc_fuzzer).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_split.h"
#include "moirai/sched/scheduler.h"
#include "moirai/tools/config/config.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string toml = input.substr(0, nul);
  std::vector<std::string> env;
  if (nul != std::string::npos) {
    env = absl::StrSplit(input.substr(nul + 1), '\n', absl::SkipEmpty());
  }
  moirai::config::Config c;
  const absl::Status file = c.LoadToml(toml, "fuzz.toml");
  const absl::Status environment = c.LoadEnvironment(env);
  Require(file.ok() || file.code() == absl::StatusCode::kInvalidArgument);
  Require(environment.ok() ||
          environment.code() == absl::StatusCode::kInvalidArgument);
  const moirai::sched::SchedulerOptions o = c.Scheduler();
  Require(o.num_workers >= 0 && o.num_workers <= 1024);
  Require(o.spin_rounds >= 0 && o.spin_rounds <= 1000000);
  Require(o.aging_limit >= 1 && o.aging_limit <= 1000000);
  Require(c.Effective().size() == 35);
  // Building every component's options from accepted values must not crash.
  (void)c.Fibers();
  (void)c.Rt();
  (void)c.Distributed();
  return 0;
}
