// Copyright 2026 The Moirai Authors.
//
// TCP, UDP and file I/O from fibers: echo with byte-exact checks, refused
// connections, resets, short reads, timeouts and cancellation of blocked
// reads, and OS errors kept in the status.

#include "moirai/async/io.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "moirai/async/internal/test_util.h"
#include "moirai/async/runtime.h"
#include "moirai/async/select.h"

namespace moirai::async {
namespace {

#if defined(MOIRAI_TSAN) || defined(MOIRAI_ASAN)
constexpr int kConnections = 50;
#else
constexpr int kConnections = 500;
#endif

// A server fiber per connection echoing until EOF.
void ServeEcho(Runtime& rt, TcpListener& listener, int connections) {
  for (int i = 0; i < connections; ++i) {
    absl::StatusOr<TcpStream> s = listener.Accept();
    ASSERT_TRUE(s.ok()) << s.status();
    rt.Spawn([s = std::move(*s)]() mutable {
        char buf[4096];
        for (;;) {
          absl::StatusOr<std::size_t> n = s.ReadSome(absl::MakeSpan(buf));
          if (!n.ok() || *n == 0) return;
          if (!s.WriteAll(absl::MakeConstSpan(buf, *n)).ok()) return;
        }
      }).Detach();
  }
}

// The short CI variant of the soak test: many concurrent loopback
// connections through an echo server, each sending a distinct pattern in
// uneven chunks; every byte must come back in order.
TEST(TcpTest, EchoManyConnectionsNoLostOrCorruptedBytes) {
  auto rt = testing_util::MakeRuntime(2);
  auto listener = TcpListener::Bind(*rt, "127.0.0.1", 0);
  ASSERT_TRUE(listener.ok()) << listener.status();
  const std::uint16_t port = listener->port();
  auto server = rt->Spawn([&] { ServeEcho(*rt, *listener, kConnections); });
  std::vector<JoinHandle<absl::Status>> clients;
  for (int c = 0; c < kConnections; ++c) {
    clients.push_back(rt->Spawn([&rt, port, c]() -> absl::Status {
      absl::StatusOr<TcpStream> s = TcpStream::Connect(*rt, "127.0.0.1", port);
      if (!s.ok()) return s.status();
      std::string msg(1000 + 37 * (c % 50), '\0');
      for (std::size_t i = 0; i < msg.size(); ++i) {
        msg[i] = static_cast<char>((c * 131 + i * 7) & 0xff);
      }
      // Send in uneven chunks, read back everything.
      std::size_t sent = 0;
      std::string back(msg.size(), '\0');
      std::size_t got = 0;
      while (sent < msg.size()) {
        const std::size_t chunk =
            std::min<std::size_t>(1 + (sent * 13) % 700, msg.size() - sent);
        absl::Status w =
            s->WriteAll(absl::MakeConstSpan(msg.data() + sent, chunk));
        if (!w.ok()) return w;
        sent += chunk;
        absl::Status r = s->ReadExact(absl::MakeSpan(back.data() + got, chunk));
        if (!r.ok()) return r;
        got += chunk;
      }
      if (back != msg) return absl::DataLossError("echo corrupted");
      return s->ShutdownWrite();
    }));
  }
  for (auto& c : clients) EXPECT_TRUE(c.Join().ok());
  ASSERT_TRUE(server.Join().ok());
}

TEST(TcpTest, RefusedConnectionKeepsErrno) {
  auto rt = testing_util::MakeRuntime(1);
  // Find a closed port: bind, note the port, close.
  std::uint16_t port;
  {
    auto l = TcpListener::Bind(*rt, "127.0.0.1", 0);
    ASSERT_TRUE(l.ok());
    port = l->port();
  }
  auto h = rt->Spawn(
      [&] { return TcpStream::Connect(*rt, "127.0.0.1", port).status(); });
  absl::Status s = h.Join();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_EQ(OsErrorOf(s), ECONNREFUSED) << s;
  EXPECT_NE(s.message().find("refused"), absl::string_view::npos) << s;
}

TEST(TcpTest, BadAddressIsInvalidArgument) {
  auto rt = testing_util::MakeRuntime(1);
  EXPECT_EQ(TcpListener::Bind(*rt, "not-an-ip", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TcpTest, ShortReadAndEof) {
  auto rt = testing_util::MakeRuntime(2);
  auto listener = TcpListener::Bind(*rt, "127.0.0.1", 0);
  ASSERT_TRUE(listener.ok());
  auto server = rt->Spawn([&]() -> absl::Status {
    auto s = listener->Accept();
    if (!s.ok()) return s.status();
    absl::Status w = s->WriteAll(absl::MakeConstSpan("abc", 3));
    s->Close();
    return w;
  });
  auto client = rt->Spawn([&]() -> absl::Status {
    auto s = TcpStream::Connect(*rt, "127.0.0.1", listener->port());
    if (!s.ok()) return s.status();
    char buf[10];
    return s->ReadExact(absl::MakeSpan(buf));
  });
  ASSERT_TRUE(server.Join().ok());
  absl::Status r = client.Join();
  EXPECT_EQ(r.code(), absl::StatusCode::kOutOfRange) << r;
  EXPECT_NE(r.message().find("after 3 of 10"), absl::string_view::npos) << r;
}

TEST(TcpTest, ResetByPeerIsReported) {
  auto rt = testing_util::MakeRuntime(2);
  auto listener = TcpListener::Bind(*rt, "127.0.0.1", 0);
  ASSERT_TRUE(listener.ok());
  testing_util::Flag reset_done;
  auto server = rt->Spawn([&]() -> absl::Status {
    auto s = listener->Accept();
    if (!s.ok()) return s.status();
    // Unread data in the receive buffer makes close() send RST.
    char buf[1];
    absl::Status r = s->ReadExact(absl::MakeSpan(buf));
    s->Close();
    reset_done.Notify();
    return r;
  });
  auto client = rt->Spawn([&]() -> absl::Status {
    auto s = TcpStream::Connect(*rt, "127.0.0.1", listener->port());
    if (!s.ok()) return s.status();
    std::string data(1000, 'x');
    absl::Status w = s->WriteAll(data);
    if (!w.ok()) return w;
    reset_done.Wait();
    // Keep writing/reading until the reset surfaces.
    for (int i = 0; i < 1000; ++i) {
      char buf[16];
      absl::StatusOr<std::size_t> n = s->ReadSome(absl::MakeSpan(buf));
      if (!n.ok()) return n.status();
      if (*n == 0) return absl::OutOfRangeError("eof");
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(server.Join().ok());
  absl::Status r = client.Join();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(OsErrorOf(r), ECONNRESET) << r;
}

TEST(TcpTest, ReadTimeoutAndCancellation) {
  auto rt = testing_util::MakeRuntime(2);
  auto listener = TcpListener::Bind(*rt, "127.0.0.1", 0);
  ASSERT_TRUE(listener.ok());
  auto server = rt->Spawn(
      [&]() -> absl::StatusOr<TcpStream> { return listener->Accept(); });
  auto conn = TcpStream::Connect(*rt, "127.0.0.1", listener->port());
  ASSERT_TRUE(conn.ok()) << conn.status();
  absl::StatusOr<TcpStream> peer = server.Join();
  ASSERT_TRUE(peer.ok());
  // Timeout: nobody writes.
  auto timed = rt->Spawn([&] {
    char buf[8];
    return Timeout(absl::Milliseconds(5),
                   [&] { return conn->ReadSome(absl::MakeSpan(buf)); })
        .status();
  });
  EXPECT_EQ(timed.Join().code(), absl::StatusCode::kDeadlineExceeded);
  // Cancellation of a blocked read.
  testing_util::Flag reading;
  auto cancelled = rt->Spawn([&] {
    reading.Notify();
    char buf[8];
    return conn->ReadSome(absl::MakeSpan(buf)).status();
  });
  reading.Wait();
  cancelled.Cancel();
  EXPECT_EQ(cancelled.Join().code(), absl::StatusCode::kCancelled);
  // The stream still works afterwards.
  ASSERT_TRUE(peer->WriteAll(absl::MakeConstSpan("ok", 2)).ok());
  char buf[2];
  EXPECT_TRUE(conn->ReadExact(absl::MakeSpan(buf)).ok());
  EXPECT_EQ(std::string(buf, 2), "ok");
}

// ------------------------------------------------- one direction at a time

using internal::IoTestAccess;

// Yields until `pred()` holds (a condition, never a sleep).
template <typename Pred>
void WaitUntil(Pred pred) {
  while (!pred()) Yield();
}

// A connected loopback pair with a small send buffer, so a writer whose
// peer does not read blocks after a few hundred KiB at most.
struct Pair {
  std::unique_ptr<TcpStream> conn;  // the stream under test
  std::unique_ptr<TcpStream> peer;  // the other end
};

Pair Connect(Runtime& rt) {
  Pair p;
  auto listener = TcpListener::Bind(rt, "127.0.0.1", 0);
  EXPECT_TRUE(listener.ok()) << listener.status();
  if (!listener.ok()) return p;
  auto server = rt.Spawn(
      [&]() -> absl::StatusOr<TcpStream> { return listener->Accept(); });
  auto conn = TcpStream::Connect(rt, "127.0.0.1", listener->port());
  absl::StatusOr<TcpStream> peer = server.Join();
  EXPECT_TRUE(conn.ok() && peer.ok());
  if (!conn.ok() || !peer.ok()) return p;
  // A fixed send buffer (no autotuning); the peer's receive buffer stays
  // at its initial size while nobody reads (a tiny one would stall the
  // drain on delayed ACKs).
  const int small = 64 * 1024;
  EXPECT_EQ(::setsockopt(IoTestAccess::NativeHandle(*conn), SOL_SOCKET,
                         SO_SNDBUF, &small, sizeof(small)),
            0);
  p.conn = std::make_unique<TcpStream>(*std::move(conn));
  p.peer = std::make_unique<TcpStream>(*std::move(peer));
  return p;
}

// Far more than the (shrunk) loopback buffers hold.
constexpr std::size_t kPayload = 1 << 20;

char PatternByte(std::size_t i) {
  return static_cast<char>((i * 7 + i / 251) & 0xff);
}

std::string Pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = PatternByte(i);
  return s;
}

// Reads `s` to EOF; returns the bytes read, or an error (a read error, or a
// byte that differs from the pattern).
absl::StatusOr<std::size_t> DrainAndCheck(TcpStream& s) {
  std::size_t got = 0;
  std::vector<char> buf(64 * 1024);
  for (;;) {
    absl::StatusOr<std::size_t> n = s.ReadSome(absl::MakeSpan(buf));
    if (!n.ok()) return n.status();
    if (*n == 0) return got;
    for (std::size_t i = 0; i < *n; ++i) {
      if (buf[i] != PatternByte(got + i)) {
        return absl::DataLossError(absl::StrCat("corrupt byte at ", got + i));
      }
    }
    got += *n;
  }
}

// Spawns a writer of kPayload pattern bytes into `conn` (then FIN) and
// waits until it is blocked on the full socket. Returns its handle.
JoinHandle<absl::Status> SpawnBlockedWriter(Runtime& rt, TcpStream& conn,
                                            const std::string& data) {
  auto writer = rt.Spawn([&conn, &data]() -> absl::Status {
    absl::Status w = conn.WriteAll(data);
    conn.ShutdownWrite().IgnoreError();  // EOF for the peer either way
    return w;
  });
  WaitUntil([&] {
    return IoTestAccess::WriteWaitArmed(conn) || writer.IsFinished();
  });
  EXPECT_FALSE(writer.IsFinished()) << "the writer never filled the socket";
  return writer;
}

// Regression (defect 7): a writer is blocked on a full socket (the peer is
// not reading) when a reader of the same stream times out. The reader's
// timeout called socket.cancel(), which aborted every pending operation on
// the socket, so the writer got CANCELLED after an unknown partial write.
// Now the timeout ends only the read wait: the writer keeps waiting and,
// once the peer reads, finishes; the peer gets every byte, in order.
TEST(TcpDirectionTest, ReadTimeoutLeavesBlockedWriterWaiting) {
  auto rt = testing_util::MakeRuntime(2);
  Pair p = Connect(*rt);
  ASSERT_NE(p.conn, nullptr);
  const std::string data = Pattern(kPayload);
  auto writer = SpawnBlockedWriter(*rt, *p.conn, data);
  auto reader = rt->Spawn([&] {
    char buf[16];
    return Timeout(absl::Milliseconds(1),
                   [&] { return p.conn->ReadSome(absl::MakeSpan(buf)); })
        .status();
  });
  EXPECT_EQ(reader.Join().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(writer.IsFinished());  // nobody has read yet: still blocked
  auto drained = rt->Spawn([&] { return DrainAndCheck(*p.peer); });
  absl::Status w = writer.Join();
  EXPECT_TRUE(w.ok()) << w;
  absl::StatusOr<std::size_t> got = drained.Join();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, kPayload);
}

// The same with the reader fiber cancelled while its read waits.
TEST(TcpDirectionTest, ReadCancellationLeavesBlockedWriterWaiting) {
  auto rt = testing_util::MakeRuntime(2);
  Pair p = Connect(*rt);
  ASSERT_NE(p.conn, nullptr);
  const std::string data = Pattern(kPayload);
  auto writer = SpawnBlockedWriter(*rt, *p.conn, data);
  auto reader = rt->Spawn([&] {
    char buf[16];
    return p.conn->ReadSome(absl::MakeSpan(buf)).status();
  });
  WaitUntil([&] { return IoTestAccess::ReadWaitArmed(*p.conn); });
  reader.Cancel();
  EXPECT_EQ(reader.Join().code(), absl::StatusCode::kCancelled);
  EXPECT_FALSE(writer.IsFinished());
  auto drained = rt->Spawn([&] { return DrainAndCheck(*p.peer); });
  absl::Status w = writer.Join();
  EXPECT_TRUE(w.ok()) << w;
  absl::StatusOr<std::size_t> got = drained.Join();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, kPayload);
}

// The other way round: a writer timing out leaves a blocked reader waiting,
// and its error says how many bytes it wrote: exactly what the peer reads.
TEST(TcpDirectionTest, WriteTimeoutLeavesBlockedReaderAndReportsBytes) {
  auto rt = testing_util::MakeRuntime(2);
  Pair p = Connect(*rt);
  ASSERT_NE(p.conn, nullptr);
  auto reader = rt->Spawn([&]() -> absl::StatusOr<std::string> {
    char buf[2];
    absl::Status r = p.conn->ReadExact(absl::MakeSpan(buf));
    if (!r.ok()) return r;
    return std::string(buf, 2);
  });
  WaitUntil([&] { return IoTestAccess::ReadWaitArmed(*p.conn); });
  const std::string data = Pattern(kPayload);
  auto writer = rt->Spawn([&] {
    absl::Status w =
        Timeout(absl::Milliseconds(20), [&] { return p.conn->WriteAll(data); });
    p.conn->ShutdownWrite().IgnoreError();
    return w;
  });
  absl::Status w = writer.Join();
  ASSERT_EQ(w.code(), absl::StatusCode::kDeadlineExceeded) << w;
  const std::optional<std::size_t> written = BytesTransferredOf(w);
  ASSERT_TRUE(written.has_value()) << w;
  EXPECT_LT(*written, kPayload);
  EXPECT_NE(w.message().find(absl::StrCat("after ", *written, " of ")),
            absl::string_view::npos)
      << w;
  EXPECT_FALSE(reader.IsFinished());
  auto drained = rt->Spawn([&] { return DrainAndCheck(*p.peer); });
  absl::StatusOr<std::size_t> got = drained.Join();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, *written);  // conserved: reported == received
  ASSERT_TRUE(p.peer->WriteAll(absl::MakeConstSpan("ok", 2)).ok());
  EXPECT_EQ(reader.Join().value(), "ok");
}

// WriteSome writes at least one byte and says how many.
TEST(TcpDirectionTest, WriteSomeReturnsCount) {
  auto rt = testing_util::MakeRuntime(2);
  Pair p = Connect(*rt);
  ASSERT_NE(p.conn, nullptr);
  const std::string data = Pattern(kPayload);
  auto writer = rt->Spawn([&]() -> absl::StatusOr<std::size_t> {
    std::size_t done = 0;
    while (done < data.size()) {
      absl::StatusOr<std::size_t> n =
          p.conn->WriteSome(absl::MakeConstSpan(data).subspan(done));
      if (!n.ok()) return n.status();
      if (*n == 0) return absl::InternalError("WriteSome wrote nothing");
      done += *n;
    }
    p.conn->ShutdownWrite().IgnoreError();
    return done;
  });
  auto drained = rt->Spawn([&] { return DrainAndCheck(*p.peer); });
  EXPECT_EQ(writer.Join().value(), kPayload);
  EXPECT_EQ(drained.Join().value(), kPayload);
  auto empty = rt->Spawn([&] { return p.conn->WriteSome({}); });
  EXPECT_EQ(empty.Join().value(), 0u);
}

// Close() from another fiber while a reader and a writer are blocked: both
// wake with kAborted (the writer's status says how many bytes it wrote, and
// the peer receives exactly those), later calls are kFailedPrecondition.
TEST(TcpDirectionTest, CloseFromAnotherFiberWakesBlockedCalls) {
  auto rt = testing_util::MakeRuntime(2);
  Pair p = Connect(*rt);
  ASSERT_NE(p.conn, nullptr);
  const std::string data = Pattern(kPayload);
  auto writer = rt->Spawn([&] { return p.conn->WriteAll(data); });
  auto reader = rt->Spawn([&] {
    char buf[16];
    return p.conn->ReadSome(absl::MakeSpan(buf)).status();
  });
  WaitUntil([&] {
    return (IoTestAccess::WriteWaitArmed(*p.conn) || writer.IsFinished()) &&
           IoTestAccess::ReadWaitArmed(*p.conn);
  });
  ASSERT_FALSE(writer.IsFinished()) << "the writer never filled the socket";
  auto closer = rt->Spawn([&] { p.conn->Close(); });
  ASSERT_TRUE(closer.Join().ok());
  EXPECT_FALSE(p.conn->is_open());
  absl::Status r = reader.Join();
  EXPECT_EQ(r.code(), absl::StatusCode::kAborted) << r;
  absl::Status w = writer.Join();
  EXPECT_EQ(w.code(), absl::StatusCode::kAborted) << w;
  const std::optional<std::size_t> written = BytesTransferredOf(w);
  ASSERT_TRUE(written.has_value()) << w;
  // The kernel still sends what was handed to it, then FIN (conn had no
  // unread data, so no reset): the peer gets exactly the reported prefix.
  absl::StatusOr<std::size_t> got = DrainAndCheck(*p.peer);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, *written);
  char buf[1];
  EXPECT_EQ(p.conn->ReadSome(absl::MakeSpan(buf)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(p.conn->WriteAll("x").code(),
            absl::StatusCode::kFailedPrecondition);
  p.conn->Close();  // idempotent
}

// Destroying a stream while another fiber is blocked reading it wakes the
// reader (kAborted) before the stream's state is freed (ASan checks that
// nothing is touched afterwards).
TEST(TcpDirectionTest, DestroyWakesBlockedReader) {
  auto rt = testing_util::MakeRuntime(2);
  Pair p = Connect(*rt);
  ASSERT_NE(p.conn, nullptr);
  TcpStream* conn = p.conn.get();
  auto reader = rt->Spawn([conn] {
    char buf[16];
    return conn->ReadSome(absl::MakeSpan(buf)).status();  // last use
  });
  WaitUntil([&] { return IoTestAccess::ReadWaitArmed(*conn); });
  p.conn.reset();
  EXPECT_EQ(reader.Join().code(), absl::StatusCode::kAborted);
}

// Closing a listener from another fiber wakes a blocked Accept().
TEST(TcpDirectionTest, CloseWakesBlockedAccept) {
  auto rt = testing_util::MakeRuntime(2);
  auto listener = TcpListener::Bind(*rt, "127.0.0.1", 0);
  ASSERT_TRUE(listener.ok());
  testing_util::Flag accepting;
  auto acceptor = rt->Spawn([&] {
    accepting.Notify();
    return listener->Accept().status();
  });
  accepting.Wait();
  // Close may come before or after Accept() starts waiting: either way
  // the call ends with an error that says the listener is closed.
  listener->Close();
  const absl::StatusCode code = acceptor.Join().code();
  EXPECT_TRUE(code == absl::StatusCode::kAborted ||
              code == absl::StatusCode::kFailedPrecondition)
      << code;
  EXPECT_EQ(listener->port(), 0);
}

TEST(UdpTest, SendReceive) {
  auto rt = testing_util::MakeRuntime(2);
  auto a = UdpSocket::Bind(*rt, "127.0.0.1", 0);
  auto b = UdpSocket::Bind(*rt, "127.0.0.1", 0);
  ASSERT_TRUE(a.ok() && b.ok());
  auto recv = rt->Spawn([&]() -> absl::StatusOr<std::string> {
    char buf[64];
    std::uint16_t from = 0;
    absl::StatusOr<std::size_t> n = b->ReceiveFrom(absl::MakeSpan(buf), &from);
    if (!n.ok()) return n.status();
    if (from != a->port()) return absl::InternalError("wrong sender");
    return std::string(buf, *n);
  });
  auto send = rt->Spawn([&] {
    return a->SendTo(absl::MakeConstSpan("datagram", 8), "127.0.0.1",
                     b->port());
  });
  EXPECT_TRUE(send.Join().ok());
  EXPECT_EQ(recv.Join().value(), "datagram");
}

TEST(FileTest, WriteReadListAndErrors) {
  auto rt = testing_util::MakeRuntime(2);
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = tmp != nullptr ? tmp : "/tmp";
  auto h = rt->Spawn([&]() -> absl::Status {
    const std::string sub = dir + "/async_file_test";
    ::mkdir(sub.c_str(), 0755);
    absl::Status w = WriteFile(*rt, sub + "/a.txt", "hello");
    if (!w.ok()) return w;
    w = WriteFile(*rt, sub + "/b.txt", std::string(100000, 'z'));
    if (!w.ok()) return w;
    absl::StatusOr<std::string> r = ReadFile(*rt, sub + "/a.txt");
    if (!r.ok() || *r != "hello") return absl::InternalError("bad read");
    absl::StatusOr<std::string> big = ReadFile(*rt, sub + "/b.txt");
    if (!big.ok() || big->size() != 100000)
      return absl::InternalError("bad big read");
    auto names = ListDirectory(*rt, sub);
    if (!names.ok()) return names.status();
    if (*names != std::vector<std::string>{"a.txt", "b.txt"})
      return absl::InternalError("bad listing");
    absl::StatusOr<std::string> missing = ReadFile(*rt, sub + "/nope");
    if (missing.status().code() != absl::StatusCode::kNotFound ||
        OsErrorOf(missing.status()) != ENOENT) {
      return absl::InternalError(missing.status().ToString());
    }
    return absl::OkStatus();
  });
  absl::Status s = h.Join();
  EXPECT_TRUE(s.ok()) << s;
}

}  // namespace
}  // namespace moirai::async
