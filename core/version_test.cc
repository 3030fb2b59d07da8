// Copyright 2026 The Moirai Authors.

#include "moirai/core/version.h"

#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace {

TEST(VersionTest, StringSpellsTheThreeNumbers) {
  const std::string expected = std::to_string(MOIRAI_VERSION_MAJOR) + "." +
                               std::to_string(MOIRAI_VERSION_MINOR) + "." +
                               std::to_string(MOIRAI_VERSION_PATCH);
  EXPECT_EQ(MOIRAI_VERSION, expected);
  EXPECT_STREQ(moirai::Version(), MOIRAI_VERSION);
  EXPECT_EQ(MOIRAI_VERSION_NUMBER, MOIRAI_VERSION_MAJOR * 10000 +
                                       MOIRAI_VERSION_MINOR * 100 +
                                       MOIRAI_VERSION_PATCH);
  static_assert(MOIRAI_VERSION_MINOR < 100 && MOIRAI_VERSION_PATCH < 100,
                "MOIRAI_VERSION_NUMBER packs MINOR and PATCH in two digits");
}

// The newest `## X.Y.Z` heading of CHANGELOG.md is this version: a release
// bumps core/version.h and writes its changelog section together.
TEST(VersionTest, ChangelogNewestReleaseMatches) {
  std::ifstream in("CHANGELOG.md");
  ASSERT_TRUE(in) << "CHANGELOG.md is not in the test's runfiles";
  // "## 1.2.3 ..." or "## [1.2.3] ..." (no std::regex: GCC 12's warns
  // -Wmaybe-uninitialized under the sanitizer builds' -O1).
  std::string line;
  std::string newest;
  while (newest.empty() && std::getline(in, line)) {
    if (line.rfind("## ", 0) != 0) continue;
    std::size_t i = 3;
    if (i < line.size() && line[i] == '[') ++i;
    std::size_t j = i;
    int dots = 0;
    while (
        j < line.size() &&
        (std::isdigit(static_cast<unsigned char>(line[j])) || line[j] == '.')) {
      dots += line[j] == '.';
      ++j;
    }
    if (dots == 2 && j > i) newest = line.substr(i, j - i);
  }
  ASSERT_FALSE(newest.empty()) << "CHANGELOG.md has no `## X.Y.Z` heading";
  EXPECT_EQ(newest, MOIRAI_VERSION)
      << "core/version.h and CHANGELOG.md disagree: bump both together";
}

}  // namespace
