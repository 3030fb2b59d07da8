// Copyright 2026 The Moirai Authors.
//
// The libFuzzer entry point (clang builds link -fsanitize=fuzzer) and, for
// other compilers, a main that replays the files named on the command line
// or, with `--write-seeds DIR`, writes the seed corpus.

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "moirai/distributed/internal/decode_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  moirai::distributed::internal::FuzzDecoders(data, size);
  return 0;
}

#ifndef MOIRAI_LIBFUZZER
int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--write-seeds") == 0) {
    int i = 0;
    for (const std::string& s : moirai::distributed::internal::FuzzSeeds()) {
      std::ofstream(std::string(argv[2]) + "/seed-" + std::to_string(i++),
                    std::ios::binary)
          << s;
    }
    return 0;
  }
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                           bytes.size());
  }
  std::printf("replayed %d inputs\n", argc - 1);
  return 0;
}
#endif
