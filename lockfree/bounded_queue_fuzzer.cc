// Copyright 2026 The Moirai Authors.
//
// lockfree/bounded_queue_fuzzer.cc
// -----------------------------------------------------------------------------
//
// Differential API-sequence fuzzer for BoundedQueue and SpscQueue: the first
// byte picks the queue and its capacity (valid or not: Create() must refuse
// an invalid one with an error), the rest chooses TryPush(value), TryPop()
// and size() against a std::deque model with the same capacity.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "moirai/lockfree/bounded_queue.h"
#include "moirai/lockfree/spsc_queue.h"
#include "moirai/tools/testing/fuzz_input.h"

namespace {

template <typename Q>
void Run(Q& queue, std::size_t capacity, moirai::testing::FuzzInput& in) {
  std::deque<std::string> model;
  std::uint64_t next = 0;
  while (!in.empty()) {
    switch (in.Byte() % 3) {
      case 0: {
        std::string v = "value-" + std::to_string(next++) + "-padding";
        const bool pushed = queue.TryPush(v);
        MOIRAI_FUZZ_CHECK(pushed == (model.size() < capacity));
        if (pushed) model.push_back(v);
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
        MOIRAI_FUZZ_CHECK(queue.size() == model.size());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  moirai::testing::FuzzInput in(data, size);
  const std::uint8_t head = in.Byte();
  const std::size_t capacity = head % 40;  // 0..39: some invalid
  if (head & 0x80) {
    auto q = moirai::lockfree::SpscQueue<std::string>::Create(capacity);
    MOIRAI_FUZZ_CHECK(
        q.ok() ==
        moirai::lockfree::SpscQueue<std::string>::ValidateCapacity(capacity)
            .ok());
    if (q.ok()) Run(**q, capacity, in);
  } else {
    auto q = moirai::lockfree::BoundedQueue<std::string>::Create(capacity);
    MOIRAI_FUZZ_CHECK(
        q.ok() ==
        moirai::lockfree::BoundedQueue<std::string>::ValidateCapacity(capacity)
            .ok());
    if (q.ok()) Run(**q, capacity, in);
  }
  return 0;
}
