// Copyright 2026 The Moirai Authors.

#include "moirai/core/future.h"

#include <exception>

namespace moirai::core::internal {

absl::Status ExceptionToStatus(std::exception_ptr e) {
  try {
    std::rethrow_exception(std::move(e));
  } catch (const std::exception& ex) {
    return absl::UnknownError(
        absl::StrCat("exception escaped the task: ", ex.what()));
  } catch (...) {
    return absl::UnknownError(
        "exception escaped the task (not derived from std::exception)");
  }
}

absl::Status BrokenPromiseError() {
  return absl::CancelledError(
      "broken promise: the Promise was destroyed without a result");
}

absl::Status InvalidFutureError() {
  return absl::FailedPreconditionError(
      "Future is invalid (default-constructed, moved-from or already "
      "consumed by Get/Then)");
}

}  // namespace moirai::core::internal
