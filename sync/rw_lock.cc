// Copyright 2026 The Moirai Authors.

#include "moirai/sync/rw_lock.h"

#include "moirai/core/internal/check.h"
#include "moirai/core/internal/futex.h"

namespace moirai::sync {
namespace {

// Spin iterations (each with a CPU pause) before a waiter parks.
constexpr int kSpinLimit = 100;

}  // namespace

std::uint32_t RwLock::ReaderSum() const noexcept {
  // seq_cst loads: the writer half of the Dekker handshake (see lock_shared).
  // They are also acquires pairing with the readers' seq_cst decrements, so
  // the readers' critical sections happen before the writer's.
  std::uint32_t sum = 0;
  for (const ReaderSlot& slot : slots_) {
    sum += slot.count.load(std::memory_order_seq_cst);
  }
  return sum;
}

void RwLock::WakeWriter() noexcept {
  // Release: orders our slot decrement before the epoch change the writer
  // observes (the writer re-sums after waking anyway).
  drain_epoch_.fetch_add(1, std::memory_order_release);
  core::internal::FutexWake(&drain_epoch_, 1);
}

void RwLock::WaitWhileWriter() noexcept {
  for (int i = 0; i < kSpinLimit; ++i) {
    // Relaxed: a hint; the caller re-checks with seq_cst after re-entering.
    if ((state_.load(std::memory_order_relaxed) & kWriter) == 0) return;
    core::CpuRelax();
  }
  std::uint32_t s = state_.load(std::memory_order_relaxed);
  while (s & kWriter) {
    if ((s & kReadersParked) == 0) {
      // Announce that a reader may sleep (I2). If unlock() cleared the word
      // meanwhile, the CAS fails and we re-check it.
      if (!state_.compare_exchange_weak(s, s | kReadersParked,
                                        std::memory_order_relaxed,
                                        std::memory_order_relaxed)) {
        continue;
      }
      s |= kReadersParked;
    }
    // Sleeps only while the word is still `s`; unlock() changes it first.
    core::internal::FutexWait(&state_, s);
    s = state_.load(std::memory_order_relaxed);
  }
}

void RwLock::LockSharedSlow(ReaderSlot& slot) noexcept {
  for (;;) {
    // A writer is in (or on its way in): back our count out so that it can
    // drain, wait for it to leave, and try again.
    ReleaseReader(slot);
    WaitWhileWriter();
    slot.count.fetch_add(1, std::memory_order_seq_cst);
    if ((state_.load(std::memory_order_seq_cst) & kWriter) == 0) return;
  }
}

void RwLock::WaitForReaders() noexcept {
  for (int i = 0; i < kSpinLimit; ++i) {
    if (ReaderSum() == 0) return;
    core::CpuRelax();
  }
  for (;;) {
    // Read the epoch before announcing ourselves and re-summing: a reader
    // that leaves after the re-sum sees kWriterParked (I3) and bumps the
    // epoch, so the FutexWait below either refuses to sleep or is woken.
    const std::uint32_t epoch = drain_epoch_.load(std::memory_order_seq_cst);
    state_.fetch_or(kWriterParked, std::memory_order_seq_cst);
    if (ReaderSum() == 0) break;
    core::internal::FutexWait(&drain_epoch_, epoch);
  }
  // Relaxed: only stops readers from waking us; nothing is published.
  state_.fetch_and(~kWriterParked, std::memory_order_relaxed);
}

void RwLock::lock() noexcept ABSL_NO_THREAD_SAFETY_ANALYSIS {
  writer_mutex_.lock();
  // seq_cst: the writer half of the Dekker handshake with lock_shared().
  state_.fetch_or(kWriter, std::memory_order_seq_cst);
  WaitForReaders();
}

bool RwLock::try_lock() noexcept ABSL_NO_THREAD_SAFETY_ANALYSIS {
  if (!writer_mutex_.try_lock()) return false;
  state_.fetch_or(kWriter, std::memory_order_seq_cst);
  if (ReaderSum() == 0) return true;
  // Readers are inside: undo. unlock() also wakes readers that saw our bit
  // and parked.
  unlock();
  return false;
}

void RwLock::unlock() noexcept ABSL_NO_THREAD_SAFETY_ANALYSIS {
  // Release pairs with the readers' seq_cst (hence acquire) load of state_
  // and with the next writer's acquisition of writer_mutex_.
  const std::uint32_t previous = state_.exchange(0, std::memory_order_release);
  MOIRAI_INTERNAL_CHECK((previous & kWriter) != 0,
                        "RwLock::unlock() called without an exclusive hold");
  if (previous & kReadersParked) core::internal::FutexWakeAll(&state_);
  writer_mutex_.unlock();
}

bool RwLock::try_lock_shared() noexcept ABSL_NO_THREAD_SAFETY_ANALYSIS {
  ReaderSlot& slot = MySlot();
  slot.count.fetch_add(1, std::memory_order_seq_cst);
  if ((state_.load(std::memory_order_seq_cst) & kWriter) == 0) return true;
  ReleaseReader(slot);
  return false;
}

}  // namespace moirai::sync
