// Copyright 2026 The Moirai Authors.

#include "moirai/async/internal/io_service.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace moirai::async::internal {

IoService::IoService()
    : work_(boost::asio::make_work_guard(io_)),
      thread_([this] { io_.run(); }) {}

IoService::~IoService() {
  work_.reset();
  io_.stop();
  thread_.join();
  pool_.join();
}

absl::Status IoError(const boost::system::error_code& ec,
                     absl::string_view what) {
  const bool is_errno =
      ec.category() == boost::system::system_category() ||
      ec.category() == boost::asio::error::get_misc_category() ||
      ec.category() == boost::system::generic_category();
  const absl::StatusCode code =
      ec == boost::asio::error::eof
          ? absl::StatusCode::kOutOfRange
          : (is_errno ? absl::ErrnoToStatusCode(ec.value())
                      : absl::StatusCode::kUnknown);
  absl::Status s(
      code, absl::StrCat(what, ": ", ec.message(), " (", ec.category().name(),
                         " ", ec.value(), ")"));
  if (ec.category() == boost::system::system_category()) {
    s.SetPayload(kOsErrorPayload, absl::Cord(absl::StrCat(ec.value())));
  }
  return s;
}

}  // namespace moirai::async::internal
