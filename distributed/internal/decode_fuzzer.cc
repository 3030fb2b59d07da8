// Copyright 2026 The Moirai Authors.
//
// The libFuzzer entry point over every decoder (moirai_cc_fuzzer
// //distributed:decode_fuzzer). The seed corpus is
// distributed/testdata/decode_fuzzer_corpus (FuzzSeeds() plus what libFuzzer
// found); //distributed:decode_fuzzer_corpus_test replays it and
// :decode_fuzz_test replays it with seeded mutations, in every configuration.

#include <cstddef>
#include <cstdint>

#include "moirai/distributed/internal/decode_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  moirai::distributed::internal::FuzzDecoders(data, size);
  return 0;
}
