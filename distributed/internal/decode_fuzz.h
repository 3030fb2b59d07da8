// Copyright 2026 The Moirai Authors.
//
// distributed/internal/decode_fuzz.h
// -----------------------------------------------------------------------------
//
// One fuzz entry for every decoder a peer's bytes reach: the envelope and
// result parsers and the payload codec. Built as a libFuzzer target under
// clang (`bazel build --config=fuzz //distributed:decode_fuzzer`)
// and replayed over the corpus in distributed/testdata/decode_fuzzer_corpus by
// //distributed:decode_fuzz_test in every configuration.
//
// Besides "no crash, no UB", it checks a property: whatever parses
// serializes and parses again to the same fields.

#ifndef MOIRAI_DISTRIBUTED_INTERNAL_DECODE_FUZZ_H_
#define MOIRAI_DISTRIBUTED_INTERNAL_DECODE_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace moirai::distributed::internal {

// Runs every decoder on `data`; aborts (with a message) if a property fails.
void FuzzDecoders(const std::uint8_t* data, std::size_t size);

// Valid inputs to start a corpus from (an envelope, a result, payloads).
std::vector<std::string> FuzzSeeds();

}  // namespace moirai::distributed::internal

#endif  // MOIRAI_DISTRIBUTED_INTERNAL_DECODE_FUZZ_H_
