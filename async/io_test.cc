// Copyright 2026 The Moirai Authors.
//
// TCP, UDP and file I/O from fibers: echo with byte-exact checks, refused
// connections, resets, short reads, timeouts and cancellation of blocked
// reads, and OS errors kept in the status.

#include "moirai/async/io.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

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
