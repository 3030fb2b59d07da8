// Copyright 2026 The Moirai Authors.
//
// async/internal/wait_list.h
// -----------------------------------------------------------------------------
//
// `WaitList<Node>`: an intrusive FIFO of wait nodes that live on the stacks of
// blocked fibers. Every operation runs under the owning primitive's lock.
// Node must have `Node* prev`, `Node* next`, `bool queued`.

#ifndef MOIRAI_ASYNC_INTERNAL_WAIT_LIST_H_
#define MOIRAI_ASYNC_INTERNAL_WAIT_LIST_H_

#include "moirai/async/internal/waiter.h"

namespace moirai::async::internal {

// The node the non-channel primitives (Mutex, CondVar) queue.
struct WaitNode {
  Waiter* waiter = nullptr;
  int tag = kTagDone;
  WaitNode* prev = nullptr;
  WaitNode* next = nullptr;
  bool queued = false;
};

template <typename Node>
class WaitList {
 public:
  bool empty() const noexcept { return head_ == nullptr; }
  Node* front() const noexcept { return head_; }

  void PushBack(Node* n) noexcept {
    n->next = nullptr;
    n->prev = tail_;
    if (tail_ != nullptr) {
      tail_->next = n;
    } else {
      head_ = n;
    }
    tail_ = n;
    n->queued = true;
  }

  // WaitList::Erase()
  //
  // Unlinks `n` if it is queued here; a no-op otherwise.
  void Erase(Node* n) noexcept {
    if (!n->queued) return;
    if (n->prev != nullptr) {
      n->prev->next = n->next;
    } else {
      head_ = n->next;
    }
    if (n->next != nullptr) {
      n->next->prev = n->prev;
    } else {
      tail_ = n->prev;
    }
    n->prev = n->next = nullptr;
    n->queued = false;
  }

  // WaitList::PopClaimed()
  //
  // Unlinks nodes from the front until one whose Waiter it can claim (with
  // the node's tag); returns that node, or nullptr when none is left. Nodes
  // whose Waiter another source already claimed are dropped: their owners
  // are being woken by that source and find them unqueued.
  Node* PopClaimed() noexcept {
    while (Node* n = head_) {
      Erase(n);
      if (n->waiter->TryClaim(n->tag)) return n;
    }
    return nullptr;
  }

 private:
  Node* head_ = nullptr;
  Node* tail_ = nullptr;
};

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_WAIT_LIST_H_
