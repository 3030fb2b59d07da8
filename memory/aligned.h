// Copyright 2026 The Moirai Authors.
//
// memory/aligned.h
// -----------------------------------------------------------------------------
//
// Cache-line alignment helpers and aligned allocation:
//
//   * `CacheAligned<T>`: a T alone on its cache line(s), so data written by
//     different threads does not false-share:
//         std::array<moirai::memory::CacheAligned<std::atomic<int>>, 8>
//         counters;
//   * `FalseSharingAligned<T>`: the same at `core::kFalseSharingRange` (two
//     lines, for CPUs whose adjacent-line prefetcher pulls pairs of lines).
//   * `CacheLinePad`: explicit padding between fields.
//   * `AlignedAlloc()` / `AlignedFree()`: heap memory with a chosen alignment,
//     with bad arguments reported as `absl::Status`.
//   * `RuntimeCacheLineSize()`: the L1 data line size the system reports, to
//     check `core::kCacheLineSize` against the machine.

#ifndef MOIRAI_MEMORY_ALIGNED_H_
#define MOIRAI_MEMORY_ALIGNED_H_

#include <cstddef>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "moirai/core/arch.h"

namespace moirai::memory {

// CacheAligned
//
// Holds a `T` aligned to `Align` bytes; `sizeof` is a multiple of `Align`,
// so neighbours in an array never share a line. `Align` must be a power of
// two. Access the value with `*`, `->` or `get()`.
template <typename T, std::size_t Align = core::kCacheLineSize>
struct alignas(Align) CacheAligned {
  static_assert((Align & (Align - 1)) == 0, "Align must be a power of two");
  static_assert(Align >= alignof(T), "Align weaker than T's own alignment");

  CacheAligned() = default;
  template <typename... Args,
            typename = std::enable_if_t<std::is_constructible_v<T, Args...>>>
  explicit CacheAligned(std::in_place_t, Args&&... args)
      : value(std::forward<Args>(args)...) {}

  T& get() noexcept { return value; }
  const T& get() const noexcept { return value; }
  T& operator*() noexcept { return value; }
  const T& operator*() const noexcept { return value; }
  T* operator->() noexcept { return &value; }
  const T* operator->() const noexcept { return &value; }

  T value{};
};

// FalseSharingAligned
//
// `CacheAligned` at `core::kFalseSharingRange`.
template <typename T>
using FalseSharingAligned = CacheAligned<T, core::kFalseSharingRange>;

// CacheLinePad
//
// One cache line of padding: put it between fields written by different
// threads.
struct CacheLinePad {
  char bytes[core::kCacheLineSize];
};

static_assert(sizeof(CacheAligned<char>) == core::kCacheLineSize);
static_assert(alignof(CacheAligned<char>) == core::kCacheLineSize);
static_assert(sizeof(FalseSharingAligned<int>) == core::kFalseSharingRange);

// RuntimeCacheLineSize()
//
// The L1 data cache line size the system reports (sysconf, then sysfs
// `cpu0/cache/index0/coherency_line_size`), or 0 when neither says.
std::size_t RuntimeCacheLineSize() noexcept;

// AlignedAlloc()
//
// Allocates `size` bytes aligned to `alignment` (a power of two; values
// below `sizeof(void*)` are raised to it). Returns InvalidArgument for a zero
// size or an alignment that is not a power of two, and ResourceExhausted when
// the system has no memory. Free the result with `AlignedFree()`.
absl::StatusOr<void*> AlignedAlloc(std::size_t size, std::size_t alignment);

// AlignedFree()
//
// Frees memory from `AlignedAlloc()`; nullptr does nothing.
void AlignedFree(void* p) noexcept;

}  // namespace moirai::memory

#endif  // MOIRAI_MEMORY_ALIGNED_H_
