// Copyright 2026 The Moirai Authors.
//
// memory/pool_allocator_fuzzer.cc
// -----------------------------------------------------------------------------
//
// Differential API-sequence fuzzer for PoolResource (what PoolAllocator
// uses): the input bytes choose Allocate(bytes, alignment) over pooled and
// unpooled sizes and alignments, and Deallocate(i) of a live block, against
// a model (the live blocks). Each block is aligned and keeps the pattern
// written into it until it is returned; PoolFor() agrees with the size
// class. The resource is local: its pools are released at the end.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "moirai/memory/pool_allocator.h"
#include "moirai/tools/testing/fuzz_input.h"

namespace {

struct Live {
  unsigned char* p;
  std::size_t bytes;
  std::size_t alignment;
  unsigned char tag;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using moirai::memory::PoolResource;
  moirai::testing::FuzzInput in(data, size);
  PoolResource resource;
  std::vector<Live> live;
  unsigned char tag = 0;
  while (!in.empty()) {
    const std::uint8_t op = in.Byte();
    if (op % 3 != 0 || live.empty()) {
      const std::size_t bytes = 1 + in.Below(1500);  // past kMaxPooledSize
      const std::size_t alignment = std::size_t{1} << (in.Byte() % 9);
      auto* p =
          static_cast<unsigned char*>(resource.Allocate(bytes, alignment));
      MOIRAI_FUZZ_CHECK(p != nullptr);
      MOIRAI_FUZZ_CHECK(reinterpret_cast<std::uintptr_t>(p) % alignment == 0);
      const bool pooled = bytes <= PoolResource::kMaxPooledSize &&
                          alignment <= PoolResource::kMaxPooledAlignment;
      MOIRAI_FUZZ_CHECK((resource.PoolFor(bytes, alignment) != nullptr) ==
                        pooled);
      std::memset(p, ++tag, bytes);
      live.push_back({p, bytes, alignment, tag});
    } else {
      const std::size_t i = in.Below(static_cast<std::uint32_t>(live.size()));
      const Live l = live[i];
      for (std::size_t k = 0; k < l.bytes; ++k) {
        MOIRAI_FUZZ_CHECK(l.p[k] == l.tag);
      }
      resource.Deallocate(l.p, l.bytes, l.alignment);
      live[i] = live.back();
      live.pop_back();
    }
  }
  for (const Live& l : live) resource.Deallocate(l.p, l.bytes, l.alignment);
  return 0;
}
