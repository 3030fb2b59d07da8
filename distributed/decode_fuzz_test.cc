// Copyright 2026 The Moirai Authors.
//
// Replays the decode corpus (distributed/testdata/decode_fuzzer_corpus) and
// seeded mutations of it through every decoder, in whatever configuration the
// test is built (ASan/UBSan and TSan included); the libFuzzer target explores
// further under clang.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/distributed/internal/decode_fuzz.h"

namespace moirai::distributed::internal {
namespace {

std::vector<std::string> Corpus() {
  std::vector<std::string> out = FuzzSeeds();
  const std::filesystem::path dir = "distributed/testdata/decode_fuzzer_corpus";
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(f.path(), std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in),
                     std::istreambuf_iterator<char>());
  }
  return out;
}

void Fuzz(const std::string& s) {
  FuzzDecoders(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

TEST(DecodeFuzzTest, CorpusAndMutations) {
  const std::vector<std::string> corpus = Corpus();
  ASSERT_GE(corpus.size(), 8u);  // the seeds and the files
  std::mt19937_64 rng(2026);
  for (const std::string& base : corpus) {
    Fuzz(base);
    for (int i = 0; i < 200; ++i) {
      std::string m = base;
      switch (rng() % 4) {
        case 0:  // flip bytes
          for (int k = 0; k < 3 && !m.empty(); ++k)
            m[rng() % m.size()] ^= rng();
          break;
        case 1:  // truncate
          m.resize(m.empty() ? 0 : rng() % m.size());
          break;
        case 2:  // insert
          m.insert(m.begin() + (m.empty() ? 0 : rng() % m.size()),
                   static_cast<char>(rng()));
          break;
        default:  // splice another input's tail
        {
          const std::string& other = corpus[rng() % corpus.size()];
          m += other.substr(rng() % (other.size() + 1));
        }
      }
      Fuzz(m);
    }
  }
}

}  // namespace
}  // namespace moirai::distributed::internal
