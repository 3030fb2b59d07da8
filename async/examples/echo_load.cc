// Copyright 2026 The Moirai Authors.
//
// async/examples/echo_load.cc
// -----------------------------------------------------------------------------
//
// Load generator for echo_server: opens --connections concurrent loopback
// connections (127.0.0.1 only), each sending --messages messages of --size
// bytes and checking every echoed byte. Bounded by --timeout_s. Raises the
// open-file soft limit up to the hard limit if needed.
//
//   bazel run //async/examples:echo_load -- --port=7000 --connections=1000

#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "moirai/async/io.h"
#include "moirai/async/runtime.h"
#include "moirai/async/select.h"

ABSL_FLAG(int, port, 7000, "echo_server port on 127.0.0.1");
ABSL_FLAG(int, connections, 1000, "concurrent connections (1..50000)");
ABSL_FLAG(int, messages, 10, "messages per connection");
ABSL_FLAG(int, size, 512, "bytes per message (1..1 MiB)");
ABSL_FLAG(int, timeout_s, 60, "give up after this many seconds");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int connections = absl::GetFlag(FLAGS_connections);
  const int messages = absl::GetFlag(FLAGS_messages);
  const int size = absl::GetFlag(FLAGS_size);
  const int port = absl::GetFlag(FLAGS_port);
  if (connections < 1 || connections > 50000 || messages < 1 || size < 1 ||
      size > (1 << 20) || port < 1 || port > 65535) {
    std::fprintf(stderr, "echo_load: flag out of range\n");
    return 2;
  }
  rlimit lim;
  getrlimit(RLIMIT_NOFILE, &lim);
  const rlim_t need = static_cast<rlim_t>(connections) + 64;
  if (lim.rlim_cur < need) {
    if (lim.rlim_max < need) {
      std::fprintf(stderr,
                   "echo_load: need %lu open files, hard limit is %lu\n",
                   static_cast<unsigned long>(need),
                   static_cast<unsigned long>(lim.rlim_max));
      return 1;
    }
    lim.rlim_cur = need;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  auto rt = moirai::async::Runtime::Create();
  if (!rt.ok()) return 1;
  auto& runtime = **rt;
  std::atomic<long> bytes{0};
  std::atomic<int> failures{0};
  const absl::Time start = absl::Now();
  std::vector<moirai::async::JoinHandle<absl::Status>> hs;
  for (int c = 0; c < connections; ++c) {
    hs.push_back(runtime.Spawn([&, c]() -> absl::Status {
      return moirai::async::Timeout(
          absl::Seconds(absl::GetFlag(FLAGS_timeout_s)), [&]() -> absl::Status {
            auto s = moirai::async::TcpStream::Connect(
                runtime, "127.0.0.1", static_cast<std::uint16_t>(port));
            if (!s.ok()) return s.status();
            std::string msg(size, '\0'), back(size, '\0');
            for (int m = 0; m < messages; ++m) {
              for (int i = 0; i < size; ++i) {
                msg[i] = static_cast<char>(c * 31 + m * 7 + i);
              }
              absl::Status w = s->WriteAll(msg);
              if (!w.ok()) return w;
              absl::Status r = s->ReadExact(absl::MakeSpan(back));
              if (!r.ok()) return r;
              if (back != msg) return absl::DataLossError("corrupted echo");
              bytes.fetch_add(size, std::memory_order_relaxed);
            }
            return absl::OkStatus();
          });
    }));
  }
  for (auto& h : hs) {
    absl::Status s = h.Join();
    if (!s.ok() && failures.fetch_add(1) < 5) {
      std::fprintf(stderr, "echo_load: %s\n", s.ToString().c_str());
    }
  }
  const double secs = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf(
      "%d connections, %ld bytes echoed, %d failed, %.3f s, %.1f MB/s\n",
      connections, bytes.load(), failures.load(), secs,
      bytes.load() / secs / 1e6);
  return failures.load() == 0 ? 0 : 1;
}
