// Copyright 2026 The Moirai Authors.

#include "moirai/core/internal/futex.h"

#include <cerrno>
#include <climits>
#include <ctime>

#include "moirai/core/internal/futex_portable.h"

// MOIRAI_FUTEX_PORTABLE is set by //core:futex's select() on
// `--define=moirai_futex=portable`; without futex(2) there is no choice.
#if !defined(__linux__) && !defined(MOIRAI_FUTEX_PORTABLE)
#define MOIRAI_FUTEX_PORTABLE 1
#endif

#if !defined(MOIRAI_FUTEX_PORTABLE)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace moirai::core::internal {

#if defined(MOIRAI_FUTEX_PORTABLE)

FutexWaitResult FutexWait(std::atomic<std::uint32_t>* word,
                          std::uint32_t expected, MonoTime deadline) noexcept {
  return futex_portable::Wait(word, expected, deadline);
}

int FutexWake(std::atomic<std::uint32_t>* word, int count) noexcept {
  return futex_portable::Wake(word, count);
}

bool FutexIsPortable() noexcept { return true; }

#else  // Linux futex(2)

FutexWaitResult FutexWait(std::atomic<std::uint32_t>* word,
                          std::uint32_t expected, MonoTime deadline) noexcept {
  // FUTEX_WAIT_BITSET takes an absolute deadline, so a wait that is
  // interrupted and retried does not stretch its timeout; without
  // FUTEX_CLOCK_REALTIME it is a CLOCK_MONOTONIC one, so a wall-clock step
  // does not move it either.
  struct timespec ts;
  struct timespec* tsp = nullptr;
  if (!deadline.is_infinite()) {
    if (deadline <= MonoTime::Now()) return FutexWaitResult::kTimedOut;
    ts = deadline.ToTimespec();
    tsp = &ts;
  }
  const long rc =  // NOLINT(runtime/int): syscall returns long
      syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word),
              FUTEX_WAIT_BITSET_PRIVATE, expected, tsp, nullptr,
              FUTEX_BITSET_MATCH_ANY);
  if (rc == 0) return FutexWaitResult::kWoken;
  switch (errno) {
    case EAGAIN:
      return FutexWaitResult::kValueChanged;
    case ETIMEDOUT:
      return FutexWaitResult::kTimedOut;
    case EINTR:
      return FutexWaitResult::kInterrupted;
    default:
      // EFAULT/EINVAL mean a programming error in Moirai itself.
      return FutexWaitResult::kWoken;
  }
}

int FutexWake(std::atomic<std::uint32_t>* word, int count) noexcept {
  const long rc =  // NOLINT(runtime/int)
      syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word),
              FUTEX_WAKE_PRIVATE, count, nullptr, nullptr, 0);
  return rc < 0 ? 0 : static_cast<int>(rc);
}

bool FutexIsPortable() noexcept { return false; }

#endif  // MOIRAI_FUTEX_PORTABLE

}  // namespace moirai::core::internal
