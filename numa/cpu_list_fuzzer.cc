// Copyright 2026 The Moirai Authors.
//
// numa/cpu_list_fuzzer.cc
// -----------------------------------------------------------------------------
//
// Fuzzer for the sysfs CPU/node list parser (ParseCpuList, used on
// /sys/devices/system/node/*/cpulist, /sys/devices/system/node/online and
// friends): any input either parses or yields InvalidArgument, never a
// crash. A parsed list is sorted, duplicate-free and in range, and
// FormatCpuList() of it parses back to the same list.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "moirai/numa/topology.h"
#include "moirai/tools/testing/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = moirai::numa::ParseCpuList(text);
  if (!parsed.ok()) {
    MOIRAI_FUZZ_CHECK(parsed.status().code() ==
                      absl::StatusCode::kInvalidArgument);
    return 0;
  }
  const std::vector<int>& ids = *parsed;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    MOIRAI_FUZZ_CHECK(ids[i] >= 0 && ids[i] <= (1 << 20));
    if (i > 0) MOIRAI_FUZZ_CHECK(ids[i - 1] < ids[i]);
  }
  auto again = moirai::numa::ParseCpuList(moirai::numa::FormatCpuList(ids));
  MOIRAI_FUZZ_CHECK(again.ok() && *again == ids);
  return 0;
}
