// Copyright 2026 The Moirai Authors.
//
// lockfree/ms_queue_fuzzer.cc
// -----------------------------------------------------------------------------
//
// Differential API-sequence fuzzer: the input bytes choose Push(value),
// TryPop() and empty() on an MsQueue<std::string> and on a std::deque model
// (FIFO); every result must agree.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/ms_queue.h"
#include "moirai/tools/testing/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  moirai::testing::FuzzInput in(data, size);
  moirai::lockfree::EpochDomain domain;  // outlives the queue
  std::deque<std::string> model;
  {
    moirai::lockfree::MsQueue<std::string> queue(&domain);
    while (!in.empty()) {
      switch (in.Byte() % 3) {
        case 0: {
          std::string v(16 + in.Below(16),
                        static_cast<char>('a' + in.Byte() % 26));
          queue.Push(v);
          model.push_back(v);
          break;
        }
        case 1: {
          std::optional<std::string> got = queue.TryPop();
          MOIRAI_FUZZ_CHECK(got.has_value() == !model.empty());
          if (got) {
            MOIRAI_FUZZ_CHECK(*got == model.front());
            model.pop_front();
          }
          break;
        }
        default:
          MOIRAI_FUZZ_CHECK(queue.empty() == model.empty());
      }
    }
  }
  return 0;
}
