// Copyright 2026 The Moirai Authors.

#include "moirai/async/io.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "moirai/async/internal/io_service.h"

namespace moirai::async {

namespace asio = boost::asio;
using boost::system::error_code;
using internal::AwaitAsio;
using internal::IoError;
using internal::IoService;

namespace internal {
struct TcpSocketImpl {
  TcpSocketImpl(IoService* s) : io(s), socket(s->context()) {}
  IoService* io;
  asio::ip::tcp::socket socket;
};
struct TcpAcceptorImpl {
  TcpAcceptorImpl(IoService* s) : io(s), acceptor(s->context()) {}
  IoService* io;
  asio::ip::tcp::acceptor acceptor;
};
struct UdpSocketImpl {
  UdpSocketImpl(IoService* s) : io(s), socket(s->context()) {}
  IoService* io;
  asio::ip::udp::socket socket;
};
}  // namespace internal

namespace {

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

// Waits until `sock` is ready for `type`, cancelling on timeout/cancel.
template <typename Socket>
absl::Status WaitReady(IoService* io, Socket& sock,
                       typename Socket::wait_type type,
                       absl::string_view what) {
  error_code ec;
  absl::Status s = AwaitAsio(
      io, what,
      [&](auto handler) { sock.async_wait(type, std::move(handler)); },
      [&] {
        error_code ignored;
        sock.cancel(ignored);
      },
      &ec);
  if (!s.ok()) return s;
  if (ec) return IoError(ec, what);
  return absl::OkStatus();
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

// ----------------------------------------------------------------- TcpStream

TcpStream::TcpStream() = default;
TcpStream::TcpStream(TcpStream&&) noexcept = default;
TcpStream& TcpStream::operator=(TcpStream&&) noexcept = default;
TcpStream::~TcpStream() { Close(); }

absl::StatusOr<TcpStream> TcpStream::Connect(Runtime& rt,
                                             const std::string& host,
                                             std::uint16_t port) {
  absl::StatusOr<asio::ip::address> addr = ParseAddress(host);
  if (!addr.ok()) return addr.status();
  TcpStream out;
  out.impl_ = std::make_unique<internal::TcpSocketImpl>(&rt.io());
  auto& sock = out.impl_->socket;
  const asio::ip::tcp::endpoint ep(*addr, port);
  error_code ec;
  absl::Status s = AwaitAsio(
      &rt.io(), "TcpStream::Connect",
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
  if (!is_open()) return absl::FailedPreconditionError("TcpStream is closed");
  if (buf.empty()) return 0;
  auto& sock = impl_->socket;
  for (;;) {
    error_code ec;
    const std::size_t n =
        sock.read_some(asio::buffer(buf.data(), buf.size()), ec);
    if (!ec) return n;
    if (ec == asio::error::eof) return 0;
    if (!WouldBlock(ec)) return IoError(ec, "TcpStream::ReadSome");
    absl::Status s =
        WaitReady(impl_->io, sock, asio::ip::tcp::socket::wait_read,
                  "TcpStream::ReadSome");
    if (!s.ok()) return s;
  }
}

absl::Status TcpStream::ReadExact(absl::Span<char> buf) {
  std::size_t done = 0;
  while (done < buf.size()) {
    absl::StatusOr<std::size_t> n = ReadSome(buf.subspan(done));
    if (!n.ok()) return n.status();
    if (*n == 0) {
      return absl::OutOfRangeError(
          absl::StrCat("TcpStream::ReadExact: short read, EOF after ", done,
                       " of ", buf.size(), " bytes"));
    }
    done += *n;
  }
  return absl::OkStatus();
}

absl::Status TcpStream::WriteAll(absl::Span<const char> data) {
  if (!is_open()) return absl::FailedPreconditionError("TcpStream is closed");
  auto& sock = impl_->socket;
  std::size_t done = 0;
  while (done < data.size()) {
    error_code ec;
    const std::size_t n = sock.write_some(
        asio::buffer(data.data() + done, data.size() - done), ec);
    if (!ec) {
      done += n;
      continue;
    }
    if (!WouldBlock(ec)) return IoError(ec, "TcpStream::WriteAll");
    absl::Status s =
        WaitReady(impl_->io, sock, asio::ip::tcp::socket::wait_write,
                  "TcpStream::WriteAll");
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status TcpStream::ShutdownWrite() {
  if (!is_open()) return absl::FailedPreconditionError("TcpStream is closed");
  error_code ec;
  impl_->socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) return IoError(ec, "TcpStream::ShutdownWrite");
  return absl::OkStatus();
}

void TcpStream::Close() {
  if (impl_ == nullptr) return;
  error_code ignored;
  impl_->socket.close(ignored);
  impl_.reset();
}

bool TcpStream::is_open() const {
  return impl_ != nullptr && impl_->socket.is_open();
}

std::uint16_t TcpStream::local_port() const {
  error_code ec;
  if (impl_ == nullptr) return 0;
  auto ep = impl_->socket.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

// --------------------------------------------------------------- TcpListener

TcpListener::TcpListener() = default;
TcpListener::TcpListener(TcpListener&&) noexcept = default;
TcpListener& TcpListener::operator=(TcpListener&&) noexcept = default;
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
  out.impl_ = std::make_unique<internal::TcpAcceptorImpl>(&rt.io());
  auto& acc = out.impl_->acceptor;
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
  if (impl_ == nullptr) {
    return absl::FailedPreconditionError("TcpListener is closed");
  }
  auto& acc = impl_->acceptor;
  for (;;) {
    TcpStream out;
    out.impl_ = std::make_unique<internal::TcpSocketImpl>(impl_->io);
    error_code ec;
    acc.accept(out.impl_->socket, ec);
    if (!ec) {
      out.impl_->socket.non_blocking(true, ec);
      if (!ec) out.impl_->socket.set_option(asio::ip::tcp::no_delay(true), ec);
      if (ec) return IoError(ec, "TcpListener::Accept (socket options)");
      return out;
    }
    if (!WouldBlock(ec) && ec != asio::error::connection_aborted) {
      return IoError(ec, "TcpListener::Accept");
    }
    absl::Status s =
        WaitReady(impl_->io, acc, asio::ip::tcp::acceptor::wait_read,
                  "TcpListener::Accept");
    if (!s.ok()) return s;
  }
}

std::uint16_t TcpListener::port() const {
  if (impl_ == nullptr) return 0;
  error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void TcpListener::Close() {
  if (impl_ == nullptr) return;
  error_code ignored;
  impl_->acceptor.close(ignored);
  impl_.reset();
}

// ----------------------------------------------------------------- UdpSocket

UdpSocket::UdpSocket() = default;
UdpSocket::UdpSocket(UdpSocket&&) noexcept = default;
UdpSocket& UdpSocket::operator=(UdpSocket&&) noexcept = default;
UdpSocket::~UdpSocket() = default;

absl::StatusOr<UdpSocket> UdpSocket::Bind(Runtime& rt, const std::string& host,
                                          std::uint16_t port) {
  absl::StatusOr<asio::ip::address> addr = ParseAddress(host);
  if (!addr.ok()) return addr.status();
  UdpSocket out;
  out.impl_ = std::make_unique<internal::UdpSocketImpl>(&rt.io());
  auto& sock = out.impl_->socket;
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
  if (impl_ == nullptr)
    return absl::FailedPreconditionError("UdpSocket is closed");
  absl::StatusOr<asio::ip::address> addr = ParseAddress(host);
  if (!addr.ok()) return addr.status();
  const asio::ip::udp::endpoint ep(*addr, port);
  auto& sock = impl_->socket;
  for (;;) {
    error_code ec;
    sock.send_to(asio::buffer(data.data(), data.size()), ep, 0, ec);
    if (!ec) return absl::OkStatus();
    if (!WouldBlock(ec)) return IoError(ec, "UdpSocket::SendTo");
    absl::Status s =
        WaitReady(impl_->io, sock, asio::ip::udp::socket::wait_write,
                  "UdpSocket::SendTo");
    if (!s.ok()) return s;
  }
}

absl::StatusOr<std::size_t> UdpSocket::ReceiveFrom(absl::Span<char> buf,
                                                   std::uint16_t* from_port) {
  if (impl_ == nullptr)
    return absl::FailedPreconditionError("UdpSocket is closed");
  auto& sock = impl_->socket;
  for (;;) {
    error_code ec;
    asio::ip::udp::endpoint from;
    const std::size_t n =
        sock.receive_from(asio::buffer(buf.data(), buf.size()), from, 0, ec);
    if (!ec) {
      if (from_port != nullptr) *from_port = from.port();
      return n;
    }
    if (!WouldBlock(ec)) return IoError(ec, "UdpSocket::ReceiveFrom");
    absl::Status s =
        WaitReady(impl_->io, sock, asio::ip::udp::socket::wait_read,
                  "UdpSocket::ReceiveFrom");
    if (!s.ok()) return s;
  }
}

std::uint16_t UdpSocket::port() const {
  if (impl_ == nullptr) return 0;
  error_code ec;
  auto ep = impl_->socket.local_endpoint(ec);
  return ec ? 0 : ep.port();
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
  asio::post(rt.io().blocking_pool(), [&] {
    result.emplace(fn());
    if (w.TryClaim(0)) w.Wake();
  });
  w.Wait();  // not cancellable: the pool thread writes into this frame
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
