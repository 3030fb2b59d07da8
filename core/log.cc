// Copyright 2026 The Moirai Authors.

#include "moirai/core/log.h"

#include <unistd.h>

#include <cerrno>

#include "absl/strings/escaping.h"
#include "absl/time/clock.h"

namespace moirai::core {
namespace {

// The default sink; nullptr means the built-in one. Acquire/release: a sink
// constructed before SetDefaultLogSink() is fully visible to a thread that
// loads the pointer and calls it.
std::atomic<LogSink*> g_default_sink{nullptr};

LogSink* BuiltinSink() noexcept {
  // Never destroyed, so logging during static destruction stays safe.
  static StderrLogSink* const sink = new StderrLogSink(LogLevel::kWarning);
  return sink;
}

bool NeedsQuoting(absl::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '=' || c == '"' || c == '\\' || u < 0x20 ||
        u == 0x7f) {
      return true;
    }
  }
  return false;
}

char LevelLetter(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return 'D';
    case LogLevel::kInfo:
      return 'I';
    case LogLevel::kWarning:
      return 'W';
    case LogLevel::kError:
      return 'E';
  }
  return '?';
}

absl::string_view Basename(absl::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

absl::string_view LogLevelName(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "invalid";
}

std::ostream& operator<<(std::ostream& os, LogLevel level) {
  const absl::string_view name = LogLevelName(level);
  return os.write(name.data(), static_cast<std::streamsize>(name.size()));
}

std::string FormatLogRecord(const LogRecord& record) {
  std::string out = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", record.time,
                                     absl::UTCTimeZone());
  out.push_back(' ');
  out.push_back(LevelLetter(record.level));
  if (!record.component.empty()) absl::StrAppend(&out, " ", record.component);
  if (!record.file.empty()) {
    absl::StrAppend(&out, " ", record.file, ":", record.line);
  }
  absl::StrAppend(&out, "] ", record.message);
  for (const LogField& f : record.fields) {
    absl::StrAppend(&out, " ", f.key, "=");
    if (NeedsQuoting(f.value)) {
      absl::StrAppend(&out, "\"", absl::CEscape(f.value), "\"");
    } else {
      out += f.value;
    }
  }
  return out;
}

void StderrLogSink::Write(const LogRecord& record) noexcept {
  if (!Enabled(record.level)) return;
  std::string line;
  try {
    line = FormatLogRecord(record);
  } catch (...) {
    return;  // Out of memory while logging: drop the record.
  }
  line.push_back('\n');
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr closed or broken: nothing to report to.
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void MemoryLogSink::Write(const LogRecord& record) noexcept {
  if (!Enabled(record.level)) return;
  try {
    std::string line = FormatLogRecord(record);
    internal::AnnotatedMutexLock lock(&mu_);
    lines_.push_back(std::move(line));
  } catch (...) {
    // Out of memory: drop the record (Write must not throw).
  }
}

std::vector<std::string> MemoryLogSink::lines() const {
  internal::AnnotatedMutexLock lock(&mu_);
  return lines_;
}

LogSink* DefaultLogSink() noexcept {
  LogSink* sink = g_default_sink.load(std::memory_order_acquire);
  return sink != nullptr ? sink : BuiltinSink();
}

LogSink* SetDefaultLogSink(LogSink* sink) noexcept {
  // Report the built-in sink (not nullptr) as the previous one so that
  // callers can restore it by passing it back.
  LogSink* previous = g_default_sink.exchange(
      sink == BuiltinSink() ? nullptr : sink, std::memory_order_acq_rel);
  return previous != nullptr ? previous : BuiltinSink();
}

void Log(LogSink* sink, LogLevel level, absl::string_view component,
         absl::string_view message, std::initializer_list<LogField> fields,
         LogLocation location) {
  if (sink == nullptr) sink = DefaultLogSink();
  if (!sink->Enabled(level)) return;
  LogRecord record;
  record.level = level;
  record.component = component;
  record.message = message;
  record.fields = absl::MakeConstSpan(fields.begin(), fields.size());
  record.time = absl::Now();
  record.file = Basename(location.file);
  record.line = location.line;
  sink->Write(record);
}

}  // namespace moirai::core
