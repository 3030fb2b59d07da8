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
// (kDeadlineExceeded, see Timeout()) and cancellation (kCancelled). A timed
// out or cancelled call ends only its own wait: a reader timing out leaves a
// writer blocked on the same socket waiting (and the other way round).
// Errors carry the OS error: the status code follows the errno, the message
// names it, and OsErrorOf() returns the errno value. A call that moved some
// bytes before it failed (ReadExact, WriteAll) says how many: in the message
// ("after K of N bytes") and as BytesTransferredOf(status); WriteSome()
// returns the count of one write instead.
//
// Sharing: a socket may be used by one fiber at a time per direction (one
// reader and one writer may overlap), and Close() may be called from any
// fiber or thread at any time, also while others are blocked on the socket:
// their calls return kAborted ("socket closed while waiting"), later calls
// kFailedPrecondition, and Close() returns once the descriptor is closed
// (after the calls in flight have left the socket; the data a WriteAll had
// not yet written is not sent). The destructor and a move-assignment over an
// open object run Close() first, so a fiber blocked in a call at that moment
// is woken (kAborted) before the object goes away; starting a call on an
// object that is being or has been destroyed is a use after destruction (a
// programming error, undefined behaviour as for any object). Objects must
// not outlive their Runtime.
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
struct IoTestAccess;  // io_test.cc's view of the internals
}  // namespace internal

// OsErrorOf()
//
// The errno kept in an I/O error status, if any.
std::optional<int> OsErrorOf(const absl::Status& status);

// BytesTransferredOf()
//
// For an error from TcpStream::ReadExact()/WriteAll(): how many bytes it
// had read/written before it failed (0 when none). nullopt for other
// statuses.
std::optional<std::size_t> BytesTransferredOf(const absl::Status& status);

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
  // its side (EOF). An empty `buf` returns 0 at once.
  [[nodiscard]] absl::StatusOr<std::size_t> ReadSome(absl::Span<char> buf);

  // TcpStream::ReadExact()
  //
  // Fills `buf`. An EOF before it is full is kOutOfRange ("short read");
  // every error says how many bytes were read (see BytesTransferredOf()).
  [[nodiscard]] absl::Status ReadExact(absl::Span<char> buf);

  // TcpStream::WriteSome()
  //
  // Writes at least one byte of `data` (waiting while the send buffer is
  // full) and returns how many it wrote. An error means nothing was written
  // by this call. An empty `data` returns 0 at once.
  [[nodiscard]] absl::StatusOr<std::size_t> WriteSome(
      absl::Span<const char> data);

  // TcpStream::WriteAll()
  //
  // Writes all of `data`, waiting while the send buffer is full. An error
  // (a deadline, a cancellation, a reset, a Close()) may come after part of
  // `data` was written: the status says how many bytes (message and
  // BytesTransferredOf()); those bytes were handed to the kernel, the rest
  // were not.
  [[nodiscard]] absl::Status WriteAll(absl::Span<const char> data);

  // TcpStream::ShutdownWrite()
  //
  // Sends FIN: the peer reads EOF after the data already written.
  [[nodiscard]] absl::Status ShutdownWrite();

  // TcpStream::Close()
  //
  // Closes the socket (also done by the destructor). Safe to call from any
  // fiber or thread while other fibers are blocked on the stream: see the
  // file comment ("Sharing"). Idempotent.
  void Close();

  bool is_open() const;
  std::uint16_t local_port() const;

 private:
  friend class TcpListener;
  friend struct internal::IoTestAccess;
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
  // Waits for the next connection. kAborted if Close() is called meanwhile.
  [[nodiscard]] absl::StatusOr<TcpStream> Accept();

  std::uint16_t port() const;

  // TcpListener::Close()
  //
  // Stops listening; wakes a blocked Accept() (see "Sharing" above).
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
  [[nodiscard]] absl::Status SendTo(absl::Span<const char> data,
                                    const std::string& host,
                                    std::uint16_t port);

  // UdpSocket::ReceiveFrom()
  //
  // Waits for one datagram; returns its size (truncated to `buf`) and
  // stores the sender's port in `*from_port` if non-null.
  [[nodiscard]] absl::StatusOr<std::size_t> ReceiveFrom(
      absl::Span<char> buf, std::uint16_t* from_port = nullptr);

  std::uint16_t port() const;

  // UdpSocket::Close()
  //
  // Closes the socket (also done by the destructor); see "Sharing" above.
  void Close();

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

namespace internal {

// IoTestAccess
//
// For io_test.cc only: whether a readiness wait is armed in a direction
// (so a test can wait until a call is blocked instead of sleeping), and the
// descriptor (to shrink its buffers).
struct IoTestAccess {
  static bool ReadWaitArmed(const TcpStream& s);
  static bool WriteWaitArmed(const TcpStream& s);
  static int NativeHandle(const TcpStream& s);
};

}  // namespace internal

}  // namespace moirai::async

#endif  // MOIRAI_ASYNC_IO_H_
