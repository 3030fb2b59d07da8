// Copyright 2026 The Moirai Authors.
//
// lockfree/work_stealing_deque_fuzzer.cc
// -----------------------------------------------------------------------------
//
// Differential API-sequence fuzzer: the first byte picks the initial capacity
// (small, so that pushes grow the buffer) and the fence mode; the rest
// chooses Push(value) bursts, Pop() (owner, bottom end), Steal() (top end),
// SizeApprox() and RequestSymmetricFences() against a std::deque model.
// Single-threaded, a steal never reports kRetry.

#include <cstddef>
#include <cstdint>
#include <deque>

#include "moirai/lockfree/work_stealing_deque.h"
#include "moirai/tools/testing/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using moirai::lockfree::DequeFences;
  moirai::testing::FuzzInput in(data, size);
  const std::uint8_t head = in.Byte();
  moirai::lockfree::WorkStealingDeque<std::uint64_t> deque(
      head % 9, (head & 0x80) ? DequeFences::kSymmetric : DequeFences::kAuto);
  std::deque<std::uint64_t> model;
  std::uint64_t next = 1;
  while (!in.empty()) {
    switch (in.Byte() % 5) {
      case 0: {
        const int n = 1 + in.Below(32);
        for (int i = 0; i < n; ++i) {
          deque.Push(next);
          model.push_back(next++);
        }
        break;
      }
      case 1: {
        std::uint64_t v = 0;
        const bool got = deque.Pop(&v);
        MOIRAI_FUZZ_CHECK(got == !model.empty());
        if (got) {
          MOIRAI_FUZZ_CHECK(v == model.back());
          model.pop_back();
        }
        break;
      }
      case 2: {
        moirai::lockfree::StealResult<std::uint64_t> r = deque.Steal();
        MOIRAI_FUZZ_CHECK(!r.retry());
        MOIRAI_FUZZ_CHECK(r.success() == !model.empty());
        if (r.success()) {
          MOIRAI_FUZZ_CHECK(r.value == model.front());
          model.pop_front();
        }
        break;
      }
      case 3:
        MOIRAI_FUZZ_CHECK(deque.SizeApprox() == model.size());
        MOIRAI_FUZZ_CHECK(deque.capacity() >= model.size());
        break;
      default:
        deque.RequestSymmetricFences();
    }
  }
  return 0;
}
