// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/codec.h"

#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "distributed/proto/task.pb.h"
#include "gtest/gtest.h"

namespace moirai::distributed {
namespace {

struct Point {
  std::int32_t x;
  double y;
  friend bool operator==(const Point&, const Point&) = default;
};

template <typename T>
void ExpectRoundTrip(const T& value) {
  std::string bytes = EncodeToString(value);
  absl::StatusOr<T> back = DecodeAll<T>(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == value);
}

TEST(CodecTest, RoundTripsScalarsAndContainers) {
  ExpectRoundTrip(42);
  ExpectRoundTrip(std::int64_t{-7});
  ExpectRoundTrip(3.5);
  ExpectRoundTrip(true);
  ExpectRoundTrip(Point{1, 2.5});
  ExpectRoundTrip(std::string("hello\0world", 11));
  ExpectRoundTrip(std::vector<int>{1, 2, 3});
  ExpectRoundTrip(std::vector<bool>{true, false, true});
  ExpectRoundTrip(std::vector<std::string>{"a", "", "ccc"});
  ExpectRoundTrip(std::array<std::int16_t, 3>{1, -2, 3});
  ExpectRoundTrip(std::pair<int, std::string>{5, "five"});
  ExpectRoundTrip(std::tuple<int, double, std::string>{1, 2.0, "3"});
  ExpectRoundTrip(std::tuple<>{});
  ExpectRoundTrip(std::optional<int>{});
  ExpectRoundTrip(std::optional<int>{9});
  ExpectRoundTrip(
      std::vector<std::optional<std::vector<Point>>>{{}, {{{1, 1.0}}}});
}

TEST(CodecTest, ProtobufMessagesTravelAsIs) {
  v1::TaskRef ref;
  ref.set_node("n1");
  ref.set_id(77);
  std::string bytes = EncodeToString(ref);
  absl::StatusOr<v1::TaskRef> back = DecodeAll<v1::TaskRef>(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->node(), "n1");
  EXPECT_EQ(back->id(), 77u);
  // Length prefix, then exactly the message's own serialization.
  EXPECT_EQ(bytes.substr(4), ref.SerializeAsString());
}

TEST(CodecTest, TruncatedInputIsAnError) {
  const std::string bytes = EncodeToString(
      std::tuple<int, std::string, std::vector<double>>{1, "abc", {1.0, 2.0}});
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto r = DecodeAll<std::tuple<int, std::string, std::vector<double>>>(
        bytes.substr(0, n));
    EXPECT_FALSE(r.ok()) << "prefix of " << n << " bytes decoded";
  }
}

TEST(CodecTest, TrailingBytesAreAnError) {
  std::string bytes = EncodeToString(1) + "x";
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeAll<int>(bytes).status()));
}

TEST(CodecTest, HugeLengthIsRefusedBeforeAllocating) {
  std::string bytes;
  Encoder enc(&bytes);
  enc.AppendLength(0xFFFFFFFFu);  // claims 4 G elements, has none
  EXPECT_TRUE(absl::IsResourceExhausted(
      DecodeAll<std::vector<std::int64_t>>(bytes).status()));
  std::string small;
  Encoder enc2(&small);
  enc2.AppendLength(1000);  // within the limit but not within the input
  EXPECT_TRUE(absl::IsInvalidArgument(
      DecodeAll<std::vector<std::int64_t>>(small).status()));
  DecodeLimits tight;
  tight.max_elements = 2;
  EXPECT_TRUE(absl::IsResourceExhausted(
      DecodeAll<std::vector<int>>(EncodeToString(std::vector<int>{1, 2, 3}),
                                  tight)
          .status()));
}

TEST(CodecTest, BadBoolIsRefused) {
  std::string bytes(1, '\x02');
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeAll<bool>(bytes).status()));
  EXPECT_TRUE(
      absl::IsInvalidArgument(DecodeAll<std::optional<int>>(bytes).status()));
}

TEST(CodecTest, DeepNestingIsRefused) {
  using V = std::vector<std::vector<std::vector<int>>>;
  DecodeLimits limits;
  limits.max_depth = 2;
  auto r = DecodeAll<V>(EncodeToString(V{{{1}}}), limits);
  EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
}

TEST(CodecTest, GarbageNeverCrashes) {
  // Seeded random bytes into every decoder: each returns a value or a
  // status (ASan/UBSan turn any out-of-bounds access into a failure).
  std::mt19937_64 rng(12345);
  int errors = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 64, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    errors += !DecodeAll<std::vector<std::string>>(bytes).ok();
    errors += !DecodeAll<std::tuple<bool, std::optional<double>>>(bytes).ok();
    errors += !DecodeAll<std::vector<std::pair<int, std::string>>>(bytes).ok();
    errors += !DecodeAll<v1::TaskRef>(bytes).ok();
  }
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace moirai::distributed
