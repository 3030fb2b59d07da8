// Copyright 2026 The Moirai Authors.
//
// rt/kernel_class.h
// -----------------------------------------------------------------------------
//
// The Linux scheduling class of an RT worker thread (issue #11, item 4;
// RT.md, section d2). Moirai's RT dispatch runs at user level on the
// scheduler's own workers; the kernel class decides what the kernel does
// with those threads when other processes want the CPU:
//
//   * kOther: SCHED_OTHER (CFS/EEVDF), the default. No privilege needed;
//     other processes share the core with the RT worker.
//   * kFifo: SCHED_FIFO at `fifo_priority` (1-99). Other SCHED_OTHER
//     threads of the core run only when the worker is idle (parked) or the
//     kernel's RT throttling (950 ms per 1 s by default) steps in. Needs
//     CAP_SYS_NICE or an RLIMIT_RTPRIO of at least the priority.
//   * kDeadline: one SCHED_DEADLINE reservation (runtime/deadline/period)
//     per worker, an outer CBS server inside which Moirai's EDF runs. Needs
//     CAP_SYS_NICE; the kernel refuses it for a thread whose CPU affinity
//     is restricted (a pinned worker: EPERM) and when the reservation would
//     exceed its global bandwidth cap (EBUSY). Note: sched_yield() in a DL
//     thread throttles it until its next period; Moirai never calls it.
//
// A refusal is never silent and never fatal: the thread stays (or goes
// back to) SCHED_OTHER, `KernelClassState::fallback_reason` says what was
// asked, what the kernel answered and how to get it (e.g. "run as root or
// grant CAP_SYS_NICE"), and every fallback is logged as a warning
// (core/log.h; one line per thread that falls back). Callers can query the
// state: rt::Executor reports it per worker in ExecutorStats::kernel.
//
// The class applies to the whole worker thread: best-effort tasks that the
// same worker runs between RT jobs run at the same kernel class.
//
// `lock_memory` calls mlockall(MCL_CURRENT | MCL_FUTURE) once per call
// (process-wide: it is an option of the process, not of a thread), so page
// faults cannot stall an RT job; a refusal (RLIMIT_MEMLOCK) is reported the
// same way. Do not combine it with ASan/TSan builds: their shadow mappings
// are huge.

#ifndef MOIRAI_RT_KERNEL_CLASS_H_
#define MOIRAI_RT_KERNEL_CLASS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "moirai/core/log.h"
#include "moirai/rt/task_model.h"

namespace moirai::rt {

enum class KernelClass { kOther, kFifo, kDeadline };

// "other", "fifo", "deadline".
absl::string_view KernelClassName(KernelClass c) noexcept;

struct KernelClassOptions {
  KernelClass requested = KernelClass::kOther;
  // kFifo: the SCHED_FIFO priority, in [1, 99].
  int fifo_priority = 50;
  // kDeadline: the reservation, in nanoseconds. The kernel's limits:
  // 1024 ns <= runtime <= deadline <= period, period in
  // [100 us, 4.194304 s] (sched_deadline_period_{min,max}_us).
  Nanos dl_runtime = 0;
  Nanos dl_deadline = 0;
  Nanos dl_period = 0;
  // mlockall(MCL_CURRENT | MCL_FUTURE) when the class is applied.
  bool lock_memory = false;
  // Where a fallback's warning goes (nullptr: core::DefaultLogSink()).
  // Not owned; must outlive the threads the class is applied to.
  core::LogSink* log_sink = nullptr;
};

// ValidateKernelClassOptions(): InvalidArgument naming the field for a
// priority out of [1, 99] (kFifo) or a reservation outside the kernel's
// limits (kDeadline). kOther accepts anything (the other fields unused).
absl::Status ValidateKernelClassOptions(const KernelClassOptions& options);

// What a thread got.
struct KernelClassState {
  KernelClass requested = KernelClass::kOther;
  KernelClass applied = KernelClass::kOther;
  bool memory_locked = false;
  // Empty when `applied == requested` and any memory lock asked for
  // succeeded; otherwise what was refused and why (errno text and the
  // usual cause).
  std::string fallback_reason;

  bool fell_back() const { return !fallback_reason.empty(); }
};

// ApplyKernelClassToCurrentThread(): switches the calling thread to
// `options.requested` (and locks memory if asked). Options that fail
// ValidateKernelClassOptions() are a fallback with that reason, not a
// crash: the thread stays SCHED_OTHER. kOther (and every fallback) puts
// the thread in SCHED_OTHER (its nice value unchanged; a no-op for a fresh
// thread). Never throws.
KernelClassState ApplyKernelClassToCurrentThread(
    const KernelClassOptions& options) noexcept;

}  // namespace moirai::rt

#endif  // MOIRAI_RT_KERNEL_CLASS_H_
