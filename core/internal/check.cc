// Copyright 2026 The Moirai Authors.

#include "moirai/core/internal/check.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace moirai::core::internal {
namespace {

void WriteAll(const char* s) noexcept {
  std::size_t left = std::strlen(s);
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, s, left);
    if (n <= 0) return;  // Nothing better to do while crashing.
    s += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

void CheckFailed(const char* file, int line, const char* condition,
                 const char* message) noexcept {
  char line_buf[16];
  int i = static_cast<int>(sizeof(line_buf)) - 1;
  line_buf[i] = '\0';
  unsigned value = line < 0 ? 0u : static_cast<unsigned>(line);
  do {
    line_buf[--i] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0 && i > 0);
  WriteAll(file);
  WriteAll(":");
  WriteAll(line_buf + i);
  WriteAll(": Moirai check failed: ");
  WriteAll(condition);
  WriteAll(": ");
  WriteAll(message);
  WriteAll("\n");
  std::abort();
}

}  // namespace moirai::core::internal
