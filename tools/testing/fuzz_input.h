// Copyright 2026 The Moirai Authors.
//
// tools/testing/fuzz_input.h
// -----------------------------------------------------------------------------
//
// FuzzInput: a cursor over a fuzzer's input bytes for API-sequence fuzzers
// (the bytes choose the operations and their arguments). Reading past the
// end yields zeros, so every input, however short, is a valid program; a
// fuzzer loops `while (!in.empty())`.
//
//   moirai::testing::FuzzInput in(data, size);
//   while (!in.empty()) {
//     switch (in.Byte() % 3) { ... in.Below(100) ... }
//   }

#ifndef MOIRAI_TOOLS_TESTING_FUZZ_INPUT_H_
#define MOIRAI_TOOLS_TESTING_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

// MOIRAI_FUZZ_CHECK(cond): a fuzzer's property. Aborts with the condition and
// its line (libFuzzer then saves the input as a crash) when it does not hold,
// in every build mode (unlike assert).
#define MOIRAI_FUZZ_CHECK(cond)                                        \
  do {                                                                 \
    if (!(cond)) {                                                     \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, \
                   __LINE__, #cond);                                   \
      std::abort();                                                    \
    }                                                                  \
  } while (false)

namespace moirai::testing {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size)
      : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  std::size_t remaining() const { return empty() ? 0 : size_ - pos_; }

  // The next byte, or 0 past the end.
  std::uint8_t Byte() { return empty() ? 0 : data_[pos_++]; }

  // The next 2 bytes as a little-endian value.
  std::uint16_t U16() {
    const std::uint16_t lo = Byte();
    return static_cast<std::uint16_t>(lo | (Byte() << 8));
  }

  // The next 8 bytes as a little-endian value.
  std::uint64_t U64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{Byte()} << (8 * i);
    return v;
  }

  // A value in [0, n) from one or two bytes (n >= 1).
  std::uint32_t Below(std::uint32_t n) {
    return n <= 256 ? Byte() % n : U16() % n;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace moirai::testing

#endif  // MOIRAI_TOOLS_TESTING_FUZZ_INPUT_H_
