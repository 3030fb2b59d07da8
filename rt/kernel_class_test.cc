// Copyright 2026 The Moirai Authors.

#include "moirai/rt/kernel_class.h"

#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moirai/core/log.h"

namespace moirai::rt {
namespace {

using ::testing::HasSubstr;

constexpr Nanos kMs = 1000 * 1000;

// Runs `f` on a fresh thread (so a class change never leaks into the test
// runner's own thread) and returns what it returned.
template <typename F>
auto OnFreshThread(F f) {
  decltype(f()) out{};
  std::thread t([&] { out = f(); });
  t.join();
  return out;
}

int CurrentPolicy() { return sched_getscheduler(0); }

struct Observed {
  KernelClassState state;
  int policy = -1;
  int priority = -1;
};

Observed ApplyAndObserve(const KernelClassOptions& o) {
  Observed obs;
  obs.state = ApplyKernelClassToCurrentThread(o);
  obs.policy = CurrentPolicy();
  sched_param p{};
  if (sched_getparam(0, &p) == 0) obs.priority = p.sched_priority;
  return obs;
}

TEST(KernelClassTest, ValidationNamesTheField) {
  KernelClassOptions o;
  EXPECT_TRUE(ValidateKernelClassOptions(o).ok());
  o.requested = KernelClass::kFifo;
  for (int bad : {0, 100, -3}) {
    o.fifo_priority = bad;
    absl::Status s = ValidateKernelClassOptions(o);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), HasSubstr("fifo_priority"));
  }
  o.fifo_priority = 99;
  EXPECT_TRUE(ValidateKernelClassOptions(o).ok());

  o.requested = KernelClass::kDeadline;
  o.dl_runtime = 1 * kMs;
  o.dl_deadline = 10 * kMs;
  o.dl_period = 10 * kMs;
  EXPECT_TRUE(ValidateKernelClassOptions(o).ok());
  KernelClassOptions p = o;
  p.dl_period = 50 * 1000;  // below the kernel's 100 us
  EXPECT_THAT(std::string(ValidateKernelClassOptions(p).message()),
              HasSubstr("dl_period"));
  p = o;
  p.dl_deadline = o.dl_runtime / 2;
  EXPECT_THAT(std::string(ValidateKernelClassOptions(p).message()),
              HasSubstr("dl_deadline"));
  p = o;
  p.dl_deadline = 20 * kMs;  // beyond the period
  EXPECT_EQ(ValidateKernelClassOptions(p).code(),
            absl::StatusCode::kInvalidArgument);
  p = o;
  p.dl_runtime = 100;
  p.dl_deadline = 200;
  EXPECT_THAT(std::string(ValidateKernelClassOptions(p).message()),
              HasSubstr("dl_runtime"));
}

TEST(KernelClassTest, OtherIsAlwaysApplied) {
  Observed obs = OnFreshThread([] { return ApplyAndObserve({}); });
  EXPECT_EQ(obs.state.applied, KernelClass::kOther);
  EXPECT_FALSE(obs.state.fell_back()) << obs.state.fallback_reason;
  EXPECT_EQ(obs.policy, SCHED_OTHER);
}

// Whatever this machine permits, the state tells the truth about the
// thread: applied means the kernel reports SCHED_FIFO at the priority; a
// fallback means SCHED_OTHER and a reason naming the refusal.
TEST(KernelClassTest, FifoStateMatchesTheKernel) {
  KernelClassOptions o;
  o.requested = KernelClass::kFifo;
  o.fifo_priority = 7;
  core::MemoryLogSink sink(core::LogLevel::kWarning);
  o.log_sink = &sink;
  Observed obs = OnFreshThread([&] { return ApplyAndObserve(o); });
  std::printf(
      "fifo on this machine: %s\n",
      obs.state.fell_back() ? obs.state.fallback_reason.c_str() : "applied");
  if (obs.state.applied == KernelClass::kFifo) {
    EXPECT_FALSE(obs.state.fell_back());
    EXPECT_EQ(obs.policy, SCHED_FIFO);
    EXPECT_EQ(obs.priority, 7);
    EXPECT_TRUE(sink.lines().empty());
  } else {
    EXPECT_EQ(obs.state.applied, KernelClass::kOther);
    EXPECT_THAT(obs.state.fallback_reason, HasSubstr("SCHED_FIFO refused"));
    EXPECT_EQ(obs.policy, SCHED_OTHER);
    EXPECT_EQ(sink.lines().size(), 1u);
  }
}

// Drops CAP_SYS_NICE from the calling thread's effective set (capabilities
// are per thread on Linux); false if capget/capset are not permitted.
bool DropSysNiceOnThisThread() {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  data[CAP_TO_INDEX(CAP_SYS_NICE)].effective &= ~CAP_TO_MASK(CAP_SYS_NICE);
  return syscall(SYS_capset, &header, data) == 0;
}

// The refusal path, forced for real: no CAP_SYS_NICE on the thread and an
// RLIMIT_RTPRIO of 0, so the kernel answers EPERM. The thread must stay
// SCHED_OTHER, the reason must say EPERM and how to fix it, and the
// warning must be logged once.
TEST(KernelClassTest, RefusedFifoFallsBackLoudly) {
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_RTPRIO, &saved), 0);
  rlimit zero = saved;
  zero.rlim_cur = 0;
  ASSERT_EQ(setrlimit(RLIMIT_RTPRIO, &zero), 0);
  KernelClassOptions o;
  o.requested = KernelClass::kFifo;
  o.fifo_priority = 10;
  core::MemoryLogSink sink(core::LogLevel::kWarning);
  o.log_sink = &sink;
  bool dropped = false;
  Observed obs = OnFreshThread([&] {
    dropped = DropSysNiceOnThisThread();
    return ApplyAndObserve(o);
  });
  ASSERT_EQ(setrlimit(RLIMIT_RTPRIO, &saved), 0);
  ASSERT_TRUE(dropped) << "capset refused: cannot force the refusal here";
  EXPECT_EQ(obs.state.requested, KernelClass::kFifo);
  EXPECT_EQ(obs.state.applied, KernelClass::kOther);
  EXPECT_THAT(obs.state.fallback_reason, HasSubstr("SCHED_FIFO refused"));
  EXPECT_THAT(obs.state.fallback_reason, HasSubstr("EPERM"));
  EXPECT_THAT(obs.state.fallback_reason, HasSubstr("CAP_SYS_NICE"));
  EXPECT_EQ(obs.policy, SCHED_OTHER);
  ASSERT_EQ(sink.lines().size(), 1u);
  EXPECT_THAT(sink.lines()[0], HasSubstr("kernel class fifo not applied"));
}

// Bad options are a fallback with the validation's text, not a crash.
TEST(KernelClassTest, InvalidOptionsFallBackWithTheValidationError) {
  KernelClassOptions o;
  o.requested = KernelClass::kFifo;
  o.fifo_priority = 0;
  core::MemoryLogSink sink(core::LogLevel::kWarning);
  o.log_sink = &sink;
  Observed obs = OnFreshThread([&] { return ApplyAndObserve(o); });
  EXPECT_EQ(obs.state.applied, KernelClass::kOther);
  EXPECT_THAT(obs.state.fallback_reason, HasSubstr("fifo_priority = 0"));
  EXPECT_EQ(obs.policy, SCHED_OTHER);
  EXPECT_EQ(sink.lines().size(), 1u);
}

// The kernel refuses SCHED_DEADLINE for a thread with a restricted CPU
// affinity (a pinned worker) whatever the privileges: EPERM, explained.
TEST(KernelClassTest, PinnedThreadCannotJoinDeadline) {
  if (std::thread::hardware_concurrency() < 2) {
    GTEST_SKIP() << "needs two CPUs to restrict the affinity";
  }
  KernelClassOptions o;
  o.requested = KernelClass::kDeadline;
  o.dl_runtime = 1 * kMs;
  o.dl_deadline = 100 * kMs;
  o.dl_period = 100 * kMs;
  core::MemoryLogSink sink(core::LogLevel::kWarning);
  o.log_sink = &sink;
  Observed obs = OnFreshThread([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    (void)pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
    return ApplyAndObserve(o);
  });
  EXPECT_EQ(obs.state.applied, KernelClass::kOther);
  EXPECT_THAT(obs.state.fallback_reason, HasSubstr("SCHED_DEADLINE refused"));
  EXPECT_THAT(obs.state.fallback_reason, HasSubstr("EPERM"));
  EXPECT_EQ(obs.policy, SCHED_OTHER);
}

// An unpinned thread gets the reservation where the process may have it;
// either way the state matches what the kernel reports.
TEST(KernelClassTest, DeadlineStateMatchesTheKernel) {
  KernelClassOptions o;
  o.requested = KernelClass::kDeadline;
  o.dl_runtime = 1 * kMs;
  o.dl_deadline = 100 * kMs;
  o.dl_period = 100 * kMs;
  core::MemoryLogSink sink(core::LogLevel::kWarning);
  o.log_sink = &sink;
  Observed obs = OnFreshThread([&] { return ApplyAndObserve(o); });
  std::printf(
      "deadline on this machine: %s\n",
      obs.state.fell_back() ? obs.state.fallback_reason.c_str() : "applied");
  if (obs.state.applied == KernelClass::kDeadline) {
    EXPECT_FALSE(obs.state.fell_back());
    EXPECT_EQ(obs.policy, SCHED_DEADLINE);
  } else {
    EXPECT_THAT(obs.state.fallback_reason, HasSubstr("SCHED_DEADLINE refused"));
    EXPECT_EQ(obs.policy, SCHED_OTHER);
  }
}

#if !defined(MOIRAI_SANITIZER_ASAN) && !defined(MOIRAI_SANITIZER_TSAN)
// mlockall is process-wide, so it runs in a child process; the sanitizers'
// shadow memory is too large to lock, hence the guard.
TEST(KernelClassTest, LockMemoryInAChild) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    KernelClassOptions o;
    o.lock_memory = true;
    core::NullLogSink quiet;
    o.log_sink = &quiet;
    KernelClassState st = ApplyKernelClassToCurrentThread(o);
    std::ifstream status("/proc/self/status");
    std::string line;
    long locked_kb = -1;  // NOLINT(runtime/int)
    while (std::getline(status, line)) {
      if (line.rfind("VmLck:", 0) == 0) {
        locked_kb = std::strtol(line.c_str() + 6, nullptr, 10);
      }
    }
    // 0: locked and the kernel agrees; 1: refused and said so; 2: a lie.
    if (st.memory_locked) _exit(locked_kb > 0 ? 0 : 2);
    _exit(st.fallback_reason.find("mlockall refused") != std::string::npos ? 1
                                                                           : 2);
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_NE(WEXITSTATUS(wstatus), 2);
}
#endif

}  // namespace
}  // namespace moirai::rt
