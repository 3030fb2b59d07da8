// Copyright 2026 The Moirai Authors.

#include "moirai/core/cancellation.h"

#include <atomic>
#include <cstdint>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "moirai/core/internal/annotated_mutex.h"

namespace moirai::core {
namespace internal {

// One registered callback. Owned by its CancellationRegistration; linked into
// its state's list while pending.
struct CancellationNode {
  explicit CancellationNode(absl::AnyInvocable<void() &&> cb)
      : callback(std::move(cb)) {}

  // Moved out (under the state's mutex) by the thread that runs it.
  absl::AnyInvocable<void() &&> callback;
  // List links, and whether the node is in the list. All guarded by the
  // owning state's mu_ (not expressible as an annotation on this struct).
  CancellationNode* prev = nullptr;
  CancellationNode* next = nullptr;
  bool linked = false;
};

// The shared state behind sources, tokens and registrations.
//
// Invariants (under mu_):
//   * The list head_..tail_ holds exactly the nodes with `linked`; it is empty
//     once cancelled_ is true and Cancel() has drained it.
//   * running_ is the node whose callback Cancel() is running (moved out of
//     the node), or nullptr; running_thread_ is the thread running it.
//   * cancelled_ only goes false -> true, under mu_.
//
// Lifetime: counts_ holds two counts in one word, so that a source's
// arrival or departure is one atomic update, not two:
//   * the low 32 bits count references: sources, tokens, registrations and
//     in-flight Cancel() calls;
//   * the high 32 bits count sources only (for CanBeCancelled()).
// Invariant: sources <= references (every source holds a reference), so the
// references reach zero only with the sources, and the word is then 0. The
// state is recycled (StateCache below) at that point.
class CancellationState {
 public:
  static constexpr std::uint64_t kRef = 1;
  static constexpr std::uint64_t kSource = std::uint64_t{1} << 32;
  static constexpr std::uint64_t kRefMask = kSource - 1;

  CancellationState() = default;
  CancellationState(const CancellationState&) = delete;
  CancellationState& operator=(const CancellationState&) = delete;
  ~CancellationState() = default;

  // New(): a fresh state holding one source (the caller's); Recycle(): its
  // end, when the last reference is gone. Both defined after StateCache.
  static CancellationState* NewWithSource();
  static void Recycle(CancellationState* state) noexcept;
  static void Delete(CancellationState* state) noexcept;

  void Ref() noexcept {
    // Relaxed: taking a new reference requires already holding one, which
    // keeps the state alive; nothing is published by the increment.
    counts_.fetch_add(kRef, std::memory_order_relaxed);
  }

  // Takes a reference unless the count already reached zero (the state is
  // being recycled). Used only by the parent link callback.
  bool TryRef() noexcept {
    std::uint64_t n = counts_.load(std::memory_order_relaxed);
    while ((n & kRefMask) != 0) {
      // Relaxed for the same reason as Ref(); the CAS makes 0 sticky.
      if (counts_.compare_exchange_weak(n, n + kRef,
                                        std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  void Unref() noexcept { Release(kRef); }

  void AddSource() noexcept {
    // Relaxed, as Ref(); the source count is only a hint for
    // CanBeCancelled().
    counts_.fetch_add(kSource + kRef, std::memory_order_relaxed);
  }
  void RemoveSource() noexcept { Release(kSource + kRef); }

  bool IsCancelled() const noexcept {
    // Acquire pairs with the release store in Cancel(): what the cancelling
    // thread did before cancelling is visible to whoever sees true.
    return cancelled_.load(std::memory_order_acquire);
  }

  bool CanBeCancelled() const noexcept {
    return IsCancelled() ||
           counts_.load(std::memory_order_relaxed) >= kSource ||
           parent_.CanBeCancelled();
  }

  // Links this (fresh, unshared) state under `parent`.
  void LinkToParent(const CancellationToken& parent) {
    parent_ = parent;
    CancellationState* self = this;
    parent_link_ = parent.OnCancel([self] {
      if (!self->TryRef()) return;  // Being destroyed: nobody can observe it.
      self->Cancel();
      self->Unref();
    });
  }

  // Precondition: the caller holds a reference for the whole call.
  bool Cancel() noexcept {
    mu_.Lock();
    if (cancelled_.load(std::memory_order_relaxed)) {
      mu_.Unlock();
      return false;
    }
    // Release pairs with the acquire in IsCancelled().
    cancelled_.store(true, std::memory_order_release);
    running_thread_ = std::this_thread::get_id();
    while (head_ != nullptr) {
      CancellationNode* node = head_;
      Unlink(node);
      // Moved out so that the callback may destroy its own registration (and
      // with it the node) while it runs.
      absl::AnyInvocable<void()&&> cb = std::move(node->callback);
      running_ = node;
      mu_.Unlock();
      std::move(cb)();
      cb = nullptr;  // Destroy captures before reporting completion.
      mu_.Lock();
      // `node` may be freed by now; only its address is compared from here.
      running_ = nullptr;
      callback_done_.SignalAll();
    }
    mu_.Unlock();
    return true;
  }

  // Returns the node to own, or nullptr if `cb` ran (or was dropped) here.
  CancellationNode* Register(absl::AnyInvocable<void() &&>& cb) {
    if (IsCancelled()) {
      std::move(cb)();
      return nullptr;
    }
    auto* node = new CancellationNode(std::move(cb));
    mu_.Lock();
    if (cancelled_.load(std::memory_order_relaxed)) {
      // Cancelled between the check and the lock: mu_ ordered us after
      // Cancel()'s store, so its effects are visible; run it here.
      mu_.Unlock();
      absl::AnyInvocable<void()&&> run = std::move(node->callback);
      delete node;
      std::move(run)();
      return nullptr;
    }
    node->prev = tail_;
    node->linked = true;
    if (tail_ != nullptr) {
      tail_->next = node;
    } else {
      head_ = node;
    }
    tail_ = node;
    mu_.Unlock();
    return node;
  }

  // Unregisters and deletes `node`.
  void Deregister(CancellationNode* node) noexcept {
    {
      AnnotatedMutexLock lock(&mu_);
      if (node->linked) {
        Unlink(node);
      } else if (running_ == node &&
                 running_thread_ != std::this_thread::get_id()) {
        // Its callback is running on another thread: wait for it to finish
        // (the std::stop_callback guarantee).
        while (running_ == node) callback_done_.Wait(&mu_);
      }
    }
    delete node;
  }

 private:
  // Drops `delta` (a reference, or a source and its reference).
  void Release(std::uint64_t delta) noexcept {
    // acq_rel: the release orders this owner's uses of the state before the
    // decrement; the acquire on the final decrement makes every other
    // owner's uses happen before the state is reset and reused.
    if (counts_.fetch_sub(delta, std::memory_order_acq_rel) == delta) {
      Recycle(this);
    }
  }

  // Returns a state whose references all ended to the fresh state.
  void Reset() noexcept {
    // Must come first. The parent link's callback may be running on the
    // parent's cancelling thread. If its TryRef() had succeeded, the count
    // could not be zero now, unless that callback dropped the last reference
    // itself (then we run on that thread and Unregister does not wait).
    // Otherwise it found zero and is returning; Unregister waits for it, so
    // no callback touches `this` once it is reused.
    parent_link_.Unregister();
    parent_ = CancellationToken();
    // Relaxed: nobody else references the state; whoever takes it next
    // publishes it (to other threads) the way any fresh state is published.
    cancelled_.store(false, std::memory_order_relaxed);
    // running_thread_ keeps a stale id: it is read only while running_ is
    // set, and Cancel() sets both together.
  }

  void Unlink(CancellationNode* node) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (node->prev != nullptr) {
      node->prev->next = node->next;
    } else {
      head_ = node->next;
    }
    if (node->next != nullptr) {
      node->next->prev = node->prev;
    } else {
      tail_ = node->prev;
    }
    node->prev = node->next = nullptr;
    node->linked = false;
  }

  std::atomic<std::uint64_t> counts_{0};
  std::atomic<bool> cancelled_{false};

  AnnotatedMutex mu_;
  AnnotatedCondVar callback_done_;  // signalled when running_ is cleared
  CancellationNode* head_ ABSL_GUARDED_BY(mu_) = nullptr;
  CancellationNode* tail_ ABSL_GUARDED_BY(mu_) = nullptr;
  CancellationNode* running_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread::id running_thread_ ABSL_GUARDED_BY(mu_);

  // Set once by LinkToParent() before the state is shared; then read-only.
  CancellationToken parent_;
  CancellationRegistration parent_link_;
};

// A per-thread cache of states whose references all ended, so that a
// fiber or task that makes a source per run (async's fibers do) reuses one
// instead of a heap allocation and a mutex and condition variable built and
// torn down. Bounded (kCapacity per thread); freed when the thread exits. A
// state released after that (by a later thread-local destructor) is deleted.
// Off under AddressSanitizer, so that a use after the last release is still
// reported as a use after free.
class StateCache {
 public:
#if defined(__SANITIZE_ADDRESS__)
  static constexpr int kCapacity = 0;
#else
  static constexpr int kCapacity = 32;
#endif

  CancellationState* Pop() noexcept {
    return count_ > 0 ? items_[--count_] : nullptr;
  }
  // False when the cache is full or gone: the caller deletes `state`.
  bool Push(CancellationState* state) noexcept;
  void Drain() noexcept {
    while (count_ > 0) CancellationState::Delete(items_[--count_]);
    dead_ = true;
  }

 private:
  CancellationState* items_[kCapacity > 0 ? kCapacity : 1] = {};
  int count_ = 0;
  bool registered_ = false;  // the Reaper below is armed
  bool dead_ = false;        // the thread is exiting: cache nothing more
};

// States allocated and not yet deleted, cached ones included (process-wide;
// a statistic only).
std::atomic<std::int64_t> live_states{0};

void CancellationState::Delete(CancellationState* state) noexcept {
  delete state;
  // Relaxed: a statistic.
  live_states.fetch_sub(1, std::memory_order_relaxed);
}

// Trivially destructible, so that it stays usable (as "dead") while other
// thread-locals are destroyed after the Reaper ran.
constinit thread_local StateCache tls_state_cache;

struct StateCacheReaper {
  ~StateCacheReaper() { tls_state_cache.Drain(); }
};
thread_local StateCacheReaper tls_state_cache_reaper;

bool StateCache::Push(CancellationState* state) noexcept {
  if (dead_ || count_ >= kCapacity) return false;
  if (!registered_) {
    // The first use constructs the reaper, which registers its destructor
    // for this thread's exit.
    // (The asm keeps the odr-use, and with it the registration.)
    StateCacheReaper* reaper = &tls_state_cache_reaper;
    asm volatile("" : : "r"(reaper));
    registered_ = true;
  }
  items_[count_++] = state;
  return true;
}

CancellationState* CancellationState::NewWithSource() {
  CancellationState* state = tls_state_cache.Pop();
  if (state == nullptr) {
    state = new CancellationState();
    // Relaxed: a statistic for tests (LiveCancellationStatesForTesting).
    live_states.fetch_add(1, std::memory_order_relaxed);
  }
  // Relaxed: the state is not shared yet (see Reset()).
  state->counts_.store(kSource + kRef, std::memory_order_relaxed);
  return state;
}

void CancellationState::Recycle(CancellationState* state) noexcept {
  state->Reset();
  if (!tls_state_cache.Push(state)) Delete(state);
}

std::int64_t LiveCancellationStatesForTesting() noexcept {
  return live_states.load(std::memory_order_relaxed);
}

}  // namespace internal

using internal::CancellationState;

// --- CancellationRegistration ----------------------------------------------

CancellationRegistration& CancellationRegistration::operator=(
    CancellationRegistration&& other) noexcept {
  if (this != &other) {
    Unregister();
    state_ = std::exchange(other.state_, nullptr);
    node_ = std::exchange(other.node_, nullptr);
  }
  return *this;
}

void CancellationRegistration::Unregister() noexcept {
  if (node_ == nullptr) return;
  state_->Deregister(node_);
  node_ = nullptr;
  std::exchange(state_, nullptr)->Unref();
}

// --- CancellationToken -----------------------------------------------------

void CancellationToken::Ref(internal::CancellationState* state) noexcept {
  state->Ref();
}

void CancellationToken::Unref(internal::CancellationState* state) noexcept {
  state->Unref();
}

CancellationToken& CancellationToken::operator=(
    const CancellationToken& other) noexcept {
  if (other.state_ != nullptr) other.state_->Ref();
  if (state_ != nullptr) state_->Unref();
  state_ = other.state_;
  return *this;
}

CancellationToken& CancellationToken::operator=(
    CancellationToken&& other) noexcept {
  if (this != &other) {
    if (state_ != nullptr) state_->Unref();
    state_ = std::exchange(other.state_, nullptr);
  }
  return *this;
}

bool CancellationToken::IsCancellationRequested() const noexcept {
  return state_ != nullptr && state_->IsCancelled();
}

bool CancellationToken::CanBeCancelled() const noexcept {
  return state_ != nullptr && state_->CanBeCancelled();
}

CancellationRegistration CancellationToken::OnCancel(
    absl::AnyInvocable<void() &&> cb) const {
  if (state_ == nullptr || !cb) return CancellationRegistration();
  internal::CancellationNode* node = state_->Register(cb);
  if (node == nullptr) return CancellationRegistration();
  state_->Ref();
  return CancellationRegistration(state_, node);
}

// --- CancellationSource ----------------------------------------------------

CancellationSource::CancellationSource()
    : state_(CancellationState::NewWithSource()) {}

CancellationSource::CancellationSource(const CancellationSource& other) noexcept
    : state_(other.state_) {
  if (state_ != nullptr) state_->AddSource();
}

CancellationSource& CancellationSource::operator=(
    const CancellationSource& other) noexcept {
  if (other.state_ != nullptr) other.state_->AddSource();
  if (state_ != nullptr) state_->RemoveSource();
  state_ = other.state_;
  return *this;
}

CancellationSource& CancellationSource::operator=(
    CancellationSource&& other) noexcept {
  if (this != &other) {
    if (state_ != nullptr) state_->RemoveSource();
    state_ = std::exchange(other.state_, nullptr);
  }
  return *this;
}

CancellationSource::~CancellationSource() {
  if (state_ != nullptr) state_->RemoveSource();
}

CancellationSource CancellationSource::ChildOf(
    const CancellationToken& parent) {
  CancellationSource child;
  if (parent.state_ != nullptr) child.state_->LinkToParent(parent);
  return child;
}

CancellationToken CancellationSource::token() const noexcept {
  if (state_ == nullptr) return CancellationToken();
  state_->Ref();
  return CancellationToken(state_);
}

bool CancellationSource::RequestCancellation() noexcept {
  if (state_ == nullptr) return false;
  // Hold a reference of our own: a callback may destroy this source.
  CancellationState* state = state_;
  state->Ref();
  const bool cancelled = state->Cancel();
  state->Unref();
  return cancelled;
}

bool CancellationSource::IsCancellationRequested() const noexcept {
  return state_ != nullptr && state_->IsCancelled();
}

}  // namespace moirai::core
