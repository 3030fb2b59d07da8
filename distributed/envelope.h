// Copyright 2026 The Moirai Authors.
//
// distributed/envelope.h
// -----------------------------------------------------------------------------
//
// This header defines `Envelope` and `ResultMessage`, the C++ forms of the
// wire messages in proto/task.proto, and their conversion to and from
// protobuf bytes. Parsing validates every field a peer controls (priority
// range, non-empty function name, attempt >= 1, sizes), so a garbage or
// hostile message gives InvalidArgument, never a half-filled struct.

#ifndef MOIRAI_DISTRIBUTED_ENVELOPE_H_
#define MOIRAI_DISTRIBUTED_ENVELOPE_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "moirai/core/priority.h"

namespace moirai::distributed {

// TaskRef: a task id qualified by the node that created it.
struct TaskRef {
  std::string node;
  std::uint64_t id = 0;
  bool valid() const noexcept { return id != 0; }
  friend bool operator==(const TaskRef&, const TaskRef&) = default;
};

// CodecKind: how args and values are encoded (proto enum Codec).
enum class CodecKind : std::uint8_t {
  kMoiraiBinary = 1,  // codec.h
  kProtobuf = 2,      // one protobuf message, as-is
};

struct Envelope {
  TaskRef task;
  TaskRef parent;
  std::string function;
  std::uint64_t signature = 0;
  std::string args;
  CodecKind codec = CodecKind::kMoiraiBinary;
  core::Priority priority = core::Priority::kNormal;
  // Time left to the deadline at sending; InfiniteDuration: none.
  absl::Duration deadline_remaining = absl::InfiniteDuration();
  std::string idempotency_key;
  std::uint32_t attempt = 1;
  std::string trace_id;
};

// LoadReport: what a node says about its load (with every result).
struct LoadReport {
  std::uint32_t workers = 0;
  std::uint32_t running = 0;
  std::array<std::uint32_t, core::kNumPriorities> queued_by_priority{};
  std::int64_t at_mono_ns = 0;

  std::uint32_t queued() const noexcept {
    std::uint32_t q = 0;
    for (std::uint32_t n : queued_by_priority) q += n;
    return q;
  }
  // (running + queued) / workers; a node with no workers is infinitely
  // loaded.
  double load_factor() const noexcept;
};

struct ResultMessage {
  TaskRef task;
  absl::Status status;  // code + message
  std::string value;    // encoded like the envelope's args; empty on error
  LoadReport load;
  std::string node;  // the node that ran (or refused) the task
};

// Wire limits a parser enforces.
struct WireLimits {
  std::size_t max_message_bytes = 4u << 20;  // gRPC's default
  std::size_t max_name_bytes = 256;          // function, node, key, trace
};

// SerializeEnvelope() / ParseEnvelope()
std::string SerializeEnvelope(const Envelope& e);
absl::StatusOr<Envelope> ParseEnvelope(absl::string_view bytes,
                                       const WireLimits& limits = {});

// SerializeResult() / ParseResult()
std::string SerializeResult(const ResultMessage& r);
absl::StatusOr<ResultMessage> ParseResult(absl::string_view bytes,
                                          const WireLimits& limits = {});

}  // namespace moirai::distributed

#endif  // MOIRAI_DISTRIBUTED_ENVELOPE_H_
