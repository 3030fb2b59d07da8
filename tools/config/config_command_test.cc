// Copyright 2026 The Moirai Authors.

#include "moirai/tools/config/config_command.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace moirai::config {
namespace {

struct CommandResult {
  int code;
  std::string out;
  std::string err;
};

CommandResult Config(std::vector<std::string> args,
                     std::vector<std::string> env = {}) {
  std::ostringstream out, err;
  const int code = RunConfigCommand(args, out, err, &env);
  return {code, out.str(), err.str()};
}

const std::string kData = "tools/config/testdata/";

TEST(ConfigCommandTest, CheckGoodAndBadFiles) {
  CommandResult ok = Config({"check", kData + "good.toml"});
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_TRUE(absl::StrContains(ok.out, "ok (7 of 35 keys set by the file)"))
      << ok.out;

  CommandResult bad = Config({"check", kData + "out_of_range.toml"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_TRUE(absl::StrContains(
      bad.err, "scheduler.num_workers = 5000 is out of range [0, 1024]"))
      << bad.err;

  CommandResult missing = Config({"check", kData + "missing.toml"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(absl::StrContains(missing.err, "cannot read")) << missing.err;

  CommandResult env = Config({"check", kData + "good.toml"},
                             {"MOIRAI_SCHEDULER_SPIN_ROUNDS=x"});
  EXPECT_EQ(env.code, 1);
  EXPECT_TRUE(absl::StrContains(env.err, "MOIRAI_SCHEDULER_SPIN_ROUNDS"));
}

TEST(ConfigCommandTest, ShowPrintsValuesAndSources) {
  CommandResult r = Config({"show", kData + "partial.toml"},
                           {"MOIRAI_SCHEDULER_AGING_LIMIT=3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "scheduler.num_workers"));
  EXPECT_TRUE(absl::StrContains(r.out, "(file: " + kData + "partial.toml)"))
      << r.out;
  EXPECT_TRUE(
      absl::StrContains(r.out, "(environment: MOIRAI_SCHEDULER_AGING_LIMIT)"))
      << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "(default)")) << r.out;
  // Every key of every table, one line each: 7 + 4 + 13 + 11.
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 35) << r.out;
  for (const char* key : {"scheduler.aging_limit", "fibers.stack_size",
                          "rt.policy", "distributed.retry_budget_ratio"}) {
    EXPECT_TRUE(absl::StrContains(r.out, key)) << key;
  }

  CommandResult defaults = Config({"show"});
  EXPECT_EQ(defaults.code, 0);
  EXPECT_FALSE(absl::StrContains(defaults.out, "(file"));
}

TEST(ConfigCommandTest, ChecksEveryTable) {
  CommandResult ok = Config({"check", kData + "all_tables.toml"});
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_TRUE(absl::StrContains(ok.out, "ok (29 of 35 keys set by the file)"))
      << ok.out;
  CommandResult bad = Config({"check", kData + "rt_bad_policy.toml"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_TRUE(absl::StrContains(bad.err, "rt.policy")) << bad.err;
  CommandResult env = Config({"check", kData + "all_tables.toml"},
                             {"MOIRAI_FIBERS_STACK_SIZE=12"});
  EXPECT_EQ(env.code, 1);
  EXPECT_TRUE(absl::StrContains(env.err, "MOIRAI_FIBERS_STACK_SIZE = 12"))
      << env.err;
}

TEST(ConfigCommandTest, WarnsAboutVariablesOfNoTable) {
  CommandResult r = Config({"show"}, {"MOIRAI_SCHEDULR_NUM_WORKERS=4"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(
      r.err, "warning: MOIRAI_SCHEDULR_NUM_WORKERS is ignored"))
      << r.err;
}

TEST(ConfigCommandTest, UsageErrors) {
  EXPECT_EQ(Config({}).code, 2);
  EXPECT_EQ(Config({"check"}).code, 2);
  EXPECT_EQ(Config({"check", "a", "b"}).code, 2);
  EXPECT_EQ(Config({"frobnicate"}).code, 2);
  EXPECT_EQ(Config({"help"}).code, 0);
}

}  // namespace
}  // namespace moirai::config
