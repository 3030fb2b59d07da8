// Copyright 2026 The Moirai Authors.

#include "moirai/core/version.h"

#include <cstring>
#include <fstream>
#include <regex>
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
  const std::regex heading(R"(^## \[?(\d+\.\d+\.\d+)\]?(\s.*)?$)");
  std::string line;
  std::string newest;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, heading)) {
      newest = m[1];
      break;
    }
  }
  ASSERT_FALSE(newest.empty()) << "CHANGELOG.md has no `## X.Y.Z` heading";
  EXPECT_EQ(newest, MOIRAI_VERSION)
      << "core/version.h and CHANGELOG.md disagree: bump both together";
}

}  // namespace
