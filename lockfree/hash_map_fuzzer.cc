// Copyright 2026 The Moirai Authors.
//
// lockfree/hash_map_fuzzer.cc
// -----------------------------------------------------------------------------
//
// Differential API-sequence fuzzer: the first byte picks the segment count
// (valid or not: Validate() must refuse an invalid one) and the initial
// capacity; the rest chooses Insert, InsertOrAssign, Erase, Find, Contains,
// Update, ComputeIfAbsent, Visit, Size, ForEach and Clear with keys from a
// small range (so operations collide and tables resize) against a std::map
// model. Values are std::string so that ASan sees a leaked or twice
// destroyed node.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/hash_map.h"
#include "moirai/tools/testing/fuzz_input.h"

namespace {

// A weak hash (few distinct values) makes long chains in one bucket.
struct WeakHash {
  std::size_t operator()(std::uint32_t k) const { return k % 3; }
};

template <typename Map>
void Run(Map& map, moirai::testing::FuzzInput& in) {
  std::map<std::uint32_t, std::string> model;
  while (!in.empty()) {
    const std::uint8_t op = in.Byte();
    const std::uint32_t key = in.Below(200);
    const std::string value(16, static_cast<char>('a' + in.Byte() % 26));
    switch (op % 11) {
      case 0:
        MOIRAI_FUZZ_CHECK(map.Insert(key, value) ==
                          model.emplace(key, value).second);
        break;
      case 1: {
        const bool inserted = map.InsertOrAssign(key, value);
        MOIRAI_FUZZ_CHECK(inserted == !model.contains(key));
        model[key] = value;
        break;
      }
      case 2:
        MOIRAI_FUZZ_CHECK(map.Erase(key) == (model.erase(key) == 1));
        break;
      case 3: {
        std::optional<std::string> got = map.Find(key);
        auto it = model.find(key);
        MOIRAI_FUZZ_CHECK(got.has_value() == (it != model.end()));
        if (got) MOIRAI_FUZZ_CHECK(*got == it->second);
        break;
      }
      case 4:
        MOIRAI_FUZZ_CHECK(map.Contains(key) == model.contains(key));
        break;
      case 5: {
        const bool updated =
            map.Update(key, [&](std::string& v) { v += value[0]; });
        auto it = model.find(key);
        MOIRAI_FUZZ_CHECK(updated == (it != model.end()));
        if (it != model.end()) it->second += value[0];
        break;
      }
      case 6: {
        const std::string got = map.ComputeIfAbsent(key, [&] { return value; });
        auto it = model.emplace(key, value).first;
        MOIRAI_FUZZ_CHECK(got == it->second);
        break;
      }
      case 7: {
        std::string seen;
        const bool found =
            map.Visit(key, [&](const std::string& v) { seen = v; });
        auto it = model.find(key);
        MOIRAI_FUZZ_CHECK(found == (it != model.end()));
        if (found) MOIRAI_FUZZ_CHECK(seen == it->second);
        break;
      }
      case 8:
        MOIRAI_FUZZ_CHECK(map.Size() == model.size());
        break;
      case 9: {
        std::map<std::uint32_t, std::string> all;
        map.ForEach([&](const std::uint32_t& k, const std::string& v) {
          MOIRAI_FUZZ_CHECK(all.emplace(k, v).second);  // each key once
        });
        MOIRAI_FUZZ_CHECK(all == model);
        break;
      }
      default:
        if (op % 4 == 0) {  // rarely: a clear wipes the history
          map.Clear();
          model.clear();
        }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  moirai::testing::FuzzInput in(data, size);
  const std::uint8_t head = in.Byte();
  moirai::lockfree::EpochDomain domain;  // outlives the map
  moirai::lockfree::HashMapOptions options;
  options.segments = head % 20;  // 0..19: some not a power of two
  options.initial_capacity = (head >> 5) * 16;
  options.domain = &domain;
  if (!options.Validate().ok()) {
    MOIRAI_FUZZ_CHECK(options.segments == 0 ||
                      (options.segments & (options.segments - 1)) != 0);
    return 0;
  }
  if (in.Byte() & 1) {
    moirai::lockfree::HashMap<std::uint32_t, std::string, WeakHash> map(
        options);
    Run(map, in);
  } else {
    moirai::lockfree::HashMap<std::uint32_t, std::string> map(options);
    Run(map, in);
  }
  return 0;
}
