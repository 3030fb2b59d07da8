// Copyright 2026 The Moirai Authors.
//
// tools/cli/info_test.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/info.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moirai/core/version.h"

namespace moirai::cli {
namespace {

using ::testing::HasSubstr;

TEST(InfoTest, MachineInfoHasVersionCompilerAndCpus) {
  const nlohmann::json info = MachineInfoJson();
  EXPECT_EQ(info["moirai_version"], MOIRAI_VERSION);
  EXPECT_FALSE(info["compiler"].get<std::string>().empty());
  EXPECT_GE(info["cplusplus"].get<long>(), 202002L);
  EXPECT_GE(info["hardware_concurrency"].get<int>(), 1);
  EXPECT_GE(info["affinity_cpus"].get<int>(), 1);
  EXPECT_LE(info["affinity_cpus"].get<int>(), 1024);
}

TEST(InfoTest, TextHasEverySection) {
  const std::string text = InfoText();
  EXPECT_THAT(text, HasSubstr("moirai " MOIRAI_VERSION));
  EXPECT_THAT(text, HasSubstr("compiler"));
  EXPECT_THAT(text, HasSubstr("build mode"));
  EXPECT_THAT(text, HasSubstr("CPUs in affinity mask"));
  EXPECT_THAT(text, HasSubstr(TopologyText()));
}

}  // namespace
}  // namespace moirai::cli
