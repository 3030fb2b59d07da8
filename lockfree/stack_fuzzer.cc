// Copyright 2026 The Moirai Authors.
//
// lockfree/stack_fuzzer.cc
// -----------------------------------------------------------------------------
//
// Differential API-sequence fuzzer: the input bytes choose Push(value),
// TryPop() and empty() on a Stack<std::string> and on a std::vector model
// (LIFO); every result must agree. std::string elements make ASan see a
// leaked or double-destroyed element (including those left at destruction).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/stack.h"
#include "moirai/tools/testing/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  moirai::testing::FuzzInput in(data, size);
  moirai::lockfree::EpochDomain domain;  // outlives the stack
  std::vector<std::string> model;
  {
    moirai::lockfree::Stack<std::string> stack(&domain);
    while (!in.empty()) {
      switch (in.Byte() % 3) {
        case 0: {
          // Long enough to be heap-allocated (no small-string buffer).
          std::string v(16 + in.Below(16),
                        static_cast<char>('a' + in.Byte() % 26));
          stack.Push(v);
          model.push_back(v);
          break;
        }
        case 1: {
          std::optional<std::string> got = stack.TryPop();
          MOIRAI_FUZZ_CHECK(got.has_value() == !model.empty());
          if (got) {
            MOIRAI_FUZZ_CHECK(*got == model.back());
            model.pop_back();
          }
          break;
        }
        default:
          MOIRAI_FUZZ_CHECK(stack.empty() == model.empty());
      }
    }
  }  // destroyed with whatever is left in it
  return 0;
}
