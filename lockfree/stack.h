// Copyright 2026 The Moirai Authors.
//
// lockfree/stack.h
// -----------------------------------------------------------------------------
//
// `Stack<T>`: an unbounded lock-free LIFO stack (Treiber, "Systems Programming:
// Coping with Parallelism", IBM RJ 5118, 1986) for any movable T.
//
// ABA safety: a popper reads `head->next` and then CASes head from `head` to
// `next`. If `head` could be popped, freed and reallocated at the same address
// in between, the CAS would succeed with a stale `next` (ABA). Here poppers are
// pinned in an `EpochDomain` and popped nodes are retired into it, so a node
// cannot be freed, let alone reused, while any popper that saw it is pinned.
// Pushers never dereference shared nodes and need no pin.
//
// Allocation: one node per push, taken from a small per-thread cache of
// nodes whose grace period has ended (internal/node_cache.h) when possible.
//
// Progress: lock-free (a failed CAS means another operation succeeded).
// Linearizable: each operation takes effect at its successful CAS on `head_`.
//
// Memory ordering: everything a thread did before Push(x) (including
// constructing x) happens-before everything the thread whose TryPop() returns
// x does after it: the push CAS is a release, the pop's load of head an
// acquire.
//
// Element requirements: T must be nothrow move constructible and nothrow
// destructible (a static_assert says so): TryPop moves the item out of a node
// it has already unlinked, where a throw would lose the item. Constructors
// that may throw are fine: the item is built in a private node before it is
// published, and a throw returns the node to the cache (strong guarantee).
//
// Atom: any std::atomic-compatible template (see lockfree/queue.h); the
// stack uses load, compare_exchange_weak.
//
// Example:
//   moirai::lockfree::Stack<std::string> stack;
//   stack.Push("a");
//   std::optional<std::string> s = stack.TryPop();  // "a"

#ifndef MOIRAI_LOCKFREE_STACK_H_
#define MOIRAI_LOCKFREE_STACK_H_

#include <atomic>
#include <optional>
#include <type_traits>
#include <utility>

#include "moirai/core/arch.h"
#include "moirai/lockfree/epoch.h"
#include "moirai/lockfree/internal/node_cache.h"
#include "moirai/lockfree/internal/slot_storage.h"

namespace moirai::lockfree {

template <typename T, template <typename> class Atom = std::atomic>
class Stack {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "moirai::lockfree::Stack<T> requires a nothrow move "
                "constructor (TryPop moves the item out of an unlinked node)");
  static_assert(std::is_nothrow_destructible_v<T>,
                "moirai::lockfree::Stack<T> requires a nothrow destructor");

 public:
  // Stack::Stack()
  //
  // Popped nodes are reclaimed through `domain`, which must outlive the stack
  // (nodes retired into it are freed after the stack is gone, which is fine).
  explicit Stack(EpochDomain* domain = &EpochDomain::Default())
      : domain_(domain) {}

  // Stack::~Stack()
  //
  // Destroys the items still in the stack. No concurrent use allowed.
  ~Stack() {
    Node* n = head_.load(std::memory_order_acquire);
    while (n != nullptr) {
      Node* next = n->next;
      n->value.Destroy();
      delete n;
      n = next;
    }
  }

  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // Stack::Push()
  //
  // Pushes a copy of/moves `value` onto the stack. Allocates one node.
  void Push(const T& value) { Emplace(value); }
  void Push(T&& value) { Emplace(std::move(value)); }

  // Stack::Emplace()
  //
  // Constructs an item in place from `args` and pushes it.
  template <typename... Args>
  void Emplace(Args&&... args) {
    Node* node = internal::NodeCache<Node>::Get();
    if constexpr (std::is_nothrow_constructible_v<T, Args&&...>) {
      node->value.Construct(std::forward<Args>(args)...);
    } else {
      try {
        node->value.Construct(std::forward<Args>(args)...);
      } catch (...) {
        internal::NodeCache<Node>::Put(node);  // never published
        throw;
      }
    }
    Node* head = head_.load(std::memory_order_relaxed);
    do {
      node->next = head;
      // Release: the node's fields and the item are visible to the popper
      // that acquires head_. Relaxed on failure: we only retry.
    } while (!head_.compare_exchange_weak(head, node, std::memory_order_release,
                                          std::memory_order_relaxed));
  }

  // Stack::TryPop()
  //
  // Pops the most recently pushed item, or returns std::nullopt if the stack
  // was empty at the linearization point.
  std::optional<T> TryPop() {
    EpochDomain::Guard guard = domain_->Pin();
    // Acquire: pairs with the push CAS, so `head->next` and the item are
    // visible. The node stays allocated while we are pinned.
    Node* head = head_.load(std::memory_order_acquire);
    while (head != nullptr) {
      // `next` is immutable once the node is published.
      if (head_.compare_exchange_weak(head, head->next,
                                      std::memory_order_acquire,
                                      std::memory_order_acquire)) {
        std::optional<T> out(std::move(*head->value.get()));
        head->value.Destroy();
        domain_->Retire(guard, static_cast<void*>(head), &DeleteNode);
        return out;
      }
    }
    return std::nullopt;
  }

  // Stack::empty()
  //
  // A snapshot: true if the stack was empty at the moment of the load.
  bool empty() const {
    return head_.load(std::memory_order_acquire) == nullptr;
  }

 private:
  struct Node {
    internal::SlotStorage<T> value;
    Node* next = nullptr;  // written before publication, then immutable
  };

  // The EpochDomain deleter: the grace period is over, recycle the node on
  // this thread.
  static void DeleteNode(void* p) {
    internal::NodeCache<Node>::Put(static_cast<Node*>(p));
  }

  // The top of the stack; nullptr when empty.
  alignas(core::kFalseSharingRange) Atom<Node*> head_{nullptr};
  EpochDomain* const domain_;
};

}  // namespace moirai::lockfree

#endif  // MOIRAI_LOCKFREE_STACK_H_
