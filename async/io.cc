// Copyright 2026 The Moirai Authors.

#include "moirai/async/io.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "moirai/async/internal/io_service.h"
#include "moirai/async/internal/lock.h"
#include "moirai/async/internal/wait_list.h"
#include "moirai/core/internal/check.h"

namespace moirai::async {

namespace asio = boost::asio;
using boost::system::error_code;
using internal::AwaitAsio;
using internal::IoError;
using internal::IoService;

namespace internal {

// IoDirection: the two directions of a socket. io.h's contract allows one
// waiting call per direction (one reader and one writer may overlap).
enum class IoDirection : int { kRead = 0, kWrite = 1 };

// SocketCore<Socket>
//
// An Asio socket (or acceptor) shared by the fibers that use it, the reactor
// thread that completes their readiness waits, and a Close() from any fiber
// or thread.
//
// Per-direction cancellation. Boost 1.74's Asio has no per-operation
// cancellation: `socket.cancel()` aborts every pending operation on the
// socket, both directions. A timed-out or cancelled wait therefore marks its
// own armed wait as cancelled before it calls cancel(); the completion
// handler of a wait that was aborted without being marked (the other
// direction's, or ours by the other's cancel) re-arms it instead of
// completing, so the other direction keeps waiting. Re-arming loses no
// readiness: Asio's epoll reactor starts every wait on an empty queue with
// EPOLL_CTL_MOD, which reports a readiness that is already there.
//
// Close while in use. Calls bracket their use of the socket with Enter()/
// Exit(). Close() sets `closing_` (new calls fail, calls in flight stop
// before their next system call, armed waits do not re-arm), aborts the
// armed waits (their calls return kAborted) and returns once the descriptor
// is closed, which happens only when no call is in flight (the last call to
// Exit() closes it): no call ever makes a system call on a closed (and
// possibly reused) descriptor, and no completion handler outlives the
// socket. Invariant: closed_ implies closing_ and calls_ == 0.
//
// Thread safety: every Asio call that starts, cancels or re-arms a wait runs
// under `mu_`, so the Asio socket object is never used by two threads at
// once for anything but the non-blocking read/write system calls (which
// only read it). `mu_` is a spin lock held for one Asio call at most.
template <typename Socket>
class SocketCore {
 public:
  explicit SocketCore(IoService* io) : io_(io), socket_(io->context()) {}
  SocketCore(const SocketCore&) = delete;
  SocketCore& operator=(const SocketCore&) = delete;
  ~SocketCore() {
    Close();
    SpinLock guard(&mu_);
    MOIRAI_INTERNAL_CHECK(calls_ == 0 && closed_,
                          "async I/O object destroyed with a call in flight");
  }

  IoService* io() const { return io_; }

  // SocketCore::socket()
  //
  // For setup before the socket is shared (Bind, Connect, Accept) and for
  // the non-blocking system calls of a call between Enter() and Exit().
  Socket& socket() { return socket_; }

  // SocketCore::Enter() / Exit()
  //
  // Brackets one call. Enter() fails with kFailedPrecondition once the
  // socket is closed (or closing).
  absl::Status Enter(absl::string_view what) {
    SpinLock guard(&mu_);
    if (closing_) {
      return absl::FailedPreconditionError(absl::StrCat(what, ": closed"));
    }
    ++calls_;
    return absl::OkStatus();
  }
  void Exit() {
    absl::InlinedVector<Waiter*, 2> closers;
    {
      SpinLock guard(&mu_);
      if (--calls_ == 0 && closing_) {
        CloseDescriptor();
        while (WaitNode* n = closers_.PopClaimed())
          closers.push_back(n->waiter);
      }
    }
    // Claimed by PopClaimed() (a closer's Waiter is registered nowhere
    // else, so the claim always succeeds). A woken closer touches nothing of
    // this socket, so the socket may be destroyed as soon as they are woken.
    for (Waiter* w : closers) w->Wake();
  }

  // SocketCore::closing()
  //
  // True once Close() began. A call polls it between system calls so that a
  // long WriteAll into a fast peer also stops.
  bool closing() {
    SpinLock guard(&mu_);
    return closing_;
  }

  // SocketCore::WaitReady()
  //
  // Between Enter() and Exit(): waits until the socket is ready in
  // direction `d`. kAborted if the socket is closed meanwhile; the shared
  // kDeadlineExceeded/kCancelled of AwaitAsio(), which cancel only this
  // direction's wait.
  absl::Status WaitReady(IoDirection d, absl::string_view what) {
    ArmedWait armed;
    boost::system::error_code ec;
    absl::Status s = AwaitAsio(
        io_, what,
        [&](auto handler) {
          SpinLock guard(&mu_);
          if (closing_) {
            boost::asio::post(io_->context(), [handler]() mutable {
              handler(boost::asio::error::operation_aborted);
            });
            return;
          }
          armed_[Index(d)] = &armed;
          socket_.async_wait(
              WaitType(d),
              Rearming<decltype(handler)>{this, d, &armed, std::move(handler)});
        },
        [&] {
          // On the reactor thread, after this wait timed out or was
          // cancelled. If the handler already ran, nothing is armed.
          SpinLock guard(&mu_);
          if (armed_[Index(d)] == &armed) {
            armed.cancelled = true;
            boost::system::error_code ignored;
            socket_.cancel(ignored);  // the other direction re-arms
          }
        },
        &ec);
    if (!s.ok()) return s;
    if (ec == boost::asio::error::operation_aborted) {
      // Only Close() aborts a wait that still claims its Waiter.
      return absl::AbortedError(
          absl::StrCat(what, ": socket closed while waiting"));
    }
    if (ec) return IoError(ec, what);
    return absl::OkStatus();
  }

  // SocketCore::Close()
  //
  // Idempotent, and may run concurrently with calls and other Close()s; see
  // the class comment. Returns once the descriptor is closed, waiting (parks
  // a fiber, blocks a thread) for the calls in flight to exit; the last of
  // them closes it.
  void Close() {
    Waiter w;
    WaitNode node;
    node.waiter = &w;
    {
      SpinLock guard(&mu_);
      if (!closing_) {
        closing_ = true;
        if (armed_[0] != nullptr || armed_[1] != nullptr) {
          // Their handlers see closing_ and complete with operation_aborted.
          boost::system::error_code ignored;
          socket_.cancel(ignored);
        }
      }
      if (calls_ == 0) {
        CloseDescriptor();
        return;
      }
      closers_.PushBack(&node);
    }
    // Woken by the last Exit(), after it closed the descriptor. Not
    // cancellable: the calls are already told to leave.
    w.WaitUncancellable();
  }

  // SocketCore::armed()
  //
  // True while a readiness wait in direction `d` is started (tests).
  bool armed(IoDirection d) {
    SpinLock guard(&mu_);
    return armed_[Index(d)] != nullptr;
  }

  // SocketCore::is_open()
  bool is_open() {
    SpinLock guard(&mu_);
    return !closing_ && socket_.is_open();  // under mu_: Exit() may close it
  }

 private:
  // One started async_wait, on the waiting call's frame. `cancelled`: this
  // wait timed out or was cancelled, so its handler must complete rather
  // than re-arm.
  struct ArmedWait {
    bool cancelled = false;  // guarded by the owning SocketCore's mu_
  };

  // The completion handler of a readiness wait: re-arms after an abort
  // meant for the other direction; otherwise completes AwaitAsio's handler.
  // Runs on the reactor thread.
  template <typename Handler>
  struct Rearming {
    SocketCore* core;
    IoDirection d;
    ArmedWait* armed;
    Handler handler;
    void operator()(const boost::system::error_code& ec) {
      {
        SpinLock guard(&core->mu_);
        if (ec == boost::asio::error::operation_aborted && !armed->cancelled &&
            !core->closing_) {
          core->socket_.async_wait(WaitType(d), Rearming(*this));
          return;
        }
        core->armed_[Index(d)] = nullptr;
      }
      handler(ec);  // wakes the call: touches neither *core nor *armed after
    }
  };

  // With no call in flight and closing_ set, every armed wait's handler has
  // run (each call's AwaitAsio returns only after its handler did), so
  // nothing else touches socket_.
  void CloseDescriptor() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (closed_) return;
    boost::system::error_code ignored;
    socket_.close(ignored);
    closed_ = true;
  }

  static int Index(IoDirection d) { return static_cast<int>(d); }
  static typename Socket::wait_type WaitType(IoDirection d) {
    return d == IoDirection::kRead ? Socket::wait_read : Socket::wait_write;
  }

  IoService* const io_;
  Socket socket_;
  SpinMutex mu_;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;  // the descriptor is closed
  int calls_ ABSL_GUARDED_BY(mu_) = 0;        // between Enter() and Exit()
  WaitList<WaitNode> closers_ ABSL_GUARDED_BY(mu_);  // Close()s waiting
  ArmedWait* armed_[2] ABSL_GUARDED_BY(mu_) = {nullptr, nullptr};
};

struct TcpSocketImpl : SocketCore<boost::asio::ip::tcp::socket> {
  using SocketCore::SocketCore;
};
struct TcpAcceptorImpl : SocketCore<boost::asio::ip::tcp::acceptor> {
  using SocketCore::SocketCore;
};
struct UdpSocketImpl : SocketCore<boost::asio::ip::udp::socket> {
  using SocketCore::SocketCore;
};

}  // namespace internal

namespace {

using internal::IoDirection;

absl::StatusOr<asio::ip::address> ParseAddress(const std::string& host) {
  error_code ec;
  asio::ip::address a = asio::ip::make_address(host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a numeric IP address: '", host, "'"));
  }
  return a;
}

bool WouldBlock(const error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

// Call: RAII Enter()/Exit() on a socket core. ok() false when the object
// is empty (moved from, default constructed) or closed; status() says so.
template <typename Core>
class Call {
 public:
  Call(Core* core, absl::string_view what)
      : core_(core),
        status_(core == nullptr ? absl::FailedPreconditionError(
                                      absl::StrCat(what, ": not open"))
                                : core->Enter(what)) {}
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;
  ~Call() {
    if (status_.ok()) core_->Exit();
  }
  bool ok() const { return status_.ok(); }
  const absl::Status& status() const { return status_; }

 private:
  Core* const core_;
  const absl::Status status_;
};

// The bytes a failed ReadExact/WriteAll moved, as a payload.
constexpr absl::string_view kBytesTransferredPayload =
    "moirai.async/bytes_transferred";

absl::Status WithBytesTransferred(absl::Status s, std::size_t done,
                                  std::size_t total) {
  absl::Status out(s.code(), absl::StrCat(s.message(), " (after ", done, " of ",
                                          total, " bytes)"));
  s.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  out.SetPayload(kBytesTransferredPayload, absl::Cord(absl::StrCat(done)));
  return out;
}

// One non-blocking read, waiting for readiness on EAGAIN. Inside a Call.
absl::StatusOr<std::size_t> ReadSomeIn(internal::TcpSocketImpl* core,
                                       absl::Span<char> buf,
                                       absl::string_view what) {
  auto& sock = core->socket();
  for (;;) {
    if (core->closing()) {
      return absl::AbortedError(absl::StrCat(what, ": socket closed"));
    }
    error_code ec;
    const std::size_t n =
        sock.read_some(asio::buffer(buf.data(), buf.size()), ec);
    if (!ec) return n;
    if (ec == asio::error::eof) return 0;
    if (!WouldBlock(ec)) return IoError(ec, what);
    absl::Status s = core->WaitReady(IoDirection::kRead, what);
    if (!s.ok()) return s;
  }
}

// One non-blocking write of at least one byte, waiting for room on EAGAIN.
// Inside a Call.
absl::StatusOr<std::size_t> WriteSomeIn(internal::TcpSocketImpl* core,
                                        absl::Span<const char> data,
                                        absl::string_view what) {
  auto& sock = core->socket();
  for (;;) {
    if (core->closing()) {
      return absl::AbortedError(absl::StrCat(what, ": socket closed"));
    }
    error_code ec;
    const std::size_t n =
        sock.write_some(asio::buffer(data.data(), data.size()), ec);
    if (!ec) return n;
    if (!WouldBlock(ec)) return IoError(ec, what);
    absl::Status s = core->WaitReady(IoDirection::kWrite, what);
    if (!s.ok()) return s;
  }
}

}  // namespace

std::optional<int> OsErrorOf(const absl::Status& status) {
  auto p = status.GetPayload(internal::kOsErrorPayload);
  int v;
  if (!p.has_value() || !absl::SimpleAtoi(std::string(*p), &v)) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::size_t> BytesTransferredOf(const absl::Status& status) {
  auto p = status.GetPayload(kBytesTransferredPayload);
  std::size_t v;
  if (!p.has_value() || !absl::SimpleAtoi(std::string(*p), &v)) {
    return std::nullopt;
  }
  return v;
}

// ----------------------------------------------------------------- TcpStream

TcpStream::TcpStream() = default;
TcpStream::TcpStream(TcpStream&&) noexcept = default;
TcpStream& TcpStream::operator=(TcpStream&& other) noexcept {
  if (this != &other) {
    Close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}
TcpStream::~TcpStream() { Close(); }

absl::StatusOr<TcpStream> TcpStream::Connect(Runtime& rt,
                                             const std::string& host,
                                             std::uint16_t port) {
  absl::StatusOr<asio::ip::address> addr = ParseAddress(host);
  if (!addr.ok()) return addr.status();
  TcpStream out;
  out.impl_ = std::make_unique<internal::TcpSocketImpl>(
      &internal::RuntimeAccess::io(rt));
  // Not shared yet: no other call can use the socket, so cancel() may
  // abort whatever is pending.
  auto& sock = out.impl_->socket();
  const asio::ip::tcp::endpoint ep(*addr, port);
  error_code ec;
  absl::Status s = AwaitAsio(
      &internal::RuntimeAccess::io(rt), "TcpStream::Connect",
      [&](auto handler) { sock.async_connect(ep, std::move(handler)); },
      [&] {
        error_code ignored;
        sock.cancel(ignored);
      },
      &ec);
  if (!s.ok()) return s;
  if (ec) {
    return IoError(ec, absl::StrCat("TcpStream::Connect to ", host, ":", port));
  }
  sock.non_blocking(true, ec);
  if (!ec) sock.set_option(asio::ip::tcp::no_delay(true), ec);
  if (ec) return IoError(ec, "TcpStream::Connect (socket options)");
  return out;
}

absl::StatusOr<std::size_t> TcpStream::ReadSome(absl::Span<char> buf) {
  constexpr absl::string_view kWhat = "TcpStream::ReadSome";
  Call call(impl_.get(), kWhat);
  if (!call.ok()) return call.status();
  if (buf.empty()) return 0;
  return ReadSomeIn(impl_.get(), buf, kWhat);
}

absl::Status TcpStream::ReadExact(absl::Span<char> buf) {
  constexpr absl::string_view kWhat = "TcpStream::ReadExact";
  internal::TcpSocketImpl* const core = impl_.get();
  Call call(core, kWhat);
  if (!call.ok()) return call.status();
  std::size_t done = 0;
  while (done < buf.size()) {
    absl::StatusOr<std::size_t> n = ReadSomeIn(core, buf.subspan(done), kWhat);
    if (!n.ok()) return WithBytesTransferred(n.status(), done, buf.size());
    if (*n == 0) {
      return WithBytesTransferred(absl::OutOfRangeError(absl::StrCat(
                                      kWhat, ": short read, EOF after ", done,
                                      " of ", buf.size(), " bytes")),
                                  done, buf.size());
    }
    done += *n;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::size_t> TcpStream::WriteSome(absl::Span<const char> data) {
  constexpr absl::string_view kWhat = "TcpStream::WriteSome";
  Call call(impl_.get(), kWhat);
  if (!call.ok()) return call.status();
  if (data.empty()) return 0;
  return WriteSomeIn(impl_.get(), data, kWhat);
}

absl::Status TcpStream::WriteAll(absl::Span<const char> data) {
  constexpr absl::string_view kWhat = "TcpStream::WriteAll";
  internal::TcpSocketImpl* const core = impl_.get();
  Call call(core, kWhat);
  if (!call.ok()) return call.status();
  std::size_t done = 0;
  while (done < data.size()) {
    absl::StatusOr<std::size_t> n =
        WriteSomeIn(core, data.subspan(done), kWhat);
    if (!n.ok()) return WithBytesTransferred(n.status(), done, data.size());
    done += *n;
  }
  return absl::OkStatus();
}

absl::Status TcpStream::ShutdownWrite() {
  constexpr absl::string_view kWhat = "TcpStream::ShutdownWrite";
  Call call(impl_.get(), kWhat);
  if (!call.ok()) return call.status();
  error_code ec;
  impl_->socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) return IoError(ec, kWhat);
  return absl::OkStatus();
}

void TcpStream::Close() {
  if (impl_ != nullptr) impl_->Close();
}

bool TcpStream::is_open() const { return impl_ != nullptr && impl_->is_open(); }

std::uint16_t TcpStream::local_port() const {
  Call call(impl_.get(), "TcpStream::local_port");
  if (!call.ok()) return 0;
  error_code ec;
  auto ep = impl_->socket().local_endpoint(ec);
  return ec ? 0 : ep.port();
}

namespace internal {

bool IoTestAccess::ReadWaitArmed(const TcpStream& s) {
  return s.impl_ != nullptr && s.impl_->armed(IoDirection::kRead);
}

bool IoTestAccess::WriteWaitArmed(const TcpStream& s) {
  return s.impl_ != nullptr && s.impl_->armed(IoDirection::kWrite);
}

int IoTestAccess::NativeHandle(const TcpStream& s) {
  return s.impl_ == nullptr ? -1 : s.impl_->socket().native_handle();
}

}  // namespace internal

// --------------------------------------------------------------- TcpListener

TcpListener::TcpListener() = default;
TcpListener::TcpListener(TcpListener&&) noexcept = default;
TcpListener& TcpListener::operator=(TcpListener&& other) noexcept {
  if (this != &other) {
    Close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}
TcpListener::~TcpListener() { Close(); }

absl::StatusOr<TcpListener> TcpListener::Bind(Runtime& rt,
                                              const std::string& host,
                                              std::uint16_t port, int backlog) {
  absl::StatusOr<asio::ip::address> addr = ParseAddress(host);
  if (!addr.ok()) return addr.status();
  if (backlog <= 0) {
    return absl::InvalidArgumentError("TcpListener::Bind: backlog must be > 0");
  }
  TcpListener out;
  out.impl_ = std::make_unique<internal::TcpAcceptorImpl>(
      &internal::RuntimeAccess::io(rt));
  auto& acc = out.impl_->socket();
  const asio::ip::tcp::endpoint ep(*addr, port);
  error_code ec;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(backlog, ec);
  if (!ec) acc.non_blocking(true, ec);
  if (ec) {
    return IoError(ec, absl::StrCat("TcpListener::Bind ", host, ":", port));
  }
  return out;
}

absl::StatusOr<TcpStream> TcpListener::Accept() {
  constexpr absl::string_view kWhat = "TcpListener::Accept";
  Call call(impl_.get(), kWhat);
  if (!call.ok()) return call.status();
  auto& acc = impl_->socket();
  for (;;) {
    if (impl_->closing()) {
      return absl::AbortedError(absl::StrCat(kWhat, ": listener closed"));
    }
    TcpStream out;
    out.impl_ = std::make_unique<internal::TcpSocketImpl>(impl_->io());
    error_code ec;
    acc.accept(out.impl_->socket(), ec);
    if (!ec) {
      out.impl_->socket().non_blocking(true, ec);
      if (!ec) {
        out.impl_->socket().set_option(asio::ip::tcp::no_delay(true), ec);
      }
      if (ec) return IoError(ec, "TcpListener::Accept (socket options)");
      return out;
    }
    if (!WouldBlock(ec) && ec != asio::error::connection_aborted) {
      return IoError(ec, kWhat);
    }
    absl::Status s = impl_->WaitReady(IoDirection::kRead, kWhat);
    if (!s.ok()) return s;
  }
}

std::uint16_t TcpListener::port() const {
  Call call(impl_.get(), "TcpListener::port");
  if (!call.ok()) return 0;
  error_code ec;
  auto ep = impl_->socket().local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void TcpListener::Close() {
  if (impl_ != nullptr) impl_->Close();
}

// ----------------------------------------------------------------- UdpSocket

UdpSocket::UdpSocket() = default;
UdpSocket::UdpSocket(UdpSocket&&) noexcept = default;
UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
  if (this != &other) {
    Close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}
UdpSocket::~UdpSocket() { Close(); }

absl::StatusOr<UdpSocket> UdpSocket::Bind(Runtime& rt, const std::string& host,
                                          std::uint16_t port) {
  absl::StatusOr<asio::ip::address> addr = ParseAddress(host);
  if (!addr.ok()) return addr.status();
  UdpSocket out;
  out.impl_ = std::make_unique<internal::UdpSocketImpl>(
      &internal::RuntimeAccess::io(rt));
  auto& sock = out.impl_->socket();
  const asio::ip::udp::endpoint ep(*addr, port);
  error_code ec;
  sock.open(ep.protocol(), ec);
  if (!ec) sock.bind(ep, ec);
  if (!ec) sock.non_blocking(true, ec);
  if (ec) return IoError(ec, absl::StrCat("UdpSocket::Bind ", host, ":", port));
  return out;
}

absl::Status UdpSocket::SendTo(absl::Span<const char> data,
                               const std::string& host, std::uint16_t port) {
  constexpr absl::string_view kWhat = "UdpSocket::SendTo";
  Call call(impl_.get(), kWhat);
  if (!call.ok()) return call.status();
  absl::StatusOr<asio::ip::address> addr = ParseAddress(host);
  if (!addr.ok()) return addr.status();
  const asio::ip::udp::endpoint ep(*addr, port);
  auto& sock = impl_->socket();
  for (;;) {
    if (impl_->closing()) {
      return absl::AbortedError(absl::StrCat(kWhat, ": socket closed"));
    }
    error_code ec;
    sock.send_to(asio::buffer(data.data(), data.size()), ep, 0, ec);
    if (!ec) return absl::OkStatus();
    if (!WouldBlock(ec)) return IoError(ec, kWhat);
    absl::Status s = impl_->WaitReady(IoDirection::kWrite, kWhat);
    if (!s.ok()) return s;
  }
}

absl::StatusOr<std::size_t> UdpSocket::ReceiveFrom(absl::Span<char> buf,
                                                   std::uint16_t* from_port) {
  constexpr absl::string_view kWhat = "UdpSocket::ReceiveFrom";
  Call call(impl_.get(), kWhat);
  if (!call.ok()) return call.status();
  auto& sock = impl_->socket();
  for (;;) {
    if (impl_->closing()) {
      return absl::AbortedError(absl::StrCat(kWhat, ": socket closed"));
    }
    error_code ec;
    asio::ip::udp::endpoint from;
    const std::size_t n =
        sock.receive_from(asio::buffer(buf.data(), buf.size()), from, 0, ec);
    if (!ec) {
      if (from_port != nullptr) *from_port = from.port();
      return n;
    }
    if (!WouldBlock(ec)) return IoError(ec, kWhat);
    absl::Status s = impl_->WaitReady(IoDirection::kRead, kWhat);
    if (!s.ok()) return s;
  }
}

std::uint16_t UdpSocket::port() const {
  Call call(impl_.get(), "UdpSocket::port");
  if (!call.ok()) return 0;
  error_code ec;
  auto ep = impl_->socket().local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void UdpSocket::Close() {
  if (impl_ != nullptr) impl_->Close();
}

// --------------------------------------------------------------------- Files

namespace {

absl::Status ErrnoStatus(int err, absl::string_view what) {
  return IoError(error_code(err, boost::system::system_category()), what);
}

// Runs `fn` on the blocking pool and parks the caller until it returns.
template <typename Fn>
auto RunBlocking(Runtime& rt, Fn fn) -> decltype(fn()) {
  std::optional<decltype(fn())> result;
  internal::Waiter w;
  asio::post(internal::RuntimeAccess::io(rt).blocking_pool(), [&] {
    result.emplace(fn());
    if (w.TryClaim(0)) w.Wake();
  });
  w.WaitUncancellable();  // the pool thread writes into this frame
  return *std::move(result);
}

}  // namespace

absl::StatusOr<std::string> ReadFile(Runtime& rt, const std::string& path) {
  return RunBlocking(rt, [&]() -> absl::StatusOr<std::string> {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, absl::StrCat("ReadFile ", path));
    std::string out;
    char buf[64 * 1024];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::close(fd);
        return ErrnoStatus(err, absl::StrCat("ReadFile ", path));
      }
      if (n == 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
  });
}

absl::Status WriteFile(Runtime& rt, const std::string& path,
                       absl::string_view data) {
  return RunBlocking(rt, [&]() -> absl::Status {
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus(errno, absl::StrCat("WriteFile ", path));
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::close(fd);
        return ErrnoStatus(err, absl::StrCat("WriteFile ", path));
      }
      done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) {
      return ErrnoStatus(errno, absl::StrCat("WriteFile close ", path));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<std::string>> ListDirectory(
    Runtime& rt, const std::string& path) {
  return RunBlocking(rt, [&]() -> absl::StatusOr<std::vector<std::string>> {
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) {
      return ErrnoStatus(errno, absl::StrCat("ListDirectory ", path));
    }
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") != 0 &&
          std::strcmp(e->d_name, "..") != 0) {
        names.emplace_back(e->d_name);
      }
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) return ErrnoStatus(err, absl::StrCat("ListDirectory ", path));
    std::sort(names.begin(), names.end());
    return names;
  });
}

}  // namespace moirai::async
