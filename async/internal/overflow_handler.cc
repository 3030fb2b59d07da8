// Copyright 2026 The Moirai Authors.

#include "moirai/async/internal/overflow_handler.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "moirai/async/internal/execution_context.h"

namespace moirai::async::internal {
namespace {

// Large enough for the handler under AddressSanitizer, whose own SIGSEGV
// machinery may share the alternate stack.
constexpr std::size_t kAltStackSize = 64 * 1024;

// The previous SIGSEGV disposition, written once under std::call_once before
// the handler can run, read-only afterwards.
struct sigaction g_previous_action;

void WriteAll(const char* msg) {
  std::size_t len = std::strlen(msg);
  while (len > 0) {
    ssize_t n = ::write(STDERR_FILENO, msg, len);
    if (n <= 0) return;
    msg += n;
    len -= static_cast<std::size_t>(n);
  }
}

void OnSegv(int sig, siginfo_t* info, void* uctx) {
  // The context running on this thread (set by Resume() before the switch
  // into it, on this same thread, so visible to a synchronous signal).
  const ExecutionContext* running = CurrentSwitchState()->running;
  if (running != nullptr && running->GuardContains(info->si_addr)) {
    WriteAll(
        "moirai: fiber stack overflow (the fault hit the fiber's guard page; "
        "raise RuntimeOptions::stack_size)\n");
    // Default action for SIGABRT so that abort() really ends the process.
    signal(SIGABRT, SIG_DFL);
    std::abort();
  }
  // Not ours: chain to whoever was there before.
  if (g_previous_action.sa_flags & SA_SIGINFO) {
    if (g_previous_action.sa_sigaction != nullptr) {
      g_previous_action.sa_sigaction(sig, info, uctx);
      return;
    }
  } else if (g_previous_action.sa_handler != SIG_DFL &&
             g_previous_action.sa_handler != SIG_IGN) {
    g_previous_action.sa_handler(sig);
    return;
  }
  // Default disposition: reinstall it and return; the faulting instruction
  // runs again and the kernel delivers the default action (core dump).
  signal(SIGSEGV, SIG_DFL);
}

void InstallHandler() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = &OnSegv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &g_previous_action);
}

// Owns the calling thread's alternate signal stack.
class AltStack {
 public:
  AltStack() {
    stack_t current;
    if (sigaltstack(nullptr, &current) == 0 &&
        !(current.ss_flags & SS_DISABLE) && current.ss_size >= kAltStackSize) {
      return;  // the thread already has a large enough one (e.g. from ASan)
    }
    void* p = ::mmap(nullptr, kAltStackSize, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;  // overflow then dies without the message
    stack_t ss;
    ss.ss_sp = p;
    ss.ss_size = kAltStackSize;
    ss.ss_flags = 0;
    if (sigaltstack(&ss, nullptr) != 0) {
      ::munmap(p, kAltStackSize);
      return;
    }
    mem_ = p;
  }
  ~AltStack() {
    if (mem_ == nullptr) return;
    stack_t ss;
    std::memset(&ss, 0, sizeof(ss));
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, nullptr);
    ::munmap(mem_, kAltStackSize);
  }

 private:
  void* mem_ = nullptr;
};

}  // namespace

void EnsureOverflowHandlerOnThisThread() noexcept {
  static std::once_flag once;
  std::call_once(once, InstallHandler);
  thread_local AltStack alt_stack;
  (void)alt_stack;
}

}  // namespace moirai::async::internal
