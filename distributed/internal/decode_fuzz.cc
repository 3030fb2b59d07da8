// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/internal/decode_fuzz.h"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/strings/string_view.h"
#include "moirai/distributed/codec.h"
#include "moirai/distributed/envelope.h"

namespace moirai::distributed::internal {
namespace {

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "decode fuzz: property failed: %s\n", what);
    std::abort();
  }
}

using Payload = std::tuple<int, std::string, std::vector<double>,
                           std::optional<std::pair<bool, std::uint16_t>>>;

}  // namespace

void FuzzDecoders(const std::uint8_t* data, std::size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (absl::StatusOr<Envelope> e = ParseEnvelope(bytes); e.ok()) {
    absl::StatusOr<Envelope> again = ParseEnvelope(SerializeEnvelope(*e));
    Require(again.ok(), "a parsed envelope re-parses");
    Require(again->task == e->task && again->parent == e->parent &&
                again->function == e->function &&
                again->signature == e->signature && again->args == e->args &&
                again->priority == e->priority &&
                again->deadline_remaining == e->deadline_remaining &&
                again->attempt == e->attempt,
            "an envelope round-trips unchanged");
  }
  if (absl::StatusOr<ResultMessage> r = ParseResult(bytes); r.ok()) {
    absl::StatusOr<ResultMessage> again = ParseResult(SerializeResult(*r));
    Require(again.ok(), "a parsed result re-parses");
    Require(again->status == r->status && again->value == r->value,
            "a result round-trips unchanged");
  }
  if (absl::StatusOr<Payload> p = DecodeAll<Payload>(bytes); p.ok()) {
    Require(EncodeToString(*p) == bytes, "a payload re-encodes to its bytes");
  }
  (void)DecodeAll<std::vector<std::string>>(bytes);
  (void)DecodeAll<std::vector<std::vector<std::int64_t>>>(bytes);
}

std::vector<std::string> FuzzSeeds() {
  Envelope e;
  e.task = {"node-0", 42};
  e.parent = {"node-1", 7};
  e.function = "add";
  e.signature = 0x9e3779b97f4a7c15ull;
  e.args = EncodeToString(std::tuple<int, int>{2, 3});
  e.priority = core::Priority::kHigh;
  e.deadline_remaining = absl::Milliseconds(1500);
  e.idempotency_key = "key";
  e.attempt = 2;
  e.trace_id = "trace";
  ResultMessage r;
  r.task = e.task;
  r.status = absl::DeadlineExceededError("late");
  r.value = EncodeToString(5);
  r.node = "node-0";
  r.load.workers = 2;
  r.load.queued_by_priority = {1, 2, 3, 4, 5};
  return {SerializeEnvelope(e), SerializeResult(r),
          EncodeToString(Payload{
              1, "two", {3.0}, std::pair<bool, std::uint16_t>{true, 4}}),
          EncodeToString(std::vector<std::string>{"a", "bc"})};
}

}  // namespace moirai::distributed::internal
