// Copyright 2026 The Moirai Authors.
//
// sync/once_cell.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::sync::OnceCell<T>`, a slot that is written at
// most once and then read by any number of threads without locking (Rust's
// `OnceLock`, a typed `absl::call_once`).
//
//   moirai::sync::OnceCell<Config> config;
//   const Config& c = config.GetOrInit([] { return LoadConfig(); });
//
// `GetOrInit(f)` runs `f` in exactly one thread at a time until one run
// succeeds; concurrent callers wait for that run and then read its value. If
// `f` throws, the cell stays empty, the exception propagates to the thread
// that ran `f`, and one of the waiting threads (if any) runs its own `f`
// next. `Set(value)` stores a value if the cell is empty. Once set, the value
// never changes until the cell is destroyed; `get()` is one acquire load.
//
// On a fiber (async), an untimed wait parks the fiber, not its worker
// thread, so the fiber that will release it can run on the same worker; a
// timed wait blocks the thread (core/internal/parking_lot.h).
//
// Memory ordering: the value's construction happens before anything a
// thread does after `get()` returns non-null, `GetOrInit()` returns, or a
// `Set()` returns (true or false).
//
// Not recursive: calling `GetOrInit()` on the same cell from inside its own
// initialiser deadlocks.

#ifndef MOIRAI_SYNC_ONCE_CELL_H_
#define MOIRAI_SYNC_ONCE_CELL_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "moirai/core/arch.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/internal/parking_lot.h"

namespace moirai::sync {

template <typename T>
class OnceCell {
 public:
  OnceCell() noexcept = default;
  OnceCell(const OnceCell&) = delete;
  OnceCell& operator=(const OnceCell&) = delete;

  ~OnceCell() {
    if (state_.load(std::memory_order_acquire) == kReady) {
      std::destroy_at(value_ptr());
    }
  }

  // OnceCell::get()
  //
  // The value, or nullptr if the cell is not set yet. Never blocks.
  const T* get() const noexcept {
    // Acquire pairs with the release that publishes the value.
    return state_.load(std::memory_order_acquire) == kReady ? value_ptr()
                                                            : nullptr;
  }
  T* get() noexcept {
    return state_.load(std::memory_order_acquire) == kReady ? value_ptr()
                                                            : nullptr;
  }

  // OnceCell::has_value()
  bool has_value() const noexcept { return get() != nullptr; }

  // OnceCell::GetOrInit()
  //
  // Returns the value, first storing `std::invoke(f)` if the cell is empty.
  // See the file comment for concurrency and exceptions.
  template <typename F>
  const T& GetOrInit(F&& f) {
    if (const T* v = get()) return *v;
    InitSlow(std::forward<F>(f));
    return *value_ptr();
  }

  // OnceCell::Set()
  //
  // Stores `value` if the cell is empty and returns true; returns false (and
  // drops `value`) if it already held a value. If another thread is
  // initialising the cell, waits for it to finish first.
  template <typename U = T>
  bool Set(U&& value) {
    bool stored = false;
    InitSlow([&]() -> U&& {
      stored = true;
      return std::forward<U>(value);
    });
    return stored;
  }

 private:
  // State values; the futex word. Invariant: the value is constructed exactly
  // when state_ == kReady, and kReady is never left (until destruction).
  static constexpr std::uint32_t kEmpty = 0;
  static constexpr std::uint32_t kRunning = 1;         // an initialiser runs
  static constexpr std::uint32_t kRunningWaiters = 2;  // ... and threads wait
  static constexpr std::uint32_t kReady = 3;

  const T* value_ptr() const noexcept {
    return std::launder(reinterpret_cast<const T*>(storage_));
  }
  T* value_ptr() noexcept {
    return std::launder(reinterpret_cast<T*>(storage_));
  }

  template <typename F>
  void InitSlow(F&& f) {
    std::uint32_t s = state_.load(std::memory_order_acquire);
    for (;;) {
      if (s == kReady) return;
      if (s == kEmpty) {
        // Acquire on success: a previous failed initialiser's reset is a
        // release, nothing else to see. Claim the right to initialise.
        if (!state_.compare_exchange_weak(s, kRunning,
                                          std::memory_order_acquire,
                                          std::memory_order_acquire)) {
          continue;
        }
        RunInitialiser(std::forward<F>(f));
        return;
      }
      // Someone else is initialising: announce that we wait, then sleep.
      if (s == kRunning && !state_.compare_exchange_weak(
                               s, kRunningWaiters, std::memory_order_acquire,
                               std::memory_order_acquire)) {
        continue;
      }
      core::internal::WaitOnWord(&state_, kRunningWaiters);
      s = state_.load(std::memory_order_acquire);
    }
  }

  template <typename F>
  void RunInitialiser(F&& f) {
    try {
      ::new (static_cast<void*>(storage_)) T(std::invoke(std::forward<F>(f)));
    } catch (...) {
      // Leave the cell empty and let a waiter try. Release: nothing was
      // published, but keep the order of our writes for the next initialiser.
      if (state_.exchange(kEmpty, std::memory_order_release) ==
          kRunningWaiters) {
        // Wake all: one of them claims the cell, the others wait again.
        core::internal::WakeWordAll(&state_);
      }
      throw;
    }
    // Release pairs with the acquire loads in get()/InitSlow(): the value's
    // construction happens before any read of it.
    if (state_.exchange(kReady, std::memory_order_release) == kRunningWaiters) {
      core::internal::WakeWordAll(&state_);
    }
  }

  mutable std::atomic<std::uint32_t> state_{kEmpty};
  alignas(T) unsigned char storage_[sizeof(T)];
};

}  // namespace moirai::sync

#endif  // MOIRAI_SYNC_ONCE_CELL_H_
