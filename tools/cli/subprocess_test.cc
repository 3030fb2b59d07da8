// Copyright 2026 The Moirai Authors.
//
// tools/cli/subprocess_test.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/subprocess.h"

#include <signal.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moirai::cli {
namespace {

using ::testing::HasSubstr;

void Ignore(absl::string_view) {}

TEST(RunCommandTest, CapturesOutputAndStatus) {
  int ticks = 0;
  absl::StatusOr<CommandResult> r =
      RunCommand({"/bin/sh", "-c", "echo out; echo err >&2; pwd; exit 3"},
                 "/tmp", [&](absl::string_view) { ++ticks; });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->ok());
  EXPECT_FALSE(r->signaled);
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->out, "out\n/tmp\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->Describe(), "exited with status 3");
  EXPECT_GE(ticks, 1);  // at least the final call
}

TEST(RunCommandTest, LargeOutputIsNotTruncated) {
  absl::StatusOr<CommandResult> r = RunCommand(
      {"/bin/sh", "-c",
       "i=0; while [ $i -lt 20000 ]; do echo 0123456789; i=$((i+1)); done"},
      "/", Ignore);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->out.size(), 20000u * 11);
}

TEST(RunCommandTest, StdinIsEmpty) {
  absl::StatusOr<CommandResult> r = RunCommand({"/bin/cat"}, "/", Ignore);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->out, "");
}

TEST(RunCommandTest, Signal) {
  absl::StatusOr<CommandResult> r =
      RunCommand({"/bin/sh", "-c", "kill -SEGV $$"}, "/", Ignore);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->signaled);
  EXPECT_EQ(r->signal, SIGSEGV);
  EXPECT_THAT(r->Describe(), HasSubstr("killed by signal 11"));
}

TEST(RunCommandTest, MissingProgramOrDirectoryIsAnError) {
  absl::StatusOr<CommandResult> r =
      RunCommand({"/nonexistent/moirai-no-such-program"}, "/", Ignore);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("No such file"));
  r = RunCommand({"/bin/true"}, "/nonexistent-dir-for-moirai", Ignore);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(RunCommand({}, "/", Ignore).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TailLinesTest, LastLinesWithoutSkipped) {
  EXPECT_EQ(TailLines("a\nb\nnoise c\nd\n", 2, "noise"), "b\nd");
  EXPECT_EQ(TailLines("a\nb", 5, ""), "a\nb");
  EXPECT_EQ(TailLines("", 5, ""), "");
}

}  // namespace
}  // namespace moirai::cli
