// Copyright 2026 The Moirai Authors.
//
// Config: every component's table (valid, out of range, wrong type, unknown
// key, precedence), and that the options it gives are accepted by each
// component's own Create()/constructor checks where that is cheap.

#include "moirai/tools/config/config.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "moirai/async/runtime.h"
#include "moirai/distributed/cluster.h"
#include "moirai/rt/executor.h"
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

void ExpectError(const absl::Status& s, std::vector<std::string> parts) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  for (const std::string& p : parts) {
    EXPECT_TRUE(absl::StrContains(s.message(), p))
        << "\"" << s.message() << "\" does not name \"" << p << "\"";
  }
}

TEST(ConfigTest, DefaultsAreEachComponentsDefaults) {
  Config c;
  const std::vector<Setting> all = c.Effective();
  ASSERT_EQ(all.size(), 35u);
  for (const Setting& s : all) EXPECT_EQ(s.source, Source::kDefault) << s.key;
  const async::RuntimeOptions f;
  EXPECT_EQ(c.Fibers().stack_size, f.stack_size);
  EXPECT_EQ(c.Fibers().guard_size, f.guard_size);
  EXPECT_EQ(c.Fibers().max_cached_stacks, f.max_cached_stacks);
  EXPECT_EQ(Find(all, "fibers.stack_size").value, std::to_string(f.stack_size));
  const rt::ExecutorOptions r;
  EXPECT_EQ(c.Rt().dispatcher.policy, r.dispatcher.policy);
  EXPECT_EQ(Find(all, "rt.policy").value, "edf");
  EXPECT_EQ(Find(all, "rt.admission").value, "exact");
  EXPECT_EQ(c.Rt().dispatcher.max_tasks, r.dispatcher.max_tasks);
  const distributed::ClusterOptions d;
  EXPECT_EQ(c.Distributed().retry_budget_ratio, d.retry_budget_ratio);
  EXPECT_EQ(Find(all, "distributed.retry_budget_ratio").value, "0.1");
  EXPECT_EQ(c.Distributed().decode_limits.max_elements,
            d.decode_limits.max_elements);
  EXPECT_EQ(c.Scheduler().aging_limit, sched::SchedulerOptions{}.aging_limit);
}

TEST(ConfigTest, FileSetsEveryTable) {
  Config c;
  ASSERT_TRUE(c.LoadFile(kData + "all_tables.toml").ok());
  EXPECT_EQ(c.Scheduler().num_workers, 2);

  const async::RuntimeOptions f = c.Fibers();
  EXPECT_EQ(f.num_workers, 2);
  EXPECT_EQ(f.stack_size, 262144u);
  EXPECT_EQ(f.guard_size, 65536u);
  EXPECT_EQ(f.max_cached_stacks, 16u);

  const rt::ExecutorOptions r = c.Rt();
  EXPECT_EQ(r.workers, 1);
  EXPECT_EQ(r.dispatcher.policy, rt::Policy::kRateMonotonic);
  EXPECT_EQ(r.dispatcher.admission, rt::AdmissionMode::kNone);
  EXPECT_FALSE(r.dispatcher.budgets);
  EXPECT_EQ(r.dispatcher.rr_quantum, 1000000);
  EXPECT_EQ(r.dispatcher.max_tasks, 32);
  EXPECT_EQ(r.dispatcher.max_pending_jobs, 8);
  EXPECT_EQ(r.kernel.requested, rt::KernelClass::kDeadline);
  EXPECT_EQ(r.kernel.fifo_priority, 20);
  EXPECT_EQ(r.kernel.dl_runtime, 200000);
  EXPECT_EQ(r.kernel.dl_deadline, 1000000);
  EXPECT_EQ(r.kernel.dl_period, 1000000);
  EXPECT_TRUE(r.kernel.lock_memory);
  EXPECT_TRUE(rt::ValidateKernelClassOptions(r.kernel).ok());

  const distributed::ClusterOptions d = c.Distributed();
  EXPECT_EQ(d.workers_per_node, 3);
  EXPECT_TRUE(d.force_codec_round_trip);
  EXPECT_EQ(d.admission_capacity, 64);
  EXPECT_EQ(d.result_cache_capacity, 0);
  EXPECT_EQ(d.placement.local_threshold, 0.75);
  EXPECT_EQ(d.placement.max_hops, 5);
  EXPECT_EQ(d.seed, 42u);
  EXPECT_EQ(d.retry_budget_ratio, 0.25);
  EXPECT_EQ(d.retry_budget_initial, 3.0);  // an integer for a number key
  EXPECT_EQ(d.decode_limits.max_elements, 1000u);
  EXPECT_EQ(d.decode_limits.max_depth, 8);

  int from_file = 0;
  for (const Setting& s : c.Effective()) {
    if (s.source == Source::kFile) {
      ++from_file;
      EXPECT_EQ(s.origin, kData + "all_tables.toml");
    }
  }
  EXPECT_EQ(from_file, 29);

  // The fibers options start a runtime.
  absl::StatusOr<std::unique_ptr<async::Runtime>> runtime =
      async::Runtime::Create(f);
  ASSERT_TRUE(runtime.ok()) << runtime.status();
}

TEST(ConfigTest, OutOfRangeNamesKeyValueAndRange) {
  Config c;
  ExpectError(c.LoadFile(kData + "fibers_out_of_range.toml"),
              {"fibers_out_of_range.toml", "fibers.stack_size = 1024",
               "[16384, 1099511627776]"});
  ExpectError(c.LoadToml("[rt]\nworkers = 0\n", "t"),
              {"rt.workers = 0", "[1, 1024]"});
  ExpectError(c.LoadToml("[rt]\nmax_tasks = 4097\n", "t"),
              {"rt.max_tasks = 4097", "[1, 4096]"});
  ExpectError(c.LoadToml("[rt]\nkernel_fifo_priority = 100\n", "t"),
              {"rt.kernel_fifo_priority = 100", "[1, 99]"});
  ExpectError(c.LoadToml("[rt]\nkernel_class = \"idle\"\n", "t"),
              {"rt.kernel_class", "\"idle\"", "other, fifo, deadline"});
  ExpectError(c.LoadToml("[distributed]\nretry_budget_ratio = -0.5\n", "t"),
              {"distributed.retry_budget_ratio = -0.5", "[0, 1e+06]"});
  ExpectError(c.LoadToml("[distributed]\nretry_budget_ratio = nan\n", "t"),
              {"distributed.retry_budget_ratio", "a number in [0, 1e+06]"});
  ExpectError(c.LoadToml("[distributed]\nseed = -1\n", "t"),
              {"distributed.seed = -1"});
  ExpectError(
      c.LoadToml("[distributed]\ndecode_max_elements = 4294967296\n", "t"),
      {"distributed.decode_max_elements", "[1, 4294967295]"});
  ExpectError(c.LoadFile(kData + "rt_bad_policy.toml"),
              {"rt.policy", "\"lottery\"",
               "fifo, round_robin, edf, rate_monotonic, deadline_monotonic"});
  for (const Setting& s : c.Effective()) {
    EXPECT_EQ(s.source, Source::kDefault) << s.key;
  }
}

// Found by //tools/config:config_fuzzer: invalid UTF-8 inside a literal
// string made Debian's toml11 3.7.1 read out of bounds. The document is now
// checked for UTF-8 first; well-formed multi-byte text is still accepted.
TEST(ConfigTest, InvalidUtf8IsAnErrorNamingTheByteAndLine) {
  Config c;
  ExpectError(c.LoadToml("[rt]\nkernel_class = 'fi\xff'\n", "t"),
              {"t: not valid TOML", "not UTF-8", "byte 23", "line 2"});
  ExpectError(c.LoadToml("# \xc0\xaf overlong\n", "t"), {"byte 2", "line 1"});
  ExpectError(c.LoadToml("# \xed\xa0\x80 surrogate\n", "t"), {"byte 2"});
  ExpectError(c.LoadToml("# \xe2\x82 truncated", "t"), {"byte 2"});
  EXPECT_TRUE(c.LoadToml("# caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n"
                         "[rt]\nworkers = 2\n",
                         "t")
                  .ok());
  EXPECT_EQ(c.Rt().workers, 2);
}

TEST(ConfigTest, WrongTypeAndUnknownKeysAndTables) {
  Config c;
  ExpectError(c.LoadFile(kData + "distributed_wrong_type.toml"),
              {"distributed.retry_budget_ratio", "a number", "got a string"});
  ExpectError(c.LoadToml("[fibers]\nstack_size = 1.5\n", "t"),
              {"fibers.stack_size", "got a float"});
  ExpectError(c.LoadToml("[rt]\nbudgets = \"yes\"\n", "t"),
              {"rt.budgets", "a boolean", "got a string"});
  ExpectError(c.LoadFile(kData + "distributed_unknown_key.toml"),
              {"unknown key distributed.seeds", "distributed.seed"});
  ExpectError(c.LoadFile(kData + "unknown_table.toml"),
              {"unknown key or table \"io\"",
               "[scheduler], [fibers], [rt], [distributed]"});
  ExpectError(c.LoadToml("rt = 1\n", "t"), {"\"rt\" must be a table"});
  ExpectError(c.Override("rt.nope", "1"),
              {"unknown configuration key rt.nope"});
  ExpectError(c.Override("nope", "1"), {"unknown configuration key nope"});
}

TEST(ConfigTest, EnvironmentForEveryTable) {
  Config c;
  ASSERT_TRUE(c.LoadEnvironment(
                   {"MOIRAI_FIBERS_STACK_SIZE=65536", "MOIRAI_RT_POLICY=fifo",
                    "MOIRAI_DISTRIBUTED_PLACEMENT_LOCAL_THRESHOLD=2",
                    "MOIRAI_DISTRIBUTED_FORCE_CODEC_ROUND_TRIP=1",
                    "MOIRAI_SCHEDULER_NUM_WORKERS=1"})
                  .ok());
  EXPECT_EQ(c.Fibers().stack_size, 65536u);
  EXPECT_EQ(c.Rt().dispatcher.policy, rt::Policy::kFifo);
  EXPECT_EQ(c.Distributed().placement.local_threshold, 2.0);
  EXPECT_TRUE(c.Distributed().force_codec_round_trip);
  EXPECT_EQ(c.Scheduler().num_workers, 1);
  EXPECT_EQ(Find(c.Effective(), "rt.policy").origin, "MOIRAI_RT_POLICY");

  ExpectError(
      c.LoadEnvironment({"MOIRAI_RT_SEED=1"}),
      {"unknown environment variable MOIRAI_RT_SEED", "MOIRAI_RT_MAX_TASKS"});
  ExpectError(c.LoadEnvironment({"MOIRAI_FIBERS_GUARD_SIZE=0"}),
              {"MOIRAI_FIBERS_GUARD_SIZE = 0", "[1, 1073741824]"});
  ExpectError(c.LoadEnvironment({"MOIRAI_DISTRIBUTED_RETRY_BUDGET_RATIO=x"}),
              {"MOIRAI_DISTRIBUTED_RETRY_BUDGET_RATIO", "\"x\"", "a number"});
  // No table of that name: ignored and reported, not an error.
  ASSERT_TRUE(c.LoadEnvironment({"MOIRAI_TEST_CLOCK_STEP=1",
                                 "MOIRAI_SCHEDULR_NUM_WORKERS=4", "MOIRAI_X",
                                 "PATH=/bin"})
                  .ok());
  EXPECT_EQ(
      c.IgnoredEnvironment(),
      (std::vector<std::string>{"MOIRAI_TEST_CLOCK_STEP",
                                "MOIRAI_SCHEDULR_NUM_WORKERS", "MOIRAI_X"}));
}

TEST(ConfigTest, PrecedenceIsCodeThenEnvironmentThenFileInEveryTable) {
  const std::vector<std::string> env = {"MOIRAI_FIBERS_MAX_CACHED_STACKS=5",
                                        "MOIRAI_RT_MAX_TASKS=9",
                                        "MOIRAI_DISTRIBUTED_SEED=7"};
  for (bool env_first : {false, true}) {
    Config c;
    if (env_first) {
      ASSERT_TRUE(c.LoadEnvironment(env).ok());
    }
    ASSERT_TRUE(c.Override("rt.max_tasks", "10").ok());
    ASSERT_TRUE(c.Override("distributed.decode_max_depth", "3").ok());
    ASSERT_TRUE(c.LoadFile(kData + "all_tables.toml").ok());
    if (!env_first) {
      ASSERT_TRUE(c.LoadEnvironment(env).ok());
    }
    const std::vector<Setting> all = c.Effective();
    EXPECT_EQ(c.Fibers().max_cached_stacks, 5u);  // env beats file
    EXPECT_EQ(Find(all, "fibers.max_cached_stacks").source,
              Source::kEnvironment);
    EXPECT_EQ(c.Fibers().stack_size, 262144u);   // file beats default
    EXPECT_EQ(c.Rt().dispatcher.max_tasks, 10);  // code beats env and file
    EXPECT_EQ(Find(all, "rt.max_tasks").source, Source::kCode);
    EXPECT_EQ(c.Distributed().seed, 7u);
    EXPECT_EQ(c.Distributed().decode_limits.max_depth, 3);  // code beats file
    EXPECT_EQ(Find(all, "distributed.decode_max_depth").origin, "code");
  }
}

}  // namespace
}  // namespace moirai::config
