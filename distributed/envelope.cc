// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/envelope.h"

#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "distributed/proto/task.pb.h"

namespace moirai::distributed {
namespace {

namespace pb = ::moirai::distributed::v1;

void RefToProto(const TaskRef& r, pb::TaskRef* out) {
  out->set_node(r.node);
  out->set_id(r.id);
}

absl::Status CheckName(absl::string_view what, absl::string_view value,
                       const WireLimits& limits) {
  if (value.size() > limits.max_name_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("wire: ", what, " is ", value.size(),
                     " bytes, more than the limit of ", limits.max_name_bytes));
  }
  return absl::OkStatus();
}

absl::Status RefFromProto(absl::string_view what, const pb::TaskRef& p,
                          const WireLimits& limits, TaskRef* out) {
  if (absl::Status s = CheckName(what, p.node(), limits); !s.ok()) return s;
  // Id 0 means "no task" (TaskRef::valid), which serializes as an absent
  // ref: a node with id 0 would not survive a round trip, so it is refused
  // (found by //distributed:decode_fuzzer).
  if (p.id() == 0 && !p.node().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "wire: ", what, " \"", p.node(), "\" has task id 0 (ids start at 1)"));
  }
  out->node = p.node();
  out->id = p.id();
  return absl::OkStatus();
}

absl::Status CheckSize(absl::string_view bytes, const WireLimits& limits) {
  if (bytes.size() > limits.max_message_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("wire: a message of ", bytes.size(),
                     " bytes exceeds the limit of ", limits.max_message_bytes));
  }
  return absl::OkStatus();
}

}  // namespace

double LoadReport::load_factor() const noexcept {
  if (workers == 0) return std::numeric_limits<double>::infinity();
  return (static_cast<double>(running) + queued()) / workers;
}

std::string SerializeEnvelope(const Envelope& e) {
  pb::TaskEnvelope p;
  RefToProto(e.task, p.mutable_task());
  if (e.parent.valid()) RefToProto(e.parent, p.mutable_parent());
  p.set_function(e.function);
  p.set_signature(e.signature);
  p.set_args(e.args);
  p.set_codec(e.codec == CodecKind::kProtobuf ? pb::CODEC_PROTOBUF
                                              : pb::CODEC_MOIRAI_BINARY);
  p.set_priority(static_cast<pb::Priority>(core::PriorityIndex(e.priority)));
  p.set_deadline_remaining_ns(
      e.deadline_remaining == absl::InfiniteDuration()
          ? -1
          : std::max<std::int64_t>(
                0, absl::ToInt64Nanoseconds(e.deadline_remaining)));
  p.set_idempotency_key(e.idempotency_key);
  p.set_attempt(e.attempt);
  p.set_trace_id(e.trace_id);
  return p.SerializeAsString();
}

absl::StatusOr<Envelope> ParseEnvelope(absl::string_view bytes,
                                       const WireLimits& limits) {
  if (absl::Status s = CheckSize(bytes, limits); !s.ok()) return s;
  pb::TaskEnvelope p;
  if (!p.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError(
        "wire: the bytes do not parse as a TaskEnvelope");
  }
  Envelope e;
  if (absl::Status s = RefFromProto("task node", p.task(), limits, &e.task);
      !s.ok()) {
    return s;
  }
  if (!e.task.valid()) {
    return absl::InvalidArgumentError("wire: the envelope has no task id");
  }
  if (absl::Status s =
          RefFromProto("parent node", p.parent(), limits, &e.parent);
      !s.ok()) {
    return s;
  }
  if (p.function().empty()) {
    return absl::InvalidArgumentError("wire: the envelope names no function");
  }
  for (auto [what, value] : {std::pair<absl::string_view, absl::string_view>{
                                 "function", p.function()},
                             {"idempotency key", p.idempotency_key()},
                             {"trace id", p.trace_id()}}) {
    if (absl::Status s = CheckName(what, value, limits); !s.ok()) return s;
  }
  e.function = p.function();
  e.signature = p.signature();
  e.args = p.args();
  switch (p.codec()) {
    case pb::CODEC_MOIRAI_BINARY:
      e.codec = CodecKind::kMoiraiBinary;
      break;
    case pb::CODEC_PROTOBUF:
      e.codec = CodecKind::kProtobuf;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("wire: unknown codec ", static_cast<int>(p.codec())));
  }
  std::optional<core::Priority> prio =
      core::PriorityFromIndex(static_cast<int>(p.priority()));
  if (!prio.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("wire: priority ", static_cast<int>(p.priority()),
                     " is not one of the ", core::kNumPriorities, " levels"));
  }
  e.priority = *prio;
  e.deadline_remaining = p.deadline_remaining_ns() < 0
                             ? absl::InfiniteDuration()
                             : absl::Nanoseconds(p.deadline_remaining_ns());
  if (p.attempt() == 0) {
    return absl::InvalidArgumentError("wire: attempt 0 (attempts start at 1)");
  }
  e.idempotency_key = p.idempotency_key();
  e.attempt = p.attempt();
  e.trace_id = p.trace_id();
  return e;
}

std::string SerializeResult(const ResultMessage& r) {
  pb::TaskResult p;
  RefToProto(r.task, p.mutable_task());
  p.set_code(static_cast<int>(r.status.code()));
  p.set_message(std::string(r.status.message()));
  p.set_value(r.value);
  p.set_node(r.node);
  pb::LoadReport* load = p.mutable_load();
  load->set_workers(r.load.workers);
  load->set_running(r.load.running);
  for (std::uint32_t q : r.load.queued_by_priority) {
    load->add_queued_by_priority(q);
  }
  load->set_load_factor(static_cast<float>(r.load.load_factor()));
  load->set_at_mono_ns(r.load.at_mono_ns);
  return p.SerializeAsString();
}

absl::StatusOr<ResultMessage> ParseResult(absl::string_view bytes,
                                          const WireLimits& limits) {
  if (absl::Status s = CheckSize(bytes, limits); !s.ok()) return s;
  pb::TaskResult p;
  if (!p.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError(
        "wire: the bytes do not parse as a TaskResult");
  }
  ResultMessage r;
  if (absl::Status s = RefFromProto("task node", p.task(), limits, &r.task);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckName("node", p.node(), limits); !s.ok()) return s;
  if (p.code() < 0 ||
      p.code() > static_cast<int>(absl::StatusCode::kUnauthenticated)) {
    return absl::InvalidArgumentError(
        absl::StrCat("wire: status code ", p.code(), " is not a status code"));
  }
  const auto code = static_cast<absl::StatusCode>(p.code());
  r.status = code == absl::StatusCode::kOk ? absl::OkStatus()
                                           : absl::Status(code, p.message());
  r.value = p.value();
  r.node = p.node();
  if (p.load().queued_by_priority_size() > core::kNumPriorities) {
    return absl::InvalidArgumentError(
        "wire: a load report with more than 5 priority lanes");
  }
  r.load.workers = p.load().workers();
  r.load.running = p.load().running();
  for (int i = 0; i < p.load().queued_by_priority_size(); ++i) {
    r.load.queued_by_priority[i] = p.load().queued_by_priority(i);
  }
  r.load.at_mono_ns = p.load().at_mono_ns();
  return r;
}

}  // namespace moirai::distributed
