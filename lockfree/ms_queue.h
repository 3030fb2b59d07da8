// Copyright 2026 The Moirai Authors.
//
// lockfree/ms_queue.h
// -----------------------------------------------------------------------------
//
// `MsQueue<T>`: the Michael-Scott unbounded lock-free FIFO queue (Michael and
// Scott, "Simple, Fast, and Practical Non-Blocking and Blocking Concurrent
// Queue Algorithms", PODC 1996), with nodes reclaimed by an `EpochDomain`
// instead of the paper's counted pointers.
//
// It is the textbook reference design; `moirai::lockfree::Queue` (queue.h) is
// the faster segmented queue to use by default. MsQueue allocates one node per
// item and every operation CASes a shared pointer.
//
// Structure: a singly linked list with a dummy node at `head_`; items live in
// the nodes after it. Invariants: `head_` and `tail_` are never null; `tail_`
// is `head_` or a node reachable from it, at most one link behind the last
// node; a node's `next` goes from null to non-null exactly once.
//
// Progress: lock-free. Linearizable: Push takes effect at the CAS that links
// the node, a successful TryPop at the CAS on `head_`, an empty TryPop at its
// load of `head_->next` returning null.
//
// Memory ordering: everything a thread did before Push(x) happens-before
// everything the thread whose TryPop() returns x does after it (the linking
// CAS is a release, the popper's load of `next` an acquire).
//
// Element requirements: T must be nothrow move constructible and nothrow
// destructible (a static_assert says so): TryPop moves the item out after the
// CAS that dequeued it, where a throw would lose the item. Constructors that
// may throw are fine: the node is built privately before it is linked, and a
// throw frees it (strong guarantee).
//
// Atom: uses load, store, compare_exchange_weak/strong only.

#ifndef MOIRAI_LOCKFREE_MS_QUEUE_H_
#define MOIRAI_LOCKFREE_MS_QUEUE_H_

#include <atomic>
#include <optional>
#include <type_traits>
#include <utility>

#include "moirai/core/arch.h"
#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/internal/slot_storage.h"

namespace moirai::lockfree {

template <typename T, template <typename> class Atom = std::atomic>
class MsQueue {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "moirai::lockfree::MsQueue<T> requires a nothrow move "
                "constructor (TryPop moves the item out after dequeuing it)");
  static_assert(std::is_nothrow_destructible_v<T>,
                "moirai::lockfree::MsQueue<T> requires a nothrow destructor");

 public:
  // MsQueue::MsQueue()
  //
  // Dequeued nodes are reclaimed through `domain`, which must outlive the
  // queue.
  explicit MsQueue(EpochDomain* domain = &EpochDomain::Default())
      : domain_(domain) {
    Node* dummy = new Node;
    head_.store(dummy, std::memory_order_relaxed);
    tail_.store(dummy, std::memory_order_relaxed);
  }

  // MsQueue::~MsQueue()
  //
  // Destroys the items still queued. No concurrent use allowed.
  ~MsQueue() {
    Node* n = head_.load(std::memory_order_acquire);
    Node* next = n->next.load(std::memory_order_acquire);
    delete n;  // the dummy holds no item
    while (next != nullptr) {
      n = next;
      next = n->next.load(std::memory_order_acquire);
      n->value.Destroy();
      delete n;
    }
  }

  MsQueue(const MsQueue&) = delete;
  MsQueue& operator=(const MsQueue&) = delete;

  // MsQueue::Push()
  //
  // Appends an item. Allocates one node.
  void Push(const T& value) { Emplace(value); }
  void Push(T&& value) { Emplace(std::move(value)); }

  // MsQueue::Emplace()
  template <typename... Args>
  void Emplace(Args&&... args) {
    Node* node = new Node;
    if constexpr (std::is_nothrow_constructible_v<T, Args&&...>) {
      node->value.Construct(std::forward<Args>(args)...);
    } else {
      try {
        node->value.Construct(std::forward<Args>(args)...);
      } catch (...) {
        delete node;  // never linked
        throw;
      }
    }
    EpochDomain::Guard guard = domain_->Pin();  // we dereference tail nodes
    for (;;) {
      // Acquire: pairs with the release CASes that moved tail_, so the node
      // it points to is fully constructed.
      Node* tail = tail_.load(std::memory_order_acquire);
      Node* next = tail->next.load(std::memory_order_acquire);
      if (next == nullptr) {
        // Link. Release: publishes the node and its item to the consumer
        // that acquire-loads `next`.
        if (tail->next.compare_exchange_weak(next, node,
                                             std::memory_order_release,
                                             std::memory_order_relaxed)) {
          // Swing tail; failure means someone helped already.
          tail_.compare_exchange_strong(tail, node, std::memory_order_release,
                                        std::memory_order_relaxed);
          return;
        }
      } else {
        // Tail is lagging: help move it forward, then retry.
        tail_.compare_exchange_strong(tail, next, std::memory_order_release,
                                      std::memory_order_relaxed);
      }
    }
  }

  // MsQueue::TryPop()
  //
  // Removes the oldest item, or returns std::nullopt if the queue was empty.
  std::optional<T> TryPop() {
    EpochDomain::Guard guard = domain_->Pin();
    for (;;) {
      Node* head = head_.load(std::memory_order_acquire);
      // Acquire: pairs with the linking CAS in Emplace (item visible).
      Node* next = head->next.load(std::memory_order_acquire);
      if (next == nullptr) return std::nullopt;
      Node* tail = tail_.load(std::memory_order_acquire);
      if (head == tail) {
        // Keep tail_ from pointing at a node we are about to retire.
        tail_.compare_exchange_strong(tail, next, std::memory_order_release,
                                      std::memory_order_relaxed);
        continue;
      }
      // acq_rel on success: the release half passes on what our acquire of
      // `next` (the linking CAS in Emplace) made visible -- the node's
      // construction -- to the next popper, which reaches the node by
      // acquire-loading head_ and reads its `next`; head_ and `next` are
      // different atomics, so without it that popper's read races with the
      // node's initialisation (found by TSan in queue_linearizability_test).
      if (head_.compare_exchange_weak(head, next, std::memory_order_acq_rel,
                                      std::memory_order_relaxed)) {
        // `next` is the new dummy; only we touch its item (others can retire
        // the node, but it is not freed while we are pinned).
        std::optional<T> out(std::move(*next->value.get()));
        next->value.Destroy();
        domain_->Retire(guard, static_cast<void*>(head), &DeleteNode);
        return out;
      }
    }
  }

  // MsQueue::empty()
  //
  // A snapshot: true if the queue held no item at the moment of the check.
  bool empty() const {
    EpochDomain::Guard guard = domain_->Pin();
    return head_.load(std::memory_order_acquire)
               ->next.load(std::memory_order_acquire) == nullptr;
  }

 private:
  struct Node {
    Atom<Node*> next{nullptr};
    internal::SlotStorage<T> value;  // empty in the dummy
  };

  static void DeleteNode(void* p) { delete static_cast<Node*>(p); }

  alignas(core::kFalseSharingRange) Atom<Node*> head_{nullptr};
  alignas(core::kFalseSharingRange) Atom<Node*> tail_{nullptr};
  EpochDomain* const domain_;
};

}  // namespace moirai::lockfree

#endif  // MOIRAI_LOCKFREE_MS_QUEUE_H_
