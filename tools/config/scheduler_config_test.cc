// Copyright 2026 The Moirai Authors.

#include "moirai/tools/config/scheduler_config.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "moirai/sched/scheduler.h"

namespace moirai::config {
namespace {

const std::string kData = "tools/config/testdata/";

const Setting& Find(const std::vector<Setting>& all, const std::string& key) {
  for (const Setting& s : all) {
    if (s.key == key) return s;
  }
  ADD_FAILURE() << "no key " << key;
  static const Setting none;
  return none;
}

// The error is InvalidArgument and its message names every given part.
void ExpectError(const absl::Status& s, std::vector<std::string> parts) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  for (const std::string& p : parts) {
    EXPECT_TRUE(absl::StrContains(s.message(), p))
        << "\"" << s.message() << "\" does not name \"" << p << "\"";
  }
}

TEST(SchedulerConfigTest, DefaultsAreSchedulerOptionsDefaults) {
  SchedulerConfig c;
  const sched::SchedulerOptions d;
  EXPECT_EQ(c.Options().num_workers, d.num_workers);
  EXPECT_EQ(c.Options().spin_rounds, d.spin_rounds);
  EXPECT_EQ(c.Options().aging_limit, d.aging_limit);
  const std::vector<Setting> all = c.Effective();
  ASSERT_EQ(all.size(), 7u);
  for (const Setting& s : all) EXPECT_EQ(s.source, Source::kDefault) << s.key;
  EXPECT_EQ(Find(all, "scheduler.steal_policy").value, "random_victim");
  EXPECT_EQ(Find(all, "scheduler.idle_policy").value, "spin_then_park");
  EXPECT_EQ(Find(all, "scheduler.deque_fences").value, "auto");
  EXPECT_EQ(Find(all, "scheduler.pin_workers").value, "false");
}

TEST(SchedulerConfigTest, FileSetsEveryKey) {
  SchedulerConfig c;
  ASSERT_TRUE(c.LoadFile(kData + "good.toml").ok());
  const sched::SchedulerOptions o = c.Options();
  EXPECT_EQ(o.num_workers, 3);
  EXPECT_TRUE(o.pin_workers);
  EXPECT_EQ(o.steal_policy, sched::StealPolicy::kStealHalf);
  EXPECT_EQ(o.idle_policy, sched::IdlePolicy::kParkImmediately);
  EXPECT_EQ(o.spin_rounds, 10);
  EXPECT_EQ(o.aging_limit, 4);
  EXPECT_EQ(o.deque_fences, lockfree::DequeFences::kSymmetric);
  for (const Setting& s : c.Effective()) {
    EXPECT_EQ(s.source, Source::kFile) << s.key;
    EXPECT_EQ(s.origin, kData + "good.toml");
  }
  // The options it gives make a scheduler.
  absl::StatusOr<std::unique_ptr<sched::Scheduler>> sched =
      sched::Scheduler::Create(o);
  ASSERT_TRUE(sched.ok()) << sched.status();
  EXPECT_EQ((*sched)->num_workers(), 3);
}

TEST(SchedulerConfigTest, PrecedenceIsCodeThenEnvironmentThenFile) {
  const std::vector<std::string> env = {
      "MOIRAI_SCHEDULER_NUM_WORKERS=5", "MOIRAI_SCHEDULER_SPIN_ROUNDS=7",
      "MOIRAI_RT_SEED=1",  // another component's: ignored
      "PATH=/usr/bin"};
  // Both call orders give the same result.
  for (bool env_first : {false, true}) {
    SchedulerConfig c;
    if (env_first) {
      ASSERT_TRUE(c.LoadEnvironment(env).ok());
    }
    ASSERT_TRUE(c.Override("scheduler.spin_rounds", "9").ok());
    ASSERT_TRUE(c.LoadFile(kData + "good.toml").ok());
    if (!env_first) {
      ASSERT_TRUE(c.LoadEnvironment(env).ok());
    }
    const std::vector<Setting> all = c.Effective();
    EXPECT_EQ(c.Options().num_workers, 5);  // env beats file
    EXPECT_EQ(Find(all, "scheduler.num_workers").source, Source::kEnvironment);
    EXPECT_EQ(Find(all, "scheduler.num_workers").origin,
              "MOIRAI_SCHEDULER_NUM_WORKERS");
    EXPECT_EQ(c.Options().spin_rounds, 9);  // code beats env and file
    EXPECT_EQ(Find(all, "scheduler.spin_rounds").source, Source::kCode);
    EXPECT_EQ(c.Options().aging_limit, 4);  // file beats default
    EXPECT_EQ(Find(all, "scheduler.aging_limit").source, Source::kFile);
  }
  SchedulerConfig partial;
  ASSERT_TRUE(partial.LoadFile(kData + "partial.toml").ok());
  EXPECT_EQ(partial.Options().num_workers, 2);
  EXPECT_EQ(Find(partial.Effective(), "scheduler.spin_rounds").source,
            Source::kDefault);
}

TEST(SchedulerConfigTest, BadFilesNameKeyValueAndRange) {
  SchedulerConfig c;
  ExpectError(
      c.LoadFile(kData + "out_of_range.toml"),
      {"out_of_range.toml", "scheduler.num_workers", "5000", "[0, 1024]"});
  ExpectError(c.LoadFile(kData + "wrong_type.toml"),
              {"scheduler.num_workers", "an integer in [0, 1024]", "a string"});
  ExpectError(c.LoadFile(kData + "unknown_key.toml"),
              {"unknown key scheduler.num_worker", "scheduler.num_workers"});
  ExpectError(c.LoadFile(kData + "syntax_error.toml"),
              {"syntax_error.toml", "not valid TOML"});
  EXPECT_EQ(c.LoadFile(kData + "missing.toml").code(),
            absl::StatusCode::kNotFound);
  // Nothing from a rejected file was applied.
  for (const Setting& s : c.Effective()) {
    EXPECT_EQ(s.source, Source::kDefault) << s.key;
  }
}

TEST(SchedulerConfigTest, BadTomlText) {
  SchedulerConfig c;
  ExpectError(c.LoadToml("num_workers = 4\n", "t"),
              {"unknown key or table \"num_workers\"", "[scheduler]"});
  ExpectError(c.LoadToml("scheduler = 4\n", "t"),
              {"\"scheduler\" must be a table", "an integer"});
  ExpectError(c.LoadToml("[scheduler]\npin_workers = 1\n", "t"),
              {"scheduler.pin_workers", "a boolean", "got an integer"});
  ExpectError(c.LoadToml("[scheduler]\nsteal_policy = \"fastest\"\n", "t"),
              {"scheduler.steal_policy", "fastest",
               "random_victim, steal_half, locality_aware"});
  ExpectError(c.LoadToml("[scheduler]\naging_limit = 0\n", "t"),
              {"scheduler.aging_limit = 0", "[1, 1000000]"});
  ExpectError(c.LoadToml("[scheduler]\nspin_rounds = -1\n", "t"),
              {"scheduler.spin_rounds = -1", "[0, 1000000]"});
  ExpectError(
      c.LoadToml("[scheduler]\nnum_workers = 99999999999999999999\n", "t"),
      {"scheduler.num_workers", "beyond 64 bits", "[0, 1024]"});
  ExpectError(c.LoadToml("[scheduler]\nnum_workers = 1.5\n", "t"),
              {"scheduler.num_workers", "got a float"});
  ExpectError(
      c.LoadToml("[scheduler]\nnum_workers = 1\nnum_workers = 2\n", "t"),
      {"not valid TOML"});
  // A valid file applies only when every key in it is valid.
  ExpectError(
      c.LoadToml("[scheduler]\nnum_workers = 2\naging_limit = 0\n", "t"),
      {"aging_limit"});
  EXPECT_EQ(Find(c.Effective(), "scheduler.num_workers").source,
            Source::kDefault);
  EXPECT_TRUE(c.LoadToml("", "empty").ok());
  EXPECT_TRUE(c.LoadToml("[scheduler]\n", "empty table").ok());
}

TEST(SchedulerConfigTest, BadEnvironmentNamesVariableValueAndRange) {
  SchedulerConfig c;
  ExpectError(c.LoadEnvironment({"MOIRAI_SCHEDULER_NUM_WORKERS=-3"}),
              {"MOIRAI_SCHEDULER_NUM_WORKERS = -3", "[0, 1024]"});
  ExpectError(
      c.LoadEnvironment({"MOIRAI_SCHEDULER_NUM_WORKERS=four"}),
      {"MOIRAI_SCHEDULER_NUM_WORKERS", "\"four\"", "an integer in [0, 1024]"});
  ExpectError(c.LoadEnvironment({"MOIRAI_SCHEDULER_NUM_WORKERS="}),
              {"MOIRAI_SCHEDULER_NUM_WORKERS", "an integer"});
  ExpectError(c.LoadEnvironment({"MOIRAI_SCHEDULER_PIN_WORKERS=yes"}),
              {"MOIRAI_SCHEDULER_PIN_WORKERS", "\"yes\"", "a boolean"});
  ExpectError(c.LoadEnvironment({"MOIRAI_SCHEDULER_IDLE_POLICY=spin"}),
              {"MOIRAI_SCHEDULER_IDLE_POLICY",
               "spin_then_park, "
               "park_immediately"});
  ExpectError(c.LoadEnvironment({"MOIRAI_SCHEDULER_NUM_WORKER=4"}),
              {"unknown environment variable MOIRAI_SCHEDULER_NUM_WORKER",
               "MOIRAI_SCHEDULER_NUM_WORKERS"});
  ASSERT_TRUE(c.LoadEnvironment({"MOIRAI_SCHEDULER_PIN_WORKERS=1"}).ok());
  EXPECT_TRUE(c.Options().pin_workers);
  EXPECT_EQ(Find(c.Effective(), "scheduler.pin_workers").value, "true");
}

// A whole-program file: the other components' tables are skipped (and not
// checked: config.h's Config checks them), the [scheduler] table applies.
TEST(SchedulerConfigTest, SkipsOtherComponentsTables) {
  SchedulerConfig c;
  ASSERT_TRUE(c.LoadFile(kData + "all_tables.toml").ok());
  EXPECT_EQ(c.Options().num_workers, 2);
  EXPECT_EQ(c.Effective().size(), 7u);
  ExpectError(c.LoadFile(kData + "unknown_table.toml"),
              {"unknown key or table \"io\""});
}

TEST(SchedulerConfigTest, OverrideChecksLikeTheOtherLayers) {
  SchedulerConfig c;
  ExpectError(c.Override("scheduler.nope", "1"),
              {"unknown configuration key scheduler.nope"});
  ExpectError(c.Override("scheduler.num_workers", "2000"),
              {"scheduler.num_workers = 2000", "[0, 1024]"});
  ASSERT_TRUE(c.Override("scheduler.deque_fences", "symmetric").ok());
  EXPECT_EQ(c.Options().deque_fences, lockfree::DequeFences::kSymmetric);
}

}  // namespace
}  // namespace moirai::config
