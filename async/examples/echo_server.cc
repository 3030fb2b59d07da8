// Copyright 2026 The Moirai Authors.
//
// async/examples/echo_server.cc
// -----------------------------------------------------------------------------
//
// A TCP echo server written as straight-line fiber code: one fiber per
// connection, no callbacks. Listens on 127.0.0.1 only.
//
//   bazel run //async/examples:echo_server -- --port=7000 --connections=0

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "moirai/async/io.h"
#include "moirai/async/runtime.h"

ABSL_FLAG(int, port, 7000, "TCP port on 127.0.0.1 (0 = pick a free one)");
ABSL_FLAG(int, connections, 0,
          "exit after serving this many connections (0 = run forever)");
ABSL_FLAG(int, workers, 0, "scheduler workers (0 = hardware threads)");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int port = absl::GetFlag(FLAGS_port);
  const int connections = absl::GetFlag(FLAGS_connections);
  if (port < 0 || port > 65535 || connections < 0) {
    std::fprintf(stderr, "echo_server: bad --port or --connections\n");
    return 2;
  }
  moirai::async::RuntimeOptions opts;
  opts.num_workers = absl::GetFlag(FLAGS_workers);
  auto rt = moirai::async::Runtime::Create(opts);
  if (!rt.ok()) {
    std::fprintf(stderr, "echo_server: %s\n", rt.status().ToString().c_str());
    return 1;
  }
  auto listener = moirai::async::TcpListener::Bind(
      **rt, "127.0.0.1", static_cast<std::uint16_t>(port));
  if (!listener.ok()) {
    std::fprintf(stderr, "echo_server: %s\n",
                 listener.status().ToString().c_str());
    return 1;
  }
  std::printf("echo_server listening on 127.0.0.1:%u\n", listener->port());
  std::fflush(stdout);
  auto& runtime = **rt;
  absl::Status s =
      runtime
          .Spawn([&]() -> absl::Status {
            for (int served = 0; connections == 0 || served < connections;
                 ++served) {
              auto conn = listener->Accept();
              if (!conn.ok()) return conn.status();
              runtime
                  .Spawn([c = std::move(*conn)]() mutable {
                    char buf[16 * 1024];
                    for (;;) {
                      auto n = c.ReadSome(absl::MakeSpan(buf));
                      if (!n.ok() || *n == 0) return;
                      if (!c.WriteAll(absl::MakeConstSpan(buf, *n)).ok()) {
                        return;
                      }
                    }
                  })
                  .Detach();
            }
            return absl::OkStatus();
          })
          .Join();
  if (!s.ok()) {
    std::fprintf(stderr, "echo_server: %s\n", s.ToString().c_str());
    return 1;
  }
  // ~Runtime cancels fibers still running: let the connections finish
  // first (each ends when its client closes).
  (void)runtime.WaitForFibers();
  return 0;
}
