// Copyright 2026 The Moirai Authors.

#include "moirai/sync/internal/check.h"

#include <cstdio>
#include <cstdlib>

namespace moirai::sync::internal {

void CheckFailed(const char* message, const char* file, int line) noexcept {
  // stdio rather than iostreams: this may run while the heap or the stream
  // locks are in an unknown state, and fprintf to stderr is unbuffered.
  std::fprintf(stderr, "moirai::sync check failed: %s (%s:%d)\n", message, file,
               line);
  std::abort();
}

}  // namespace moirai::sync::internal
