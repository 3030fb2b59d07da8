// Copyright 2026 The Moirai Authors.
//
// sched/internal/test_configs.h
// -----------------------------------------------------------------------------
//
// Test-only: the (steal strategy x worker count) grid every scheduler test
// is parameterised over, and readable gtest names for it ("half_4w"). One
// copy, so that every test covers the same configurations.

#ifndef MOIRAI_SCHED_INTERNAL_TEST_CONFIGS_H_
#define MOIRAI_SCHED_INTERNAL_TEST_CONFIGS_H_

#include <latch>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "moirai/sched/scheduler.h"

namespace moirai::sched::internal {

// MakeScheduler(): Scheduler::Create, failing the calling test on an error.
inline std::unique_ptr<Scheduler> MakeScheduler(SchedulerOptions o) {
  absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Create(o);
  EXPECT_TRUE(s.ok()) << s.status();
  return std::move(*s);
}

// OccupyWorker(): submits a task that holds one worker until `release`
// counts down, and returns once that task is running (so, with one worker,
// everything submitted afterwards stays queued).
inline void OccupyWorker(Scheduler* s, std::latch* release) {
  // Shared: count_down() may still touch the latch after wait() returns.
  auto running = std::make_shared<std::latch>(1);
  ASSERT_TRUE(s->Submit(core::Task([running, release] {
                 running->count_down();
                 release->wait();
               })).ok());
  running->wait();
}

// WaitFor(): waits (with a generous bound, never asserting time) until
// `pred` holds; false if it never did.
template <typename Pred>
bool WaitFor(Pred pred) {
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (!pred()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

struct TestConfig {
  StealPolicy policy;
  int workers;
};

// Every steal strategy with 1, 2, 4, 8 and 16 workers (16 oversubscribes the
// machines CI runs on, deliberately).
inline std::vector<TestConfig> AllTestConfigs() {
  std::vector<TestConfig> out;
  for (StealPolicy p : {StealPolicy::kRandomVictim, StealPolicy::kStealHalf,
                        StealPolicy::kLocalityAware}) {
    for (int w : {1, 2, 4, 8, 16}) out.push_back(TestConfig{p, w});
  }
  return out;
}

// The name generator for INSTANTIATE_TEST_SUITE_P.
inline std::string TestConfigName(
    const ::testing::TestParamInfo<TestConfig>& param_info) {
  const char* name =
      param_info.param.policy == StealPolicy::kRandomVictim ? "random"
      : param_info.param.policy == StealPolicy::kStealHalf  ? "half"
                                                            : "locality";
  return std::string(name) + "_" + std::to_string(param_info.param.workers) +
         "w";
}

}  // namespace moirai::sched::internal

#endif  // MOIRAI_SCHED_INTERNAL_TEST_CONFIGS_H_
