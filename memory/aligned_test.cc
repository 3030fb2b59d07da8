// Copyright 2026 The Moirai Authors.
//
// memory/aligned_test.cc
// -----------------------------------------------------------------------------

#include "moirai/memory/aligned.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/memory/prefetch.h"

namespace moirai::memory {
namespace {

TEST(CacheAligned, LayoutAndAccess) {
  std::array<CacheAligned<std::atomic<int>>, 4> counters;
  for (std::size_t i = 0; i < counters.size(); ++i) {
    EXPECT_EQ(
        reinterpret_cast<std::uintptr_t>(&counters[i]) % core::kCacheLineSize,
        0u);
    counters[i]->store(static_cast<int>(i));
  }
  EXPECT_EQ(reinterpret_cast<char*>(&counters[1]) -
                reinterpret_cast<char*>(&counters[0]),
            static_cast<std::ptrdiff_t>(core::kCacheLineSize));
  EXPECT_EQ(counters[3]->load(), 3);
  CacheAligned<std::vector<int>> v(std::in_place, 3, 7);
  EXPECT_EQ(v->size(), 3u);
  EXPECT_EQ((*v)[2], 7);
  EXPECT_EQ(v.get().front(), 7);
  // Heap arrays keep the alignment (C++17 aligned new).
  auto heap = std::make_unique<FalseSharingAligned<int>[]>(3);
  EXPECT_EQ(
      reinterpret_cast<std::uintptr_t>(&heap[1]) % core::kFalseSharingRange,
      0u);
  struct Padded {
    int a;
    CacheLinePad pad;
    int b;
  };
  EXPECT_GE(offsetof(Padded, b) - offsetof(Padded, a), core::kCacheLineSize);
}

TEST(CacheAligned, CompileTimeLineSizeMatchesTheMachine) {
  const std::size_t runtime = RuntimeCacheLineSize();
  if (runtime == 0) GTEST_SKIP() << "the system does not report a line size";
  EXPECT_EQ(runtime, core::kCacheLineSize)
      << "core::kCacheLineSize does not match this machine";
}

TEST(AlignedAlloc, AlignsAndRejectsBadArguments) {
  for (std::size_t align : {1, 2, 8, 16, 64, 4096, 1 << 16}) {
    auto p = AlignedAlloc(100, align);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(*p) % align, 0u);
    std::memset(*p, 0xab, 100);
    AlignedFree(*p);
  }
  EXPECT_EQ(AlignedAlloc(0, 64).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AlignedAlloc(64, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AlignedAlloc(64, 48).status().code(),
            absl::StatusCode::kInvalidArgument);
#if !defined(MOIRAI_ASAN) && !defined(MOIRAI_TSAN)
  // Sanitizer allocators abort on impossible sizes instead of failing.
  EXPECT_EQ(AlignedAlloc(std::size_t(-1) / 2, 64).status().code(),
            absl::StatusCode::kResourceExhausted);
#endif
  AlignedFree(nullptr);
}

TEST(Prefetch, NeverFaults) {
  int x = 1;
  PrefetchRead(&x);
  PrefetchWrite(&x);
  PrefetchRead<Locality::kNone>(nullptr);
  PrefetchWrite<Locality::kLow>(nullptr);
  PrefetchRead<Locality::kModerate>(reinterpret_cast<void*>(0x10));
  EXPECT_EQ(x, 1);
}

}  // namespace
}  // namespace moirai::memory
