// Copyright 2026 The Moirai Authors.
//
// async/internal/io_service.h
// -----------------------------------------------------------------------------
//
// The runtime's Asio reactor: one `boost::asio::io_context` run by one
// dedicated thread. Fibers never run on it; completion handlers only claim
// and wake the waiting fiber (which is then re-submitted to the workers), so
// the reactor thread stays free to poll.
//
// AwaitAsio() is the one bridge from an Asio operation to a fiber (or
// thread): it starts the operation with a handler that wakes the waiter and
// waits, honouring the current task's deadline and cancellation. On a
// timeout or cancellation it asks the reactor thread to cancel the operation
// (the caller's `cancel`, which must not end other callers' operations; see
// io.cc's SocketCore) and waits until both that request and the handler have
// run, so no Asio callback ever outlives the waiting frame.

#ifndef MOIRAI_ASYNC_INTERNAL_IO_SERVICE_H_
#define MOIRAI_ASYNC_INTERNAL_IO_SERVICE_H_

#include <atomic>
#include <utility>  // before Asio: Boost 1.74 awaitable.hpp needs std::exchange

// Asio's headers use std::atomic_thread_fence, which GCC 12 flags with -Wtsan
// under ThreadSanitizer (Asio's fences only order its own internal
// bookkeeping; every cross-thread edge Moirai relies on goes through its own
// atomics). The diagnostic is silenced for the rest of each translation unit
// that includes this internal header, since the warning fires where Asio's
// templates are instantiated.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wtsan"
#endif
#include <boost/asio.hpp>
#include <boost/asio/thread_pool.hpp>
#include <optional>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "moirai/async/internal/wait.h"
#include "moirai/async/internal/waiter.h"

namespace moirai::async::internal {

class IoService {
 public:
  IoService();
  IoService(const IoService&) = delete;
  IoService& operator=(const IoService&) = delete;
  ~IoService();  // stops the reactor and joins its thread

  boost::asio::io_context& context() noexcept { return io_; }

  // IoService::blocking_pool()
  //
  // Threads for blocking system calls (file I/O).
  boost::asio::thread_pool& blocking_pool() noexcept { return pool_; }

 private:
  boost::asio::thread_pool pool_{2};
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type>
      work_;
  std::thread thread_;
};

// IoError()
//
// An absl::Status for an Asio/OS error: the code mapped from the errno, the
// message "<what>: <os message> (errno N)", and the errno value kept as the
// payload kOsErrorPayload (read it back with OsErrorOf() in io.h).
inline constexpr absl::string_view kOsErrorPayload = "moirai.async/os_error";
absl::Status IoError(const boost::system::error_code& ec,
                     absl::string_view what);

// AwaitAsio()
//
// `start(handler)` must start exactly one Asio operation on `io` whose
// completion handler is `handler(const boost::system::error_code&)`;
// `cancel()` (run on the reactor thread) must cancel it. Returns the
// operation's error_code, or the deadline/cancellation status.
template <typename Start, typename Cancel>
absl::Status AwaitAsio(IoService* io, absl::string_view what, Start start,
                       Cancel cancel, boost::system::error_code* ec_out) {
  struct Op {
    Waiter w;         // claimed by the handler (tag 0), timer or cancel
    Waiter finished;  // after a lost race: handler and cancel request done
    std::atomic<int> pending{2};
    boost::system::error_code ec;
    void Done() {
      if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1 &&
          finished.TryClaim(0)) {
        finished.Wake();
      }
    }
  } op;
  start([&op](const boost::system::error_code& ec) {
    op.ec = ec;
    if (op.w.TryClaim(0)) {
      op.w.Wake();
    } else {
      op.Done();
    }
  });
  const int tag = BlockOn(&op.w);
  if (tag == 0) {
    *ec_out = op.ec;
    return absl::OkStatus();
  }
  boost::asio::post(io->context(), [&op, &cancel] {
    cancel();
    op.Done();
  });
  op.finished.WaitUncancellable();
  return StatusForTag(tag, what);
}

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_IO_SERVICE_H_
