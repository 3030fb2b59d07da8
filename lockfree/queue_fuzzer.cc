// Copyright 2026 The Moirai Authors.
//
// lockfree/queue_fuzzer.cc
// -----------------------------------------------------------------------------
//
// Differential API-sequence fuzzer: the input bytes choose Push(value) (one
// or a burst, so that blocks fill and are recycled), TryPop(), empty() and
// size() on a Queue<std::string> and on a std::deque model (FIFO).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "moirai/lockfree/queue.h"
#include "moirai/tools/testing/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  moirai::testing::FuzzInput in(data, size);
  std::deque<std::string> model;
  moirai::lockfree::Queue<std::string> queue;
  std::uint64_t next = 0;
  while (!in.empty()) {
    switch (in.Byte() % 5) {
      case 0:
      case 1: {
        // A burst of up to 64 pushes crosses block boundaries quickly.
        const int n = 1 + in.Below(64);
        for (int i = 0; i < n; ++i) {
          std::string v = "value-" + std::to_string(next++) + "-padding";
          queue.Push(v);
          model.push_back(v);
        }
        break;
      }
      case 2: {
        const int n = 1 + in.Below(64);
        for (int i = 0; i < n; ++i) {
          std::optional<std::string> got = queue.TryPop();
          MOIRAI_FUZZ_CHECK(got.has_value() == !model.empty());
          if (!got) break;
          MOIRAI_FUZZ_CHECK(*got == model.front());
          model.pop_front();
        }
        break;
      }
      case 3:
        MOIRAI_FUZZ_CHECK(queue.empty() == model.empty());
        break;
      default:
        MOIRAI_FUZZ_CHECK(queue.size() == model.size());
    }
  }
  return 0;
}
