// Copyright 2026 The Moirai Authors.
//
// async/io.h
// -----------------------------------------------------------------------------
//
// Network and file I/O for fibers, on the runtime's Asio reactor (see
// internal/io_service.h). A fiber that must wait for a socket parks; the
// reactor thread's completion handler re-submits it. Socket calls first try
// the non-blocking system call on the fiber's own worker and only wait for
// readiness on EAGAIN, so a ready socket costs no reactor round trip.
//
//   auto listener = async::TcpListener::Bind(*rt, "127.0.0.1", 0).value();
//   rt->Spawn([&] {
//     async::TcpStream s = listener.Accept().value();
//     char buf[4096];
//     for (;;) {
//       absl::StatusOr<std::size_t> n = s.ReadSome(absl::MakeSpan(buf));
//       if (!n.ok() || *n == 0) break;                       // error / EOF
//       if (!s.WriteAll(absl::MakeConstSpan(buf, *n)).ok()) break;
//     }
//   });
//
// Every blocking call honours the fiber's TaskContext deadline
// (kDeadlineExceeded, see Timeout()) and cancellation (kCancelled); a timed
// out or cancelled call cancels every pending operation on that socket.
// Errors carry the OS error: the status code follows the errno, the message
// names it, and OsErrorOf() returns the errno value. A socket must be used by
// one fiber at a time per direction (one reader and one writer may overlap).
// Objects must not outlive their Runtime.
//
// File operations run on a blocking pool thread (regular files have no
// useful readiness notification) while the fiber parks.

#ifndef MOIRAI_ASYNC_IO_H_
#define MOIRAI_ASYNC_IO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "moirai/async/runtime.h"

namespace moirai::async {

namespace internal {
struct TcpSocketImpl;
struct TcpAcceptorImpl;
struct UdpSocketImpl;
}  // namespace internal

// OsErrorOf()
//
// The errno kept in an I/O error status, if any.
std::optional<int> OsErrorOf(const absl::Status& status);

// TcpStream: a connected TCP socket.
class TcpStream {
 public:
  TcpStream();
  TcpStream(TcpStream&&) noexcept;
  TcpStream& operator=(TcpStream&&) noexcept;
  ~TcpStream();

  // TcpStream::Connect()
  //
  // Connects to `host` (a numeric IPv4/IPv6 address) : `port`. A refused
  // connection is kUnavailable with ECONNREFUSED kept.
  static absl::StatusOr<TcpStream> Connect(Runtime& rt, const std::string& host,
                                           std::uint16_t port);

  // TcpStream::ReadSome()
  //
  // Reads at least one byte (waiting for data); 0 means the peer closed
  // its side (EOF).
  absl::StatusOr<std::size_t> ReadSome(absl::Span<char> buf);

  // TcpStream::ReadExact()
  //
  // Fills `buf`. An EOF before it is full is kOutOfRange ("short read")
  // with the number of bytes read in the message.
  absl::Status ReadExact(absl::Span<char> buf);

  // TcpStream::WriteAll()
  //
  // Writes all of `data`, waiting while the send buffer is full.
  absl::Status WriteAll(absl::Span<const char> data);

  // TcpStream::ShutdownWrite()
  //
  // Sends FIN: the peer reads EOF after the data already written.
  absl::Status ShutdownWrite();

  // TcpStream::Close()
  //
  // Closes the socket (also done by the destructor).
  void Close();

  bool is_open() const;
  std::uint16_t local_port() const;

 private:
  friend class TcpListener;
  std::unique_ptr<internal::TcpSocketImpl> impl_;
};

// TcpListener: a listening TCP socket.
class TcpListener {
 public:
  TcpListener();
  TcpListener(TcpListener&&) noexcept;
  TcpListener& operator=(TcpListener&&) noexcept;
  ~TcpListener();

  // TcpListener::Bind()
  //
  // Listens on `host`:`port` (port 0 picks a free port, see port()).
  static absl::StatusOr<TcpListener> Bind(Runtime& rt, const std::string& host,
                                          std::uint16_t port,
                                          int backlog = 1024);

  // TcpListener::Accept()
  //
  // Waits for the next connection.
  absl::StatusOr<TcpStream> Accept();

  std::uint16_t port() const;
  void Close();

 private:
  std::unique_ptr<internal::TcpAcceptorImpl> impl_;
};

// UdpSocket: a bound UDP socket.
class UdpSocket {
 public:
  UdpSocket();
  UdpSocket(UdpSocket&&) noexcept;
  UdpSocket& operator=(UdpSocket&&) noexcept;
  ~UdpSocket();

  // UdpSocket::Bind()
  //
  // Binds to `host`:`port` (0 = any free port).
  static absl::StatusOr<UdpSocket> Bind(Runtime& rt, const std::string& host,
                                        std::uint16_t port);

  // UdpSocket::SendTo()
  //
  // Sends one datagram.
  absl::Status SendTo(absl::Span<const char> data, const std::string& host,
                      std::uint16_t port);

  // UdpSocket::ReceiveFrom()
  //
  // Waits for one datagram; returns its size (truncated to `buf`) and
  // stores the sender's port in `*from_port` if non-null.
  absl::StatusOr<std::size_t> ReceiveFrom(absl::Span<char> buf,
                                          std::uint16_t* from_port = nullptr);

  std::uint16_t port() const;

 private:
  std::unique_ptr<internal::UdpSocketImpl> impl_;
};

// ReadFile() / WriteFile() / ListDirectory()
//
// Whole-file read, whole-file write (create or truncate) and the sorted
// entry names of a directory (without "." and ".."), run on the runtime's
// blocking pool while the calling fiber parks. Errors keep the errno.
absl::StatusOr<std::string> ReadFile(Runtime& rt, const std::string& path);
absl::Status WriteFile(Runtime& rt, const std::string& path,
                       absl::string_view data);
absl::StatusOr<std::vector<std::string>> ListDirectory(Runtime& rt,
                                                       const std::string& path);

}  // namespace moirai::async

#endif  // MOIRAI_ASYNC_IO_H_
