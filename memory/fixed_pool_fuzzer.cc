// Copyright 2026 The Moirai Authors.
//
// memory/fixed_pool_fuzzer.cc
// -----------------------------------------------------------------------------
//
// Differential API-sequence fuzzer for FixedPool. The first bytes pick the
// options (block size, alignment and max_bytes, valid or not: Create() must
// refuse invalid ones with InvalidArgument, never crash); the rest chooses
// Allocate() and Free(i) against a model (the set of live blocks). Every
// block is aligned, owned by the pool, distinct from every live block, and
// keeps the bytes written into it until it is freed (a pattern checked at
// each free catches two live blocks that overlap). Stats must count exactly.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "moirai/memory/fixed_pool.h"
#include "moirai/tools/testing/fuzz_input.h"

namespace {

struct Live {
  unsigned char* p;
  unsigned char tag;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  moirai::testing::FuzzInput in(data, size);
  moirai::memory::FixedPoolOptions options;
  const std::uint16_t b = in.U16();
  options.block_size = b % 4 == 0 ? b : (b % 512);  // 0 and large sizes too
  options.alignment = std::size_t{1} << (in.Byte() % 14);  // up to 8 KiB
  options.max_bytes = static_cast<std::size_t>(in.Byte() % 8)
                      << 16;  // 0..448 KiB
  auto created = moirai::memory::FixedPool::Create(options);
  if (!created.ok()) {
    MOIRAI_FUZZ_CHECK(created.status().code() ==
                      absl::StatusCode::kInvalidArgument);
    return 0;
  }
  moirai::memory::FixedPool& pool = **created;
  const std::size_t n = options.block_size;
  std::vector<Live> live;
  std::uint64_t allocs = 0, frees = 0;
  unsigned char tag = 0;
  while (!in.empty()) {
    const std::uint8_t op = in.Byte();
    if (op % 3 != 0 || live.empty()) {
      const int burst = 1 + op % 8;
      for (int i = 0; i < burst; ++i) {
        auto* p = static_cast<unsigned char*>(pool.Allocate());
        if (p == nullptr) break;  // max_bytes used up
        ++allocs;
        MOIRAI_FUZZ_CHECK(
            reinterpret_cast<std::uintptr_t>(p) % options.alignment == 0);
        MOIRAI_FUZZ_CHECK(pool.Owns(p));
        for (const Live& l : live) MOIRAI_FUZZ_CHECK(l.p != p);
        std::memset(p, ++tag, n);
        live.push_back({p, tag});
      }
    } else {
      const std::size_t i = in.Below(static_cast<std::uint32_t>(live.size()));
      const Live l = live[i];
      for (std::size_t k = 0; k < n; ++k) MOIRAI_FUZZ_CHECK(l.p[k] == l.tag);
      pool.Free(l.p);
      ++frees;
      live[i] = live.back();
      live.pop_back();
    }
  }
  const moirai::memory::FixedPoolStats stats = pool.stats();
  MOIRAI_FUZZ_CHECK(stats.allocations == allocs);
  MOIRAI_FUZZ_CHECK(stats.frees == frees);
  MOIRAI_FUZZ_CHECK(stats.blocks_in_use == live.size());
  for (const Live& l : live) pool.Free(l.p);
  return 0;
}
