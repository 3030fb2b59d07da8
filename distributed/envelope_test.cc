// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/envelope.h"

#include <random>
#include <string>

#include "gtest/gtest.h"

namespace moirai::distributed {
namespace {

Envelope Sample() {
  Envelope e;
  e.task = {"node-a", 17};
  e.parent = {"node-b", 3};
  e.function = "add";
  e.signature = 0x1234abcd5678ef00ull;
  e.args = std::string("\x01\x00\x02", 3);
  e.priority = core::Priority::kHigh;
  e.deadline_remaining = absl::Milliseconds(250);
  e.idempotency_key = "key-1";
  e.attempt = 2;
  e.trace_id = "trace";
  return e;
}

TEST(EnvelopeTest, RoundTrips) {
  absl::StatusOr<Envelope> back = ParseEnvelope(SerializeEnvelope(Sample()));
  ASSERT_TRUE(back.ok()) << back.status();
  const Envelope want = Sample();
  EXPECT_EQ(back->task, want.task);
  EXPECT_EQ(back->parent, want.parent);
  EXPECT_EQ(back->function, want.function);
  EXPECT_EQ(back->signature, want.signature);
  EXPECT_EQ(back->args, want.args);
  EXPECT_EQ(back->priority, want.priority);
  EXPECT_EQ(back->deadline_remaining, want.deadline_remaining);
  EXPECT_EQ(back->idempotency_key, want.idempotency_key);
  EXPECT_EQ(back->attempt, want.attempt);
  EXPECT_EQ(back->trace_id, want.trace_id);
}

TEST(EnvelopeTest, NoDeadlineStaysInfinite) {
  Envelope e = Sample();
  e.deadline_remaining = absl::InfiniteDuration();
  auto back = ParseEnvelope(SerializeEnvelope(e));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->deadline_remaining, absl::InfiniteDuration());
  e.deadline_remaining = -absl::Seconds(1);  // already expired: 0 left
  back = ParseEnvelope(SerializeEnvelope(e));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->deadline_remaining, absl::ZeroDuration());
}

TEST(EnvelopeTest, InvalidFieldsAreRefused) {
  Envelope e = Sample();
  e.function = "";
  EXPECT_TRUE(
      absl::IsInvalidArgument(ParseEnvelope(SerializeEnvelope(e)).status()));
  e = Sample();
  e.attempt = 0;
  EXPECT_TRUE(
      absl::IsInvalidArgument(ParseEnvelope(SerializeEnvelope(e)).status()));
  e = Sample();
  e.task.id = 0;
  EXPECT_TRUE(
      absl::IsInvalidArgument(ParseEnvelope(SerializeEnvelope(e)).status()));
  e = Sample();
  e.priority = static_cast<core::Priority>(4);
  std::string bytes = SerializeEnvelope(e);
  // Field 7 (priority) varint 4 -> 9: out of range.
  const std::string field = std::string("\x38\x04", 2);
  std::size_t at = bytes.find(field);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 1] = '\x09';
  EXPECT_TRUE(absl::IsInvalidArgument(ParseEnvelope(bytes).status()));
  WireLimits limits;
  limits.max_name_bytes = 2;
  EXPECT_TRUE(absl::IsInvalidArgument(
      ParseEnvelope(SerializeEnvelope(Sample()), limits).status()));
  limits = WireLimits();
  limits.max_message_bytes = 8;
  EXPECT_TRUE(absl::IsResourceExhausted(
      ParseEnvelope(SerializeEnvelope(Sample()), limits).status()));
}

// Found by //distributed:decode_fuzzer: a parent ref naming a node but
// with no id parsed, then vanished on re-serialization (id 0 is "no
// task"). It is refused now, so every parsed envelope round-trips.
TEST(EnvelopeTest, RefWithNodeButIdZeroIsRefused) {
  Envelope e = Sample();
  std::string bytes = SerializeEnvelope(e);
  // The parent ref is field 2: {1: "node-b", 2: fixed64 3}. Renumber its id
  // to unknown field 3, so that the id reads as 0.
  const std::string id_field = std::string("\x11\x03\0\0\0\0\0\0\0", 9);
  const std::size_t at = bytes.find(id_field);
  ASSERT_NE(at, std::string::npos);
  bytes[at] = '\x19';
  absl::StatusOr<Envelope> parsed = ParseEnvelope(bytes);
  ASSERT_TRUE(absl::IsInvalidArgument(parsed.status())) << parsed.status();
  EXPECT_NE(parsed.status().message().find("\"node-b\" has task id 0"),
            std::string::npos)
      << parsed.status();
}

TEST(EnvelopeTest, GarbageIsAnErrorNotACrash) {
  std::mt19937_64 rng(7);
  int parsed = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 96, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    parsed += ParseEnvelope(bytes).ok();
    parsed += ParseResult(bytes).ok();
  }
  EXPECT_LT(parsed, 4000);
}

TEST(ResultTest, RoundTripsStatusValueAndLoad) {
  ResultMessage r;
  r.task = {"n", 5};
  r.status = absl::DeadlineExceededError("too late");
  r.value = "v";
  r.node = "n";
  r.load.workers = 4;
  r.load.running = 2;
  r.load.queued_by_priority = {1, 0, 3, 0, 0};
  r.load.at_mono_ns = 99;
  auto back = ParseResult(SerializeResult(r));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->status, r.status);
  EXPECT_EQ(back->value, "v");
  EXPECT_EQ(back->load.queued(), 4u);
  EXPECT_DOUBLE_EQ(back->load.load_factor(), 1.5);
  EXPECT_EQ(back->load.at_mono_ns, 99);
  r.status = absl::OkStatus();
  back = ParseResult(SerializeResult(r));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->status.ok());
}

}  // namespace
}  // namespace moirai::distributed
