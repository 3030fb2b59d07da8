// Copyright 2026 The Moirai Authors.
//
// core/future.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::core::Promise<T>` and `moirai::core::Future<T>`,
// a one-shot channel for the result of a computation: a value of type `T` (or
// nothing, for `T = void`) or an error `absl::Status`.
//
//   Result<T>  is absl::StatusOr<T> for T != void, absl::Status for void.
//
//   auto [promise, future] = moirai::core::MakePromiseFuture<int>();
//   std::thread t([p = std::move(promise)]() mutable { p.SetValue(42); });
//   absl::StatusOr<int> r = std::move(future).Get();  // waits; *r == 42
//
// Semantics:
//   * A promise is satisfied at most once: the second `SetValue`/`SetError`/
//     `SetResult` returns FailedPrecondition and changes nothing.
//   * A promise destroyed unsatisfied gives its future kCancelled
//     ("broken promise").
//   * `SetFrom(f)` runs `f` and stores what it returns; an exception escaping
//     `f` becomes kUnknown with the exception's `what()` in the message (it is
//     never rethrown, lost or fatal).
//   * `Future::Get() &&` waits and moves the result out; the future is then
//     invalid. On an invalid (default or moved-from) future every operation is
//     defined: `IsReady()` and the waits return true at once (there is nothing
//     to wait for) and `Get()` returns FailedPrecondition.
//   * `Future::Then(f) &&` consumes the future and returns the future of
//     `f(Result<T>)`. `f` runs exactly once: inline on the thread that
//     satisfies the promise, or inline in `Then` if the future is already
//     ready (or invalid: then `f` gets FailedPrecondition). If `f` returns
//     `absl::StatusOr<U>` / `absl::Status` / `Future<U>`, the new future is a
//     `Future<U>` / `Future<void>` / `Future<U>` (flattened). Exceptions from
//     `f` become kUnknown errors as with `SetFrom`.
//   * Waiting blocks the thread on a futex (no spinning). Under a fiber
//     runtime, prefer `Then` or the runtime's own await, which do not block
//     the worker thread.
//
// On a fiber (async), an untimed wait parks the fiber, not its worker
// thread, so the fiber that will release it can run on the same worker; a
// timed wait blocks the thread (core/internal/parking_lot.h).
//
// Memory ordering: everything the setting thread did before satisfying the
// promise happens before the return of any wait that observes readiness, of
// `IsReady()` returning true, of `Get()`, and before the continuation runs.
//
// Thread safety: a Promise is used by one thread at a time. A Future's const
// members (`IsReady`, `Wait*`, `valid`) may be called from several threads at
// once; `Get()` and `Then()` consume it and need exclusive access. The promise
// and future sides may of course be used concurrently with each other.
//
// Cost: `MakePromiseFuture` makes one heap allocation (the shared state);
// setting and getting are a few atomic operations plus a futex wake only when
// someone sleeps. `Then` allocates its continuation and the next state.

#ifndef MOIRAI_CORE_FUTURE_H_
#define MOIRAI_CORE_FUTURE_H_

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "moirai/core/internal/check.h"
#include "moirai/core/internal/futex.h"
#include "moirai/core/internal/parking_lot.h"
#include "moirai/core/mono_time.h"

namespace moirai::core {

template <typename T>
using Result =
    std::conditional_t<std::is_void_v<T>, absl::Status, absl::StatusOr<T>>;

template <typename T>
class Future;
template <typename T>
class Promise;

namespace internal {

template <typename T>
struct IsFuture : std::false_type {};
template <typename T>
struct IsFuture<Future<T>> : std::true_type {};

template <typename T>
struct IsStatusOr : std::false_type {};
template <typename T>
struct IsStatusOr<absl::StatusOr<T>> : std::true_type {};

// The value type of the future that `Then(f)` returns when `f` returns `R`.
template <typename R>
struct ThenValue {
  using type = R;
};
template <typename U>
struct ThenValue<absl::StatusOr<U>> {
  using type = U;
};
template <>
struct ThenValue<absl::Status> {
  using type = void;
};
template <typename U>
struct ThenValue<Future<U>> {
  using type = U;
};

// The error an exception becomes.
absl::Status ExceptionToStatus(std::exception_ptr e);
absl::Status BrokenPromiseError();
absl::Status InvalidFutureError();

// FutureState<T>
//
// The state shared by one promise and one future.
//
// word_ (also the futex word) holds three bits:
//   kReady        result_ is constructed and published (set once, by the
//                 promise, with release);
//   kContinuation continuation_ is stored (set once, by Then, with release);
//   kWaiters      a thread may be sleeping in FutexWait on word_.
// Invariant: whichever of kReady / kContinuation is set second (the two
// fetch_or's are totally ordered on word_) runs the continuation, exactly once.
//
// refs_ counts the promise, the future and nothing else (a continuation is
// stored in the state; it owns the *next* state's promise). The state is
// deleted when both are gone.
template <typename T>
class FutureState {
 public:
  static constexpr std::uint32_t kReady = 1;
  static constexpr std::uint32_t kContinuation = 2;
  static constexpr std::uint32_t kWaiters = 4;

  using Continuation = absl::AnyInvocable<void(Result<T>&&) &&>;

  // A fresh state referenced by a promise and a future.
  FutureState() noexcept : refs_(2) {}
  // A ready state referenced only by a future.
  explicit FutureState(Result<T>&& result)
      : word_(kReady), refs_(1), result_(std::move(result)) {}

  void Unref() noexcept {
    // acq_rel: the release orders this side's uses of the state before the
    // decrement; the acquire of the last decrement makes the other side's
    // uses happen before the delete.
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  // Publishes `result`. Called at most once, by the promise.
  void Publish(Result<T>&& result) {
    result_.emplace(std::move(result));  // May throw (T's move): nothing set.
    // Release publishes result_ to readers that acquire kReady; acquire pairs
    // with the release in SetContinuation() so continuation_ is visible.
    const std::uint32_t prev =
        word_.fetch_or(kReady, std::memory_order_acq_rel);
    if (prev & kContinuation) RunContinuation();
    if (prev & kWaiters) core::internal::WakeWordAll(&word_);
  }

  bool IsReady() const noexcept {
    // Acquire pairs with the release fetch_or in Publish().
    return (word_.load(std::memory_order_acquire) & kReady) != 0;
  }

  // Returns true when ready, false when `deadline` passed first.
  bool WaitUntil(core::MonoTime deadline) noexcept {
    std::uint32_t w = word_.load(std::memory_order_acquire);
    while ((w & kReady) == 0) {
      if ((w & kWaiters) == 0) {
        // Announce a sleeper before sleeping. Acquire: if kReady is already
        // there, this RMW synchronises with Publish()'s release.
        w = word_.fetch_or(kWaiters, std::memory_order_acquire) | kWaiters;
        if (w & kReady) break;
      }
      // Sleeps only while word_ == w, i.e. not ready; Publish() saw
      // kWaiters (its fetch_or comes after ours on word_) and will wake us.
      if (core::internal::WaitOnWord(&word_, w, deadline) ==
          core::internal::FutexWaitResult::kTimedOut) {
        return IsReady();
      }
      w = word_.load(std::memory_order_acquire);
    }
    return true;
  }

  // Precondition: ready (observed with acquire). Moves the result out.
  Result<T> TakeResult() { return std::move(*result_); }

  // Stores the continuation; runs it now if the result is already there.
  // Called at most once, by the future's owner, which then drops its ref.
  void SetContinuation(Continuation&& c) {
    continuation_ = std::move(c);
    // Release publishes continuation_ to Publish(); acquire pairs with
    // Publish()'s release so result_ is visible if kReady is already set.
    const std::uint32_t prev =
        word_.fetch_or(kContinuation, std::memory_order_acq_rel);
    if (prev & kReady) RunContinuation();
  }

 private:
  // noexcept: our continuations only call noexcept Promise::SetFrom (or
  // chain with Then, which can fail only by std::bad_alloc); an exception
  // here could not be reported anywhere, so it terminates.
  void RunContinuation() noexcept {
    Continuation c = std::move(continuation_);
    std::move(c)(std::move(*result_));
  }

  std::atomic<std::uint32_t> word_{0};
  std::atomic<std::uint32_t> refs_;
  std::optional<Result<T>> result_;  // written once before kReady
  Continuation continuation_;        // written once before kContinuation
};

}  // namespace internal

template <typename T>
std::pair<Promise<T>, Future<T>> MakePromiseFuture();

// Future<T>
//
// The consuming side. Move-only. See the file comment.
template <typename T>
class Future {
  static_assert(!std::is_reference_v<T>, "Future<T&> is not supported");

 public:
  using value_type = T;

  // Future::Future()
  //
  // An invalid future (see the file comment for what that means).
  Future() noexcept = default;
  Future(Future&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)) {}
  Future& operator=(Future&& other) noexcept {
    if (this != &other) {
      Release();
      state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
  }
  Future(const Future&) = delete;
  Future& operator=(const Future&) = delete;
  ~Future() { Release(); }

  // Future::valid()
  //
  // False for a default-constructed, moved-from, consumed (`Get`/`Then`)
  // future.
  bool valid() const noexcept { return state_ != nullptr; }

  // Future::IsReady()
  //
  // True when `Get()` would not block (the result is there, or the future is
  // invalid).
  bool IsReady() const noexcept {
    return state_ == nullptr || state_->IsReady();
  }

  // Future::Wait() / WaitFor() / WaitUntil()
  //
  // Block until ready. The timed forms return false if the time ran out
  // first (a non-positive duration or past deadline just polls).
  // Timeouts run on the monotonic clock; a wall-clock deadline is
  // converted once, on entry (core/mono_time.h).
  void Wait() const noexcept { (void)WaitMono(core::MonoTime::Infinite()); }
  bool WaitFor(absl::Duration timeout) const noexcept {
    return WaitMono(core::MonoTime::After(timeout));
  }
  bool WaitUntil(absl::Time deadline) const noexcept {
    return WaitMono(core::MonoTime::FromWall(deadline));
  }
  // Future::WaitMono(): WaitUntil with a monotonic deadline.
  bool WaitMono(core::MonoTime deadline) const noexcept {
    return state_ == nullptr || state_->WaitUntil(deadline);
  }

  // Future::Get()
  //
  // Waits, then returns the result and makes the future invalid. On an
  // invalid future, returns FailedPrecondition at once.
  Result<T> Get() && {
    if (state_ == nullptr) return internal::InvalidFutureError();
    (void)state_->WaitUntil(core::MonoTime::Infinite());
    Result<T> result = state_->TakeResult();
    Release();
    return result;
  }

  // Future::Then()
  //
  // See the file comment.
  template <typename F>
  auto Then(F&& f) &&;

 private:
  friend std::pair<Promise<T>, Future<T>> MakePromiseFuture<T>();
  template <typename U>
  friend Future<U> MakeReadyFuture(Result<U> result);

  explicit Future(internal::FutureState<T>* state) noexcept : state_(state) {}

  void Release() noexcept {
    if (state_ != nullptr) std::exchange(state_, nullptr)->Unref();
  }

  internal::FutureState<T>* state_ = nullptr;
};

// Promise<T>
//
// The producing side. Move-only; one thread at a time. See the file comment.
template <typename T>
class Promise {
  static_assert(!std::is_reference_v<T>, "Promise<T&> is not supported");

 public:
  // Promise::Promise()
  //
  // An invalid promise: every Set* returns FailedPrecondition. Use
  // MakePromiseFuture() to get a connected pair.
  Promise() noexcept = default;
  Promise(Promise&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)),
        satisfied_(std::exchange(other.satisfied_, false)) {}
  Promise& operator=(Promise&& other) noexcept {
    if (this != &other) {
      Abandon();
      state_ = std::exchange(other.state_, nullptr);
      satisfied_ = std::exchange(other.satisfied_, false);
    }
    return *this;
  }
  Promise(const Promise&) = delete;
  Promise& operator=(const Promise&) = delete;

  // Promise::~Promise()
  //
  // An unsatisfied promise gives its future kCancelled ("broken promise").
  ~Promise() { Abandon(); }

  // Promise::valid()
  //
  // True while the promise is connected to a future and not yet satisfied.
  bool valid() const noexcept { return state_ != nullptr; }

  // Promise::SetValue()
  //
  // Satisfies the promise with a value. FailedPrecondition if already
  // satisfied or invalid.
  template <typename U = T, typename = std::enable_if_t<!std::is_void_v<U>>>
  absl::Status SetValue(U value) {
    return SetResult(Result<T>(std::move(value)));
  }
  template <typename U = T, typename = std::enable_if_t<std::is_void_v<U>>>
  absl::Status SetValue() {
    return SetResult(absl::OkStatus());
  }

  // Promise::SetError()
  //
  // Satisfies the promise with an error. An OK `status` is rejected with
  // InvalidArgument (the promise stays unsatisfied); FailedPrecondition if
  // already satisfied or invalid.
  absl::Status SetError(absl::Status status) {
    if (status.ok()) {
      return absl::InvalidArgumentError(
          "Promise::SetError() needs a non-OK status");
    }
    return SetResult(Result<T>(std::move(status)));
  }

  // Promise::SetResult()
  //
  // Satisfies the promise with a value or an error (an OK StatusOr<T> holds
  // its value). FailedPrecondition if already satisfied or invalid.
  absl::Status SetResult(Result<T> result) {
    if (state_ == nullptr) {
      return absl::FailedPreconditionError(
          satisfied_
              ? "Promise already satisfied"
              : "Promise is invalid (default-constructed or moved-from)");
    }
    state_->Publish(std::move(result));
    satisfied_ = true;
    std::exchange(state_, nullptr)->Unref();
    return absl::OkStatus();
  }

  // Promise::SetFrom()
  //
  // Runs `f()` and satisfies the promise with what it returns: a value
  // convertible to T (nothing, for void), or a `Result<T>`. Any exception
  // escaping `f` (or T's constructors) becomes kUnknown with its `what()`.
  // Calling it on an invalid or satisfied promise is a programming error
  // and crashes (before running `f`), since its result would be lost.
  template <typename F>
  void SetFrom(F&& f) noexcept;

 private:
  template <typename U>
  friend std::pair<Promise<U>, Future<U>> MakePromiseFuture();

  explicit Promise(internal::FutureState<T>* state) noexcept : state_(state) {}

  void Abandon() noexcept {
    if (state_ == nullptr) return;
    // Publishing a Status cannot throw.
    state_->Publish(Result<T>(internal::BrokenPromiseError()));
    std::exchange(state_, nullptr)->Unref();
  }

  internal::FutureState<T>* state_ = nullptr;  // nullptr once satisfied
  bool satisfied_ = false;
};

// MakePromiseFuture()
//
// A connected promise and future (one allocation).
template <typename T>
std::pair<Promise<T>, Future<T>> MakePromiseFuture() {
  auto* state = new internal::FutureState<T>();
  return {Promise<T>(state), Future<T>(state)};
}

// MakeReadyFuture()
//
// A future that already holds `result`.
template <typename T>
Future<T> MakeReadyFuture(Result<T> result) {
  return Future<T>(new internal::FutureState<T>(std::move(result)));
}

// --- Implementation details ------------------------------------------------

template <typename T>
template <typename F>
void Promise<T>::SetFrom(F&& f) noexcept {
  MOIRAI_INTERNAL_CHECK(state_ != nullptr,
                        "Promise::SetFrom() on an invalid or satisfied "
                        "promise: the result would be lost");
  using R = std::invoke_result_t<F&&>;
  absl::Status status;
  try {
    if constexpr (std::is_same_v<R, Result<T>>) {
      status = SetResult(std::invoke(std::forward<F>(f)));
    } else if constexpr (std::is_void_v<T>) {
      static_assert(std::is_void_v<R>,
                    "SetFrom on Promise<void> needs f returning void or "
                    "absl::Status");
      std::invoke(std::forward<F>(f));
      status = SetResult(absl::OkStatus());
    } else {
      static_assert(!std::is_void_v<R>,
                    "SetFrom on Promise<T> needs f returning a T");
      status = SetResult(Result<T>(std::invoke(std::forward<F>(f))));
    }
  } catch (...) {
    status = SetError(internal::ExceptionToStatus(std::current_exception()));
  }
  // The promise was valid and only this call set it, so that cannot fail.
  MOIRAI_INTERNAL_CHECK(status.ok(), "Promise::SetFrom() failed to set");
}

template <typename T>
template <typename F>
auto Future<T>::Then(F&& f) && {
  using Fn = std::decay_t<F>;
  using R = std::invoke_result_t<Fn&&, Result<T>&&>;
  using U = typename internal::ThenValue<R>::type;
  auto [promise, future] = MakePromiseFuture<U>();
  typename internal::FutureState<T>::Continuation continuation =
      [fn = Fn(std::forward<F>(f)),
       p = std::move(promise)](Result<T>&& result) mutable {
        if constexpr (internal::IsFuture<R>::value) {
          // Run f; if it throws, p gets the error. Otherwise chain p to the
          // returned future.
          std::optional<R> inner;
          try {
            inner.emplace(std::invoke(std::move(fn), std::move(result)));
          } catch (...) {
            (void)p.SetError(
                internal::ExceptionToStatus(std::current_exception()));
            return;
          }
          (void)std::move(*inner).Then(
              [p = std::move(p)](Result<U>&& r) mutable {
                (void)p.SetResult(std::move(r));
              });
        } else {
          p.SetFrom([&]() -> R {
            return std::invoke(std::move(fn), std::move(result));
          });
        }
      };
  if (state_ == nullptr) {
    std::move(continuation)(Result<T>(internal::InvalidFutureError()));
  } else {
    state_->SetContinuation(std::move(continuation));
    Release();
  }
  return std::move(future);
}

}  // namespace moirai::core

#endif  // MOIRAI_CORE_FUTURE_H_
