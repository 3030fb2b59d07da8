// Copyright 2026 The Moirai Authors.
//
// core/arch.h
// -----------------------------------------------------------------------------
//
// Small, dependency-free facts about the machine that every Moirai package
// uses: the cache-line size for padding, the CPU pause hint for spin loops,
// and a memory fence that ThreadSanitizer understands.

#ifndef MOIRAI_CORE_ARCH_H_
#define MOIRAI_CORE_ARCH_H_

#include <atomic>
#include <cstddef>

#if defined(__SANITIZE_THREAD__)
#define MOIRAI_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MOIRAI_TSAN 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
#define MOIRAI_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MOIRAI_ASAN 1
#endif
#endif

#if defined(__GNUC__) || defined(__clang__)
#define MOIRAI_LIKELY(x) (__builtin_expect(!!(x), 1))
#define MOIRAI_UNLIKELY(x) (__builtin_expect(!!(x), 0))
#else
#define MOIRAI_LIKELY(x) (x)
#define MOIRAI_UNLIKELY(x) (x)
#endif

namespace moirai::core {

// kCacheLineSize
//
// The coherence granule on the CPUs Moirai targets (x86-64 and AArch64
// servers). Pad data written by different threads to this size to avoid false
// sharing.
inline constexpr std::size_t kCacheLineSize = 64;

// kFalseSharingRange
//
// Intel's adjacent-line prefetcher pulls cache lines in pairs, so two hot
// fields written by different threads should sit this far apart.
inline constexpr std::size_t kFalseSharingRange = 128;

// CpuRelax()
//
// A CPU hint for spin-wait loops (`pause` on x86, `yield` on Arm): it saves
// power and frees the pipeline for a sibling hyperthread. No memory effects.
inline void CpuRelax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#else
  std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
}

// ThreadFence()
//
// `std::atomic_thread_fence(order)`, except under ThreadSanitizer, which does
// not model standalone fences (and GCC 12 warns with -Wtsan). There it becomes
// a read-modify-write of one process-wide atomic with the same order: every
// fence then synchronizes with every other fence through that variable, which
// is at least as strong as the fence it replaces, so TSan sees the
// happens-before edges the fence provides. The cost only exists in TSan
// builds.
inline void ThreadFence(std::memory_order order) noexcept {
#if defined(MOIRAI_TSAN)
  static std::atomic<int> tsan_fence_word{0};
  tsan_fence_word.fetch_add(0, order);
#else
  std::atomic_thread_fence(order);
#endif
}

}  // namespace moirai::core

#endif  // MOIRAI_CORE_ARCH_H_
