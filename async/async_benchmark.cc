// Copyright 2026 The Moirai Authors.
//
// async benchmarks: Moirai fibers against Boost.Fiber (same workload, one
// thread each: Moirai's runtime with one worker, Boost.Fiber's default
// round-robin scheduler on the benchmark thread) and raw Boost.Context.
// Each benchmark iteration does kBatch operations inside one driver fiber
// and times them there (steady state: see RunMoiraiDriver below).
//
// echo_tcp: a TCP echo server over loopback, Moirai's straight-line fiber
// server against a hand-written Asio callback server, driven by the same
// blocking-socket client threads (see the section below).

// First: silences GCC's -Wtsan for Asio's fences (see that header).
#include "moirai/async/internal/io_service.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/context/detail/fcontext.hpp>
#include <boost/fiber/all.hpp>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "moirai/async/channel.h"
#include "moirai/async/io.h"
#include "moirai/async/runtime.h"

namespace moirai::async {
namespace {

constexpr int kBatch = 1000;

Runtime* OneWorkerRuntime() {
  static Runtime* rt = [] {
    RuntimeOptions o;
    o.num_workers = 1;
    o.stack_size = 64 * 1024;
    return Runtime::Create(o).value().release();
  }();
  return rt;
}

// Steady state: every Moirai and Boost.Fiber row times its kBatch operations
// inside the driver fiber itself (manual time, std::chrono::steady_clock),
// so neither pays the hand-off that starts and joins the driver: for Moirai
// that is a thread -> parked worker -> thread round trip, measured apart in
// wakeup_latency (wakeup_benchmark.cc).
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Runs `body` (which returns the seconds it measured) on a Moirai driver
// fiber per iteration and reports its time.
template <typename Body>
void RunMoiraiDriver(benchmark::State& state, Body body) {
  Runtime* rt = OneWorkerRuntime();
  for (auto _ : state) {
    absl::StatusOr<double> seconds = rt->Spawn(body).Join();
    if (!seconds.ok()) {
      state.SkipWithError("driver fiber failed");
      return;
    }
    state.SetIterationTime(*seconds);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

// The same on a Boost.Fiber driver fiber on the benchmark thread.
template <typename Body>
void RunBoostDriver(benchmark::State& state, Body body) {
  for (auto _ : state) {
    double seconds = 0;
    boost::fibers::fiber([&] { seconds = body(); }).join();
    state.SetIterationTime(seconds);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

// fiber_spawn_join: spawn a fiber that does nothing and join it.
void BM_SpawnJoinMoirai(benchmark::State& state) {
  Runtime* rt = OneWorkerRuntime();
  RunMoiraiDriver(state, [rt] {
    const Clock::time_point t0 = Clock::now();
    for (int i = 0; i < kBatch; ++i) {
      auto h = rt->Spawn([] {});
      benchmark::DoNotOptimize(h.Join());
    }
    return SecondsSince(t0);
  });
}
BENCHMARK(BM_SpawnJoinMoirai)->Name("fiber_spawn_join/moirai")->UseManualTime();

void BM_SpawnJoinBoost(benchmark::State& state) {
  RunBoostDriver(state, [] {
    const Clock::time_point t0 = Clock::now();
    for (int i = 0; i < kBatch; ++i) {
      boost::fibers::fiber f([] {});
      f.join();
    }
    return SecondsSince(t0);
  });
}
BENCHMARK(BM_SpawnJoinBoost)->Name("fiber_spawn_join/boost")->UseManualTime();

// fiber_yield: one fiber yields kBatch times (a switch out to the
// scheduler and back in per yield).
void BM_YieldMoirai(benchmark::State& state) {
  RunMoiraiDriver(state, [] {
    const Clock::time_point t0 = Clock::now();
    for (int i = 0; i < kBatch; ++i) Yield();
    return SecondsSince(t0);
  });
}
BENCHMARK(BM_YieldMoirai)->Name("fiber_yield/moirai")->UseManualTime();

void BM_YieldBoost(benchmark::State& state) {
  RunBoostDriver(state, [] {
    const Clock::time_point t0 = Clock::now();
    for (int i = 0; i < kBatch; ++i) boost::this_fiber::yield();
    return SecondsSince(t0);
  });
}
BENCHMARK(BM_YieldBoost)->Name("fiber_yield/boost")->UseManualTime();

// The floor: a raw jump_fcontext round trip (into a context and back).
namespace ctx = boost::context::detail;
void PingPongEntry(ctx::transfer_t t) {
  for (;;) t = ctx::jump_fcontext(t.fctx, nullptr);
}

void BM_YieldFloor(benchmark::State& state) {
  constexpr std::size_t kSize = 64 * 1024;
  auto stack = std::make_unique<char[]>(kSize);
  ctx::fcontext_t c =
      ctx::make_fcontext(stack.get() + kSize, kSize, &PingPongEntry);
  for (auto _ : state) {
    const Clock::time_point t0 = Clock::now();
    for (int i = 0; i < kBatch; ++i) c = ctx::jump_fcontext(c, nullptr).fctx;
    state.SetIterationTime(SecondsSince(t0));
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_YieldFloor)->Name("fiber_yield/floor")->UseManualTime();

// channel_pingpong: the driver fiber spawns a partner, then bounces one int
// through two channels with it kBatch times (one round trip = two sends and
// two receives), timed on the driver.
void BM_PingPongMoirai(benchmark::State& state) {
  Runtime* rt = OneWorkerRuntime();
  RunMoiraiDriver(state, [rt] {
    Channel<int> ping(1), pong(1);
    auto partner = rt->Spawn([&] {
      for (int i = 0; i < kBatch; ++i) {
        absl::StatusOr<int> v = ping.Recv();
        pong.Send(*v).IgnoreError();
      }
    });
    const Clock::time_point t0 = Clock::now();
    for (int i = 0; i < kBatch; ++i) {
      ping.Send(i).IgnoreError();
      benchmark::DoNotOptimize(pong.Recv());
    }
    const double seconds = SecondsSince(t0);
    partner.Join().IgnoreError();
    return seconds;
  });
}
BENCHMARK(BM_PingPongMoirai)->Name("channel_pingpong/moirai")->UseManualTime();

void BM_PingPongBoost(benchmark::State& state) {
  RunBoostDriver(state, [] {
    // buffered_channel capacity must be a power of two >= 2.
    boost::fibers::buffered_channel<int> ping(2), pong(2);
    boost::fibers::fiber partner([&] {
      for (int i = 0; i < kBatch; ++i) {
        int v;
        ping.pop(v);
        pong.push(v);
      }
    });
    const Clock::time_point t0 = Clock::now();
    for (int i = 0; i < kBatch; ++i) {
      ping.push(i);
      int v;
      pong.pop(v);
      benchmark::DoNotOptimize(v);
    }
    const double seconds = SecondsSince(t0);
    partner.join();
    return seconds;
  });
}
BENCHMARK(BM_PingPongBoost)->Name("channel_pingpong/boost")->UseManualTime();

// ---------------------------------------------------------------------------
// echo_tcp: kEchoConnections client connections on 127.0.0.1, each doing
// kEchoRoundTrips round trips of a kEchoMessage-byte message per iteration
// (write the message, read the whole echo back, check it). The client
// driver is identical for both servers: one plain blocking-socket thread per
// connection (TCP_NODELAY), connected once before timing starts. Each server
// gets kEchoServerThreads threads for its own code: Moirai's runtime has that
// many scheduler workers (plus its internal reactor thread, which is part of
// Moirai's I/O design); the Asio server runs its io_context on that many
// threads. One iteration = kEchoConnections * kEchoRoundTrips round trips for
// both, so the time ratio is the throughput ratio.

constexpr int kEchoConnections = 8;
constexpr int kEchoRoundTrips = 250;
constexpr int kEchoMessage = 64;
constexpr int kEchoServerThreads = 2;

// EchoClient: one connected blocking socket.
class EchoClient {
 public:
  // EchoClient::Connect() returns false (errno set) on failure.
  bool Connect(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) ==
           0;
  }

  // EchoClient::RoundTrips() does `n` round trips; false on any error,
  // early EOF or a wrong echoed byte.
  bool RoundTrips(int n, int seed) {
    char msg[kEchoMessage], back[kEchoMessage];
    for (int r = 0; r < n; ++r) {
      for (int i = 0; i < kEchoMessage; ++i) {
        msg[i] = static_cast<char>(seed * 31 + r * 7 + i);
      }
      if (!IoAll(msg, /*write=*/true) || !IoAll(back, /*write=*/false)) {
        return false;
      }
      if (std::memcmp(msg, back, kEchoMessage) != 0) return false;
    }
    return true;
  }

  ~EchoClient() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  bool IoAll(char* buf, bool write) {
    for (int done = 0; done < kEchoMessage;) {
      ssize_t n =
          write ? ::send(fd_, buf + done, kEchoMessage - done, MSG_NOSIGNAL)
                : ::recv(fd_, buf + done, kEchoMessage - done, 0);
      if (n <= 0) return false;
      done += static_cast<int>(n);
    }
    return true;
  }

  int fd_ = -1;
};

// RunEchoClients() connects kEchoConnections clients to `port` and runs the
// benchmark loop; the clients are closed (EOF to the server) on return.
void RunEchoClients(benchmark::State& state, std::uint16_t port) {
  std::vector<std::unique_ptr<EchoClient>> clients;
  for (int c = 0; c < kEchoConnections; ++c) {
    clients.push_back(std::make_unique<EchoClient>());
    if (!clients.back()->Connect(port)) {
      state.SkipWithError("echo_tcp: connect failed");
      return;
    }
  }
  for (auto _ : state) {
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < kEchoConnections; ++c) {
      threads.emplace_back([&, c] {
        if (!clients[c]->RoundTrips(kEchoRoundTrips, c)) {
          failures.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    for (auto& t : threads) t.join();  // join orders the relaxed adds
    if (failures.load(std::memory_order_relaxed) != 0) {
      state.SkipWithError("echo_tcp: a round trip failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kEchoConnections *
                          kEchoRoundTrips);
}

// The Moirai server: an accept fiber spawning one straight-line fiber per
// connection (the same code as examples/echo_server.cc).
void BM_EchoMoirai(benchmark::State& state) {
  RuntimeOptions o;
  o.num_workers = kEchoServerThreads;
  o.stack_size = 64 * 1024;
  std::unique_ptr<Runtime> rt = Runtime::Create(o).value();
  absl::StatusOr<TcpListener> listener = TcpListener::Bind(*rt, "127.0.0.1", 0);
  if (!listener.ok()) {
    state.SkipWithError("echo_tcp/moirai: bind failed");
    return;
  }
  Runtime& runtime = *rt;
  auto acceptor = runtime.Spawn([&]() -> absl::Status {
    for (int c = 0; c < kEchoConnections; ++c) {
      absl::StatusOr<TcpStream> conn = listener->Accept();
      if (!conn.ok()) return conn.status();
      runtime
          .Spawn([s = std::move(*conn)]() mutable {
            char buf[4096];
            for (;;) {
              absl::StatusOr<std::size_t> n = s.ReadSome(absl::MakeSpan(buf));
              if (!n.ok() || *n == 0) return;
              if (!s.WriteAll(absl::MakeConstSpan(buf, *n)).ok()) return;
            }
          })
          .Detach();
    }
    return absl::OkStatus();
  });
  RunEchoClients(state, listener->port());
  if (!acceptor.IsFinished()) listener->Close();  // a connect failed
  acceptor.Join().IgnoreError();
  rt.reset();  // waits for the connection fibers (they saw EOF)
}
BENCHMARK(BM_EchoMoirai)->Name("echo_tcp/moirai")->UseRealTime();

// The Asio server: the classic callback chain per connection
// (async_read_some -> async_write -> async_read_some ...).
namespace asio = boost::asio;

class AsioEchoSession : public std::enable_shared_from_this<AsioEchoSession> {
 public:
  explicit AsioEchoSession(asio::ip::tcp::socket s) : socket_(std::move(s)) {}

  void Read() {
    socket_.async_read_some(
        asio::buffer(buf_),
        [self = shared_from_this()](const boost::system::error_code& ec,
                                    std::size_t n) {
          if (!ec) self->Write(n);
        });
  }

 private:
  void Write(std::size_t n) {
    asio::async_write(socket_, asio::buffer(buf_, n),
                      [self = shared_from_this()](
                          const boost::system::error_code& ec, std::size_t) {
                        if (!ec) self->Read();
                      });
  }

  asio::ip::tcp::socket socket_;
  char buf_[4096];
};

void AsioAccept(asio::ip::tcp::acceptor& acc, int remaining) {
  if (remaining == 0) return;
  acc.async_accept([&acc, remaining](const boost::system::error_code& ec,
                                     asio::ip::tcp::socket s) {
    if (ec) return;
    s.set_option(asio::ip::tcp::no_delay(true));
    std::make_shared<AsioEchoSession>(std::move(s))->Read();
    AsioAccept(acc, remaining - 1);
  });
}

void BM_EchoAsio(benchmark::State& state) {
  asio::io_context io(kEchoServerThreads);
  asio::ip::tcp::acceptor acc(
      io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t port = acc.local_endpoint().port();
  AsioAccept(acc, kEchoConnections);
  std::vector<std::thread> threads;
  for (int t = 0; t < kEchoServerThreads; ++t) {
    threads.emplace_back([&io] { io.run(); });
  }
  RunEchoClients(state, port);
  // Sessions end on the clients' EOF; if a connect failed, the pending
  // accept is cancelled by closing the acceptor on its own executor.
  asio::post(io, [&acc] { acc.close(); });
  for (auto& t : threads) t.join();  // run() returns when no work is left
}
BENCHMARK(BM_EchoAsio)->Name("echo_tcp/asio")->UseRealTime();

}  // namespace
}  // namespace moirai::async
