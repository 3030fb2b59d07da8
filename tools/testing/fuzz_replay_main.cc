// Copyright 2026 The Moirai Authors.
//
// tools/testing/fuzz_replay_main.cc
// -----------------------------------------------------------------------------
//
// main() for a libFuzzer target built without libFuzzer: runs
// LLVMFuzzerTestOneInput on every file named on the command line (a
// directory: every file in it), so the corpus is a regression test in every
// build configuration. Used by moirai_cc_fuzzer (tools/build_defs/moirai.bzl)
// for the `<name>_corpus_test` and for the fuzzer binary outside
// `--config=fuzz`. A directory with no files is an error (a corpus test that
// replays nothing would pass silently). Files run in sorted order, and each
// one's name is printed first, so a crash names its input.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size);

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::directory_iterator(p)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s CORPUS_FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  for (const std::filesystem::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", f.c_str());
      return 1;
    }
    std::fprintf(stderr, "replaying %s\n", f.c_str());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string s = ss.str();
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()),
                           s.size());
  }
  std::printf("replayed %zu inputs\n", files.size());
  return 0;
}
