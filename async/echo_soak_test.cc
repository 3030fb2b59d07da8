// Copyright 2026 The Moirai Authors.
//
// Soak: 10,000 concurrent loopback connections through an echo server run
// in a forked child process (so each process needs ~10k descriptors, within
// a 20k hard limit), one fiber per connection on each side; no lost or
// corrupted bytes, and peak RSS stays bounded. Tagged `stress` (CI runs the
// 500-connection variant in io_test). Raises the open-file soft limit up to
// the hard limit and fails with a clear message if that is not enough.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <atomic>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/async/internal/test_util.h"
#include "moirai/async/io.h"
#include "moirai/async/runtime.h"
#include "moirai/async/select.h"

namespace moirai::async {
namespace {

constexpr int kConnections = 10000;
constexpr int kMessages = 4;
constexpr int kSize = 700;

bool RaiseFileLimit(rlim_t need) {
  rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return false;
  if (lim.rlim_cur >= need) return true;
  if (lim.rlim_max < need) {
    std::fprintf(stderr,
                 "echo_soak_test: needs %lu open files, hard RLIMIT_NOFILE "
                 "is %lu\n",
                 static_cast<unsigned long>(need),
                 static_cast<unsigned long>(lim.rlim_max));
    return false;
  }
  lim.rlim_cur = need;
  return setrlimit(RLIMIT_NOFILE, &lim) == 0;
}

// The child: an echo server for exactly kConnections connections.
[[noreturn]] void RunServerChild(int ready_fd, int port_pipe) {
  RuntimeOptions opts;
  opts.num_workers = 1;
  opts.stack_size = 64 * 1024;
  auto rt = Runtime::Create(opts).value();
  auto listener = TcpListener::Bind(*rt, "127.0.0.1", 0, 4096);
  if (!listener.ok()) std::_Exit(3);
  const std::uint16_t port = listener->port();
  if (write(port_pipe, &port, sizeof(port)) != sizeof(port)) std::_Exit(4);
  (void)ready_fd;
  absl::Status s =
      rt->Spawn([&]() -> absl::Status {
          for (int i = 0; i < kConnections; ++i) {
            auto c = listener->Accept();
            if (!c.ok()) return c.status();
            rt->Spawn([c = std::move(*c)]() mutable {
                char buf[2048];
                for (;;) {
                  auto n = c.ReadSome(absl::MakeSpan(buf));
                  if (!n.ok() || *n == 0) return;
                  if (!c.WriteAll(absl::MakeConstSpan(buf, *n)).ok()) {
                    return;
                  }
                }
              }).Detach();
          }
          return absl::OkStatus();
        }).Join();
  // The connection fibers end when their clients close; ~Runtime would
  // cancel them.
  if (!rt->WaitForFibers().ok()) std::_Exit(6);
  rt.reset();
  std::_Exit(s.ok() ? 0 : 5);
}

TEST(EchoSoakTest, TenThousandConnections) {
  ASSERT_TRUE(RaiseFileLimit(kConnections + 256));
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  // Fork before this process starts any thread.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipefd[0]);
    RunServerChild(-1, pipefd[1]);
  }
  close(pipefd[1]);
  std::uint16_t port = 0;
  ASSERT_EQ(read(pipefd[0], &port, sizeof(port)),
            static_cast<ssize_t>(sizeof(port)));
  close(pipefd[0]);
  RuntimeOptions opts;
  opts.num_workers = 2;
  opts.stack_size = 64 * 1024;
  auto rt = Runtime::Create(opts).value();
  std::atomic<long> bytes{0};
  std::vector<JoinHandle<absl::Status>> clients;
  for (int c = 0; c < kConnections; ++c) {
    clients.push_back(rt->Spawn([&, c]() -> absl::Status {
      auto s = TcpStream::Connect(*rt, "127.0.0.1", port);
      if (!s.ok()) return s.status();
      std::string msg(kSize, '\0'), back(kSize, '\0');
      for (int m = 0; m < kMessages; ++m) {
        for (int i = 0; i < kSize; ++i)
          msg[i] = static_cast<char>(c + m * 3 + i);
        absl::Status w = s->WriteAll(msg);
        if (!w.ok()) return w;
        absl::Status r = s->ReadExact(absl::MakeSpan(back));
        if (!r.ok()) return r;
        if (back != msg) return absl::DataLossError("corrupted echo");
        bytes.fetch_add(kSize, std::memory_order_relaxed);
      }
      return absl::OkStatus();
    }));
  }
  int failed = 0;
  for (auto& c : clients) {
    absl::Status s = c.Join();
    if (!s.ok() && failed++ < 5) ADD_FAILURE() << s;
  }
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(bytes.load(), static_cast<long>(kConnections) * kMessages * kSize);
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  // 10,000 client fibers with 64 KiB stacks of which a few pages are
  // touched: bounded well below 1 GiB (ru_maxrss is in KiB).
  EXPECT_LT(ru.ru_maxrss, 1024L * 1024) << "peak RSS KiB";
  std::printf("client peak RSS %ld KiB\n", ru.ru_maxrss);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "server child status " << status;
}

}  // namespace
}  // namespace moirai::async
