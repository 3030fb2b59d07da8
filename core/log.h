// Copyright 2026 The Moirai Authors.
//
// core/log.h
// -----------------------------------------------------------------------------
//
// A small, pluggable logging interface. Moirai never forces a logger on its
// users: library code writes `LogRecord`s to a `LogSink`, and users plug in
// their own sink (forwarding to glog, spdlog, syslog, a test buffer, ...).
//
//   * `LogSink` is the interface: `Enabled(level)` (a cheap filter) and
//     `Write(record)`. Sinks must be thread-safe.
//   * `StderrLogSink` is the default: one line per record, leveled (kWarning
//     and up by default), with `key=value` fields.
//   * `NullLogSink` drops everything; `MemoryLogSink` keeps formatted lines
//     (for tests).
//   * `Logger` is what components hold: a component name plus a sink (nullptr
//     = the process default, looked up at each call).
//
// Global state: exactly one process-wide pointer, the default sink, which
// components use only when they were given no sink. It starts as a built-in
// `StderrLogSink(kWarning)`. `SetDefaultLogSink()` replaces it atomically and
// is safe to call concurrently with logging; the caller keeps the installed
// sink alive for as long as any thread may still be logging to it (in
// practice: for the rest of the process, or until the components using it are
// gone). Two schedulers in one process can use two different sinks by being
// given them explicitly.
//
// Example:
//
//   moirai::core::Logger log("sched");
//   log.Warning("worker stalled", {{"worker", 3}, {"ms", 12.5}});
//   // 2026-11-26T14:30:00.123456Z W sched scheduler.cc:120] worker stalled
//   //   worker=3 ms=12.5           (on one line)

#ifndef MOIRAI_CORE_LOG_H_
#define MOIRAI_CORE_LOG_H_

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "moirai/core/internal/annotated_mutex.h"

namespace moirai::core {

// LogLevel
//
// Ordered by severity: kDebug < kInfo < kWarning < kError.
enum class LogLevel : std::uint8_t {
  kDebug = 0,
  kInfo = 1,
  kWarning = 2,
  kError = 3,
};

// LogLevelName()
//
// "debug", "info", "warning", "error" ("invalid" for other values).
absl::string_view LogLevelName(LogLevel level) noexcept;
std::ostream& operator<<(std::ostream& os, LogLevel level);

// LogLocation
//
// A source position. `LogLocation::current()` as a default argument captures
// the caller's file and line (std::source_location is not usable with clang
// 14 on libstdc++ 12, so this uses the builtins both compilers provide).
struct LogLocation {
  static constexpr LogLocation current(const char* file = __builtin_FILE(),
                                       int line = __builtin_LINE()) noexcept {
    return LogLocation{file, line};
  }
  const char* file;
  int line;
};

// LogField
//
// One `key=value` pair. The value is anything `absl::StrCat` accepts
// (strings, integers, floating point, ...), formatted when the field is made.
struct LogField {
  LogField(absl::string_view k, const absl::AlphaNum& v)
      : key(k), value(v.Piece()) {}
  // Booleans print as true/false. A template, so that integers still pick
  // the AlphaNum constructor instead of converting to bool.
  template <typename B, typename = std::enable_if_t<std::is_same_v<B, bool>>>
  LogField(absl::string_view k, B v) : key(k), value(v ? "true" : "false") {}

  absl::string_view key;  // usually a literal; valid during the log call
  std::string value;
};

// LogRecord
//
// What a sink receives. The views are valid only during `Write()`.
struct LogRecord {
  LogLevel level = LogLevel::kInfo;
  absl::string_view component;  // "sched", "async.io", ... (may be empty)
  absl::string_view message;
  absl::Span<const LogField> fields;
  absl::Time time;
  absl::string_view file;  // basename of the source file
  int line = 0;
};

// FormatLogRecord()
//
// The default one-line text form, without a trailing newline:
//   <RFC3339 UTC time> <D|I|W|E> <component> <file>:<line>] <message> k=v ...
// Values containing spaces, '=', '"' or control characters are quoted with
// C-style escapes.
std::string FormatLogRecord(const LogRecord& record);

// LogSink
//
// The interface users implement. Both methods are called concurrently from
// any thread and must be thread-safe.
class LogSink {
 public:
  virtual ~LogSink() = default;

  // LogSink::Enabled()
  //
  // Whether records at `level` would be written; callers may skip building
  // a record otherwise. Default: everything.
  virtual bool Enabled(LogLevel /*level*/) const noexcept { return true; }

  // LogSink::Write()
  //
  // Consumes one record. Must not throw.
  virtual void Write(const LogRecord& record) noexcept = 0;
};

// StderrLogSink
//
// Writes `FormatLogRecord(record)` plus '\n' with one write(2) call per
// record (lines from different threads do not interleave for lines shorter
// than the pipe buffer). Thread-safe; the level can be changed at any time.
class StderrLogSink final : public LogSink {
 public:
  explicit StderrLogSink(LogLevel min_level = LogLevel::kWarning) noexcept
      : min_level_(min_level) {}

  bool Enabled(LogLevel level) const noexcept override {
    // Relaxed: the level is a standalone setting, nothing is published by it.
    return level >= min_level_.load(std::memory_order_relaxed);
  }
  void Write(const LogRecord& record) noexcept override;

  void set_min_level(LogLevel level) noexcept {
    min_level_.store(level, std::memory_order_relaxed);
  }
  LogLevel min_level() const noexcept {
    return min_level_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<LogLevel> min_level_;
};

// NullLogSink
//
// Drops everything (Enabled() is false for all levels).
class NullLogSink final : public LogSink {
 public:
  bool Enabled(LogLevel) const noexcept override { return false; }
  void Write(const LogRecord&) noexcept override {}
};

// MemoryLogSink
//
// Keeps every record at or above `min_level` as a formatted line, for tests.
// Thread-safe.
class MemoryLogSink final : public LogSink {
 public:
  explicit MemoryLogSink(LogLevel min_level = LogLevel::kDebug) noexcept
      : min_level_(min_level) {}
  bool Enabled(LogLevel level) const noexcept override {
    return level >= min_level_;
  }
  void Write(const LogRecord& record) noexcept override;

  // MemoryLogSink::lines()
  //
  // A copy of the lines written so far, in order.
  std::vector<std::string> lines() const;

 private:
  const LogLevel min_level_;
  mutable internal::AnnotatedMutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

// DefaultLogSink()
//
// The process-wide default sink (never nullptr). See the file comment.
LogSink* DefaultLogSink() noexcept;

// SetDefaultLogSink()
//
// Installs `sink` as the default (nullptr restores the built-in stderr sink)
// and returns the previous default. Thread-safe. The caller keeps `sink`
// alive while it may be used (see the file comment).
LogSink* SetDefaultLogSink(LogSink* sink) noexcept;

// Log()
//
// Writes one record to `sink` (nullptr: the default sink) if it is enabled
// for `level`. `location` defaults to the caller's.
void Log(LogSink* sink, LogLevel level, absl::string_view component,
         absl::string_view message, std::initializer_list<LogField> fields = {},
         LogLocation location = LogLocation::current());

// Logger
//
// A component's handle on logging. Cheap to copy; thread-safe to use.
class Logger {
 public:
  // Logger::Logger()
  //
  // `sink` nullptr means the process default at the time of each call.
  explicit Logger(std::string component, LogSink* sink = nullptr)
      : component_(std::move(component)), sink_(sink) {}

  // Logger::sink()
  //
  // The sink calls go to now (resolving the default).
  LogSink* sink() const noexcept {
    return sink_ != nullptr ? sink_ : DefaultLogSink();
  }
  const std::string& component() const noexcept { return component_; }

  // Logger::Enabled()
  //
  // Guard expensive field construction with it.
  bool Enabled(LogLevel level) const noexcept { return sink()->Enabled(level); }

  void Log(LogLevel level, absl::string_view message,
           std::initializer_list<LogField> fields = {},
           LogLocation location = LogLocation::current()) const {
    core::Log(sink(), level, component_, message, fields, location);
  }
  void Debug(absl::string_view message,
             std::initializer_list<LogField> fields = {},
             LogLocation location = LogLocation::current()) const {
    Log(LogLevel::kDebug, message, fields, location);
  }
  void Info(absl::string_view message,
            std::initializer_list<LogField> fields = {},
            LogLocation location = LogLocation::current()) const {
    Log(LogLevel::kInfo, message, fields, location);
  }
  void Warning(absl::string_view message,
               std::initializer_list<LogField> fields = {},
               LogLocation location = LogLocation::current()) const {
    Log(LogLevel::kWarning, message, fields, location);
  }
  void Error(absl::string_view message,
             std::initializer_list<LogField> fields = {},
             LogLocation location = LogLocation::current()) const {
    Log(LogLevel::kError, message, fields, location);
  }

 private:
  std::string component_;
  LogSink* sink_;
};

}  // namespace moirai::core

#endif  // MOIRAI_CORE_LOG_H_
