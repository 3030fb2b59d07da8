// Copyright 2026 The Moirai Authors.
//
// memory/prefetch.h
// -----------------------------------------------------------------------------
//
// Software prefetch hints. A prefetch never faults and has no visible effect
// besides timing, so it is safe on any address, including null or freed
// memory. Use it a few iterations ahead of the access it is meant to hide.
//
//   for (size_t i = 0; i < n; ++i) {
//     moirai::memory::PrefetchRead(&nodes[i + 8]);
//     Visit(nodes[i]);
//   }

#ifndef MOIRAI_MEMORY_PREFETCH_H_
#define MOIRAI_MEMORY_PREFETCH_H_

namespace moirai::memory {

// Locality
//
// How long the line should stay cached: kNone (use once, do not pollute the
// caches; `prefetchnta` on x86) up to kHigh (keep in all levels; `prefetcht0`).
enum class Locality : int {
  kNone = 0,
  kLow = 1,
  kModerate = 2,
  kHigh = 3,
};

// PrefetchRead()
//
// Hints that `p`'s cache line will be read soon.
template <Locality L = Locality::kHigh>
inline void PrefetchRead(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 0, static_cast<int>(L));
#else
  (void)p;
#endif
}

// PrefetchWrite()
//
// Hints that `p`'s cache line will be written soon (fetch it exclusive:
// `prefetchw` where the CPU has it).
template <Locality L = Locality::kHigh>
inline void PrefetchWrite(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 1, static_cast<int>(L));
#else
  (void)p;
#endif
}

}  // namespace moirai::memory

#endif  // MOIRAI_MEMORY_PREFETCH_H_
