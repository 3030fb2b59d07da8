// Copyright 2026 The Moirai Authors.
//
// core/cancellation.h
// -----------------------------------------------------------------------------
//
// Cooperative cancellation, in the style of `std::stop_source` /
// `std::stop_token` / `std::stop_callback`, plus scoped (hierarchical)
// cancellation:
//
//   * `CancellationSource` requests cancellation. Copies share one state.
//   * `CancellationToken` observes it; cheap to copy (one pointer and a
//     reference count). A default-constructed token is never cancelled.
//   * `CancellationToken::OnCancel(cb)` registers a callback and returns a
//     `CancellationRegistration` that unregisters it when destroyed.
//   * `CancellationSource::ChildOf(token)` makes a source that is also
//     cancelled when `token` is: cancelling a parent cancels its whole subtree,
//     cancelling a child leaves the parent alone.
//
// Callback contract (the std::stop_callback contract):
//   * Each registered callback runs at most once, and exactly once if
//     cancellation is requested while it is registered.
//   * Registered before cancellation: it runs on the thread that calls
//     `RequestCancellation()`, inside that call, in registration order.
//   * Registered after cancellation: it runs immediately on the registering
//     thread, inside `OnCancel`.
//   * `CancellationRegistration::Unregister()` (and its destructor) guarantees
//     on return that the callback is not running and will never run, waiting
//     for it if it is running on another thread. A callback may unregister its
//     own registration (no wait happens then). Do not unregister while holding
//     a lock that the callback takes: that deadlocks, as with
//     std::stop_callback.
//   * Callbacks must not throw: `RequestCancellation()` is noexcept, so an
//     escaping exception calls std::terminate.
//
// Memory ordering: everything a thread did before a `RequestCancellation()`
// that returned true is visible to (happens before) any thread that then sees
// `IsCancellationRequested()` return true, and to every callback.
//
// Thread safety: all member functions of all four types may be called
// concurrently from any threads, except that one `CancellationRegistration`
// object (like any object) must not be moved or unregistered from two threads
// at once.

#ifndef MOIRAI_CORE_CANCELLATION_H_
#define MOIRAI_CORE_CANCELLATION_H_

#include <cstdint>
#include <utility>

#include "absl/functional/any_invocable.h"

namespace moirai::core {

namespace internal {
class CancellationState;
// Cancellation states allocated and not yet freed, in the whole process,
// including those a thread keeps cached for reuse (each thread caches a
// few and frees them when it exits). For tests.
std::int64_t LiveCancellationStatesForTesting() noexcept;
struct CancellationNode;
}  // namespace internal

class CancellationToken;

// CancellationRegistration
//
// Owns one callback registration (see the file comment). Move-only. An empty
// registration (default-constructed, moved-from, or returned when the
// callback ran immediately or can never run) owns nothing.
class CancellationRegistration {
 public:
  CancellationRegistration() noexcept = default;
  CancellationRegistration(CancellationRegistration&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)),
        node_(std::exchange(other.node_, nullptr)) {}
  // Unregisters the current registration first.
  CancellationRegistration& operator=(
      CancellationRegistration&& other) noexcept;
  CancellationRegistration(const CancellationRegistration&) = delete;
  CancellationRegistration& operator=(const CancellationRegistration&) = delete;
  ~CancellationRegistration() { Unregister(); }

  // CancellationRegistration::Unregister()
  //
  // After it returns, the callback is not running (unless this very call is
  // made from inside the callback) and will never run; a callback that never
  // ran is destroyed without running. Idempotent.
  void Unregister() noexcept;

  // CancellationRegistration::active()
  //
  // True while this object owns a registration (the callback may be pending,
  // running or done).
  bool active() const noexcept { return node_ != nullptr; }

 private:
  friend class CancellationToken;
  CancellationRegistration(internal::CancellationState* state,
                           internal::CancellationNode* node) noexcept
      : state_(state), node_(node) {}

  internal::CancellationState* state_ = nullptr;  // holds a reference
  internal::CancellationNode* node_ = nullptr;
};

// CancellationToken
//
// Observes one cancellation state. Default-constructed: never cancelled.
class CancellationToken {
 public:
  CancellationToken() noexcept = default;
  // The null checks are inline: default tokens (the common case on the
  // scheduler's hot path) cost no call.
  CancellationToken(const CancellationToken& other) noexcept
      : state_(other.state_) {
    if (state_ != nullptr) Ref(state_);
  }
  CancellationToken(CancellationToken&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)) {}
  CancellationToken& operator=(const CancellationToken& other) noexcept;
  CancellationToken& operator=(CancellationToken&& other) noexcept;
  ~CancellationToken() {
    if (state_ != nullptr) Unref(state_);
  }

  // CancellationToken::IsCancellationRequested()
  //
  // True once cancellation was requested on this token's source (or an
  // ancestor's). One acquire load.
  bool IsCancellationRequested() const noexcept;

  // CancellationToken::CanBeCancelled()
  //
  // False when cancellation can never be requested any more: a default
  // token, or a token whose sources (and all its ancestors' sources) were all
  // destroyed without cancelling. True if already cancelled.
  bool CanBeCancelled() const noexcept;

  // CancellationToken::OnCancel()
  //
  // Registers `cb` (see the file comment for when and where it runs). If the
  // token is already cancelled, runs `cb` before returning and returns an
  // empty registration. On a default token `cb` is destroyed unrun and the
  // registration is empty. Allocates one node otherwise.
  [[nodiscard]] CancellationRegistration OnCancel(
      absl::AnyInvocable<void() &&> cb) const;

  friend bool operator==(const CancellationToken& a,
                         const CancellationToken& b) noexcept {
    return a.state_ == b.state_;
  }

 private:
  friend class CancellationSource;
  explicit CancellationToken(internal::CancellationState* state) noexcept
      : state_(state) {}  // adopts a reference

  // Out of line: internal::CancellationState is incomplete here.
  static void Ref(internal::CancellationState* state) noexcept;
  static void Unref(internal::CancellationState* state) noexcept;

  internal::CancellationState* state_ = nullptr;  // holds a reference
};

// CancellationSource
//
// Requests cancellation. Copies share the state; the state lives as long as
// any source, token or registration refers to it.
class CancellationSource {
 public:
  // CancellationSource::CancellationSource()
  //
  // A new, uncancelled state (one allocation).
  CancellationSource();
  CancellationSource(const CancellationSource& other) noexcept;
  CancellationSource(CancellationSource&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)) {}
  CancellationSource& operator=(const CancellationSource& other) noexcept;
  CancellationSource& operator=(CancellationSource&& other) noexcept;
  ~CancellationSource();

  // CancellationSource::ChildOf()
  //
  // A new source whose state is also cancelled when `parent` is (at once, if
  // `parent` already is). Cancelling the child does not affect the parent. A
  // default `parent` gives an ordinary source.
  static CancellationSource ChildOf(const CancellationToken& parent);

  // CancellationSource::token()
  //
  // A token observing this source. On a moved-from source: a default token.
  CancellationToken token() const noexcept;

  // CancellationSource::RequestCancellation()
  //
  // Marks the state cancelled and runs the registered callbacks on this
  // thread, then returns true. Returns false, doing nothing, if cancellation
  // was already requested (by anyone) or this source was moved from. When it
  // returns true every callback registered before the call has finished; when
  // it returns false, the callbacks may still be running on the thread that
  // cancelled.
  bool RequestCancellation() noexcept;

  // CancellationSource::IsCancellationRequested()
  bool IsCancellationRequested() const noexcept;

 private:
  explicit CancellationSource(internal::CancellationState* state) noexcept
      : state_(state) {}

  internal::CancellationState* state_ = nullptr;  // holds a source reference
};

}  // namespace moirai::core

#endif  // MOIRAI_CORE_CANCELLATION_H_
