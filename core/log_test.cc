// Copyright 2026 The Moirai Authors.

#include "moirai/core/log.h"

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moirai::core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(LogTest, LevelsAreOrderedAndPrintable) {
  EXPECT_LT(LogLevel::kDebug, LogLevel::kInfo);
  EXPECT_LT(LogLevel::kWarning, LogLevel::kError);
  std::ostringstream os;
  os << LogLevel::kWarning;
  EXPECT_EQ(os.str(), "warning");
  EXPECT_EQ(LogLevelName(static_cast<LogLevel>(9)), "invalid");
}

TEST(LogTest, FormatHasTimeLevelComponentLocationMessageAndFields) {
  LogField fields[] = {{"worker", 3}, {"ratio", 0.5},
                       {"ok", true},  {"who", "two words"},
                       {"empty", ""}, {"quote", "a\"b\n"}};
  LogRecord r;
  r.level = LogLevel::kError;
  r.component = "sched";
  r.message = "stalled";
  r.fields = fields;
  r.time = absl::FromUnixSeconds(0);
  r.file = "x.cc";
  r.line = 12;
  EXPECT_EQ(FormatLogRecord(r),
            "1970-01-01T00:00:00.000000Z E sched x.cc:12] stalled worker=3 "
            "ratio=0.5 ok=true who=\"two words\" empty=\"\" "
            "quote=\"a\\\"b\\n\"");
}

TEST(LogTest, LoggerWritesToItsSinkWithCallerLocation) {
  MemoryLogSink sink;
  Logger log("async", &sink);
  EXPECT_EQ(log.sink(), &sink);
  log.Info("hello", {{"n", 1}});
  const int line = __LINE__ - 1;
  log.Debug("dbg");
  log.Warning("warn");
  log.Error("err", {{"code", "E1"}});
  std::vector<std::string> lines = sink.lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_THAT(lines[0], HasSubstr(" I async log_test.cc:" +
                                  std::to_string(line) + "] hello n=1"));
  EXPECT_THAT(lines[1], HasSubstr(" D async"));
  EXPECT_THAT(lines[2], HasSubstr(" W async"));
  EXPECT_THAT(lines[3], HasSubstr("] err code=E1"));
}

TEST(LogTest, SinksFilterByLevel) {
  MemoryLogSink sink(LogLevel::kWarning);
  EXPECT_FALSE(sink.Enabled(LogLevel::kInfo));
  Log(&sink, LogLevel::kInfo, "c", "dropped");
  Log(&sink, LogLevel::kError, "c", "kept");
  ASSERT_EQ(sink.lines().size(), 1u);
  EXPECT_THAT(sink.lines()[0], HasSubstr("kept"));

  StderrLogSink err(LogLevel::kError);
  EXPECT_FALSE(err.Enabled(LogLevel::kWarning));
  err.set_min_level(LogLevel::kDebug);
  EXPECT_TRUE(err.Enabled(LogLevel::kDebug));
  EXPECT_EQ(err.min_level(), LogLevel::kDebug);

  NullLogSink null;
  EXPECT_FALSE(null.Enabled(LogLevel::kError));
  Log(&null, LogLevel::kError, "c", "nothing happens");
}

TEST(LogTest, StderrSinkWritesOneLine) {
  StderrLogSink sink(LogLevel::kInfo);
  ::testing::internal::CaptureStderr();
  Log(&sink, LogLevel::kInfo, "core", "to stderr", {{"k", "v"}});
  Log(&sink, LogLevel::kDebug, "core", "filtered");
  const std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, HasSubstr(" I core log_test.cc:"));
  EXPECT_THAT(out, HasSubstr("] to stderr k=v\n"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("filtered")));
}

TEST(LogTest, DefaultSinkIsReplaceableAndRestorable) {
  LogSink* builtin = DefaultLogSink();
  ASSERT_NE(builtin, nullptr);
  MemoryLogSink mine;
  EXPECT_EQ(SetDefaultLogSink(&mine), builtin);
  EXPECT_EQ(DefaultLogSink(), &mine);
  Logger log("x");  // No sink: follows the default at each call.
  log.Info("via default");
  Log(nullptr, LogLevel::kInfo, "y", "also via default");
  EXPECT_EQ(mine.lines().size(), 2u);
  EXPECT_EQ(SetDefaultLogSink(nullptr), &mine);
  EXPECT_EQ(DefaultLogSink(), builtin);
  // Passing the built-in sink back also restores it.
  SetDefaultLogSink(&mine);
  EXPECT_EQ(SetDefaultLogSink(builtin), &mine);
  EXPECT_EQ(DefaultLogSink(), builtin);
}

TEST(LogTest, TwoIndependentSinksInOneProcess) {
  MemoryLogSink a, b;
  Logger la("a", &a), lb("b", &b);
  la.Info("1");
  lb.Info("2");
  lb.Info("3");
  EXPECT_EQ(a.lines().size(), 1u);
  EXPECT_EQ(b.lines().size(), 2u);
}

// Conserved quantity: every record written concurrently is kept once.
TEST(LogTest, ConcurrentWritersLoseNothing) {
  MemoryLogSink sink;
  const int threads = 4, per_thread = 200;
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&sink, t] {
      Logger log("w", &sink);
      for (int i = 0; i < per_thread; ++i) log.Info("m", {{"t", t}, {"i", i}});
    });
  }
  // Swapping the default concurrently with logging is allowed.
  MemoryLogSink other;
  for (int i = 0; i < 100; ++i) {
    SetDefaultLogSink(i % 2 ? &other : nullptr);
  }
  SetDefaultLogSink(nullptr);
  for (auto& t : ts) t.join();
  EXPECT_EQ(sink.lines().size(),
            static_cast<std::size_t>(threads * per_thread));
}

}  // namespace
}  // namespace moirai::core
