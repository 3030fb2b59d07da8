// Copyright 2026 The Moirai Authors.
//
// memory/aligned.cc
// -----------------------------------------------------------------------------

#include "moirai/memory/aligned.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace moirai::memory {

std::size_t RuntimeCacheLineSize() noexcept {
#ifdef _SC_LEVEL1_DCACHE_LINESIZE
  const long v = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
  if (v > 0) return static_cast<std::size_t>(v);
#endif
  std::ifstream in(
      "/sys/devices/system/cpu/cpu0/cache/index0/coherency_line_size");
  std::size_t n = 0;
  if (in >> n) return n;
  return 0;
}

absl::StatusOr<void*> AlignedAlloc(std::size_t size, std::size_t alignment) {
  if (size == 0) {
    return absl::InvalidArgumentError("AlignedAlloc: size must be > 0");
  }
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "AlignedAlloc: alignment %d is not a power of two", alignment));
  }
  if (alignment < sizeof(void*)) alignment = sizeof(void*);
  void* p = nullptr;
  const int rc = posix_memalign(&p, alignment, size);
  if (rc == EINVAL) {
    return absl::InvalidArgumentError(
        absl::StrFormat("AlignedAlloc: alignment %d rejected", alignment));
  }
  if (rc != 0 || p == nullptr) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "AlignedAlloc: no memory for %d bytes aligned to %d", size, alignment));
  }
  return p;
}

void AlignedFree(void* p) noexcept { std::free(p); }

}  // namespace moirai::memory
