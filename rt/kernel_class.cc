// Copyright 2026 The Moirai Authors.

#include "moirai/rt/kernel_class.h"

#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "moirai/core/log.h"

namespace moirai::rt {
namespace {

// The kernel's SCHED_DEADLINE limits (kernel/sched/deadline.c; the period
// bounds are sysctls, sched_deadline_period_{min,max}_us, at their defaults
// here).
constexpr Nanos kDlMinRuntime = 1024;
constexpr Nanos kDlMinPeriod = 100 * 1000;
constexpr Nanos kDlMaxPeriod = Nanos{4194304} * 1000;

std::string ErrnoText(int err) {
  return absl::StrCat(strerrordesc_np(err), " (", strerrorname_np(err), ")");
}

// Why the kernel usually says `err` to a class change.
absl::string_view Hint(KernelClass c, int err) {
  if (err == EPERM && c == KernelClass::kDeadline) {
    return "needs CAP_SYS_NICE, and a thread whose CPU affinity is "
           "restricted (a pinned worker) cannot join SCHED_DEADLINE";
  }
  if (err == EPERM) {
    return "run as root, grant CAP_SYS_NICE, or raise RLIMIT_RTPRIO "
           "(ulimit -r) to the priority";
  }
  if (err == EBUSY) {
    return "the reservation exceeds the kernel's SCHED_DEADLINE bandwidth "
           "cap (sched_rt_runtime_us / sched_rt_period_us)";
  }
  return "";
}

std::string Refusal(KernelClass c, int err) {
  std::string out =
      absl::StrCat("SCHED_", c == KernelClass::kFifo ? "FIFO" : "DEADLINE",
                   " refused: ", ErrnoText(err));
  absl::string_view hint = Hint(c, err);
  if (!hint.empty()) absl::StrAppend(&out, "; ", hint);
  return out;
}

// Returns 0 or the errno of the refusal.
int SetOther() {
  sched_param p{};
  p.sched_priority = 0;
  return pthread_setschedparam(pthread_self(), SCHED_OTHER, &p);
}

int SetFifo(int priority) {
  sched_param p{};
  p.sched_priority = priority;
  return pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
}

// struct sched_attr of sched_setattr(2), version 0 (48 bytes). Declared here
// because <linux/sched/types.h> redefines glibc's struct sched_param.
struct SchedAttr {
  std::uint32_t size;
  std::uint32_t sched_policy;
  std::uint64_t sched_flags;
  std::int32_t sched_nice;
  std::uint32_t sched_priority;
  std::uint64_t sched_runtime;
  std::uint64_t sched_deadline;
  std::uint64_t sched_period;
};
static_assert(sizeof(SchedAttr) == 48, "SCHED_ATTR_SIZE_VER0");

int SetDeadline(const KernelClassOptions& o) {
  SchedAttr attr{};
  attr.size = sizeof(attr);
  attr.sched_policy = SCHED_DEADLINE;
  attr.sched_runtime = static_cast<std::uint64_t>(o.dl_runtime);
  attr.sched_deadline = static_cast<std::uint64_t>(o.dl_deadline);
  attr.sched_period = static_cast<std::uint64_t>(o.dl_period);
  // glibc has no wrapper for sched_setattr(2); pid 0 is the calling thread.
  if (syscall(SYS_sched_setattr, 0, &attr, 0u) != 0) return errno;
  return 0;
}

}  // namespace

absl::string_view KernelClassName(KernelClass c) noexcept {
  switch (c) {
    case KernelClass::kOther:
      return "other";
    case KernelClass::kFifo:
      return "fifo";
    case KernelClass::kDeadline:
      return "deadline";
  }
  return "invalid";
}

absl::Status ValidateKernelClassOptions(const KernelClassOptions& o) {
  switch (o.requested) {
    case KernelClass::kOther:
      return absl::OkStatus();
    case KernelClass::kFifo:
      if (o.fifo_priority < 1 || o.fifo_priority > 99) {
        return absl::InvalidArgumentError(
            absl::StrCat("kernel class fifo: fifo_priority = ", o.fifo_priority,
                         " is out of range [1, 99]"));
      }
      return absl::OkStatus();
    case KernelClass::kDeadline:
      if (o.dl_period < kDlMinPeriod || o.dl_period > kDlMaxPeriod) {
        return absl::InvalidArgumentError(
            absl::StrCat("kernel class deadline: dl_period = ", o.dl_period,
                         " ns is out of the kernel's range [", kDlMinPeriod,
                         ", ", kDlMaxPeriod, "] ns"));
      }
      if (o.dl_deadline < o.dl_runtime || o.dl_deadline > o.dl_period) {
        return absl::InvalidArgumentError(
            absl::StrCat("kernel class deadline: dl_deadline = ", o.dl_deadline,
                         " ns must lie in [dl_runtime, dl_period] = [",
                         o.dl_runtime, ", ", o.dl_period, "] ns"));
      }
      if (o.dl_runtime < kDlMinRuntime) {
        return absl::InvalidArgumentError(absl::StrCat(
            "kernel class deadline: dl_runtime = ", o.dl_runtime,
            " ns is below the kernel's minimum of ", kDlMinRuntime, " ns"));
      }
      return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "kernel class: unknown class ", static_cast<int>(o.requested)));
}

KernelClassState ApplyKernelClassToCurrentThread(
    const KernelClassOptions& options) noexcept {
  KernelClassState st;
  st.requested = options.requested;
  if (absl::Status v = ValidateKernelClassOptions(options); !v.ok()) {
    st.fallback_reason = std::string(v.message());
  } else if (options.requested == KernelClass::kFifo) {
    if (int err = SetFifo(options.fifo_priority); err != 0) {
      st.fallback_reason = Refusal(KernelClass::kFifo, err);
    } else {
      st.applied = KernelClass::kFifo;
    }
  } else if (options.requested == KernelClass::kDeadline) {
    if (int err = SetDeadline(options); err != 0) {
      st.fallback_reason = Refusal(KernelClass::kDeadline, err);
    } else {
      st.applied = KernelClass::kDeadline;
    }
  }
  if (st.applied == KernelClass::kOther) (void)SetOther();
  if (options.lock_memory) {
    if (mlockall(MCL_CURRENT | MCL_FUTURE) == 0) {
      st.memory_locked = true;
    } else {
      const int err = errno;
      absl::StrAppend(&st.fallback_reason,
                      st.fallback_reason.empty() ? "" : "; ",
                      "mlockall refused: ", ErrnoText(err),
                      err == ENOMEM || err == EPERM
                          ? "; raise RLIMIT_MEMLOCK (ulimit -l) or run as root"
                          : "");
    }
  }
  if (st.fell_back()) {
    core::Log(
        options.log_sink, core::LogLevel::kWarning, "rt",
        absl::StrCat("kernel class ", KernelClassName(st.requested),
                     " not applied, running as ", KernelClassName(st.applied),
                     ": ", st.fallback_reason));
  }
  return st;
}

}  // namespace moirai::rt
