// Copyright 2026 The Moirai Authors.
//
// async/channel.h
// -----------------------------------------------------------------------------
//
// `Channel<T>`: a multi-producer multi-consumer FIFO between fibers (and
// threads). Bounded (Send waits while `capacity` items are buffered),
// unbounded (`Channel<T>::kUnbounded`), or a rendezvous channel (capacity 0:
// Send waits for a receiver to take the item).
//
//   async::Channel<int> ch(16);
//   rt->Spawn([&] { for (int i = 0; i < 100; ++i) ch.Send(i).IgnoreError();
//   ch.Close(); }); while (true) { absl::StatusOr<int> v = ch.Recv(); if
//   (!v.ok()) break; ... }
//
// Close(): later Sends fail with kFailedPrecondition; senders blocked at the
// time fail the same way (their items are not delivered, and they are told
// so); receivers first drain what is buffered and then get kOutOfRange
// ("channel closed").
//
// Blocking calls honour the fiber's cancellation (kCancelled) and TaskContext
// deadline (kDeadlineExceeded, see Timeout()); an item whose Send failed was
// not delivered. Items are handed directly from a sender to a waiting
// receiver when one waits.
//
// Ordering: each item is delivered once; items from one sender arrive in
// the order sent. Everything a sender wrote before Send() is visible to the
// receiver after its Recv() returns that item.

#ifndef MOIRAI_ASYNC_CHANNEL_H_
#define MOIRAI_ASYNC_CHANNEL_H_

#include <cstddef>
#include <deque>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "moirai/async/internal/lock.h"
#include "moirai/async/internal/select_case.h"
#include "moirai/async/internal/wait.h"
#include "moirai/async/internal/wait_list.h"
#include "moirai/async/internal/waiter.h"

namespace moirai::async {

template <typename T>
class Channel {
  struct Node;

 public:
  static constexpr std::size_t kUnbounded =
      std::numeric_limits<std::size_t>::max();

  // Channel::Channel()
  //
  // `capacity` buffered items (0 = rendezvous, kUnbounded = no limit).
  explicit Channel(std::size_t capacity) : capacity_(capacity) {}
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  // No fiber may be blocked on the channel when it is destroyed.
  ~Channel() = default;

  // Channel::Send()
  //
  // Delivers `item`, waiting while the channel is full. kFailedPrecondition
  // if the channel is (or becomes) closed; kCancelled/kDeadlineExceeded from
  // the current task. The item is not delivered when an error is returned.
  [[nodiscard]] absl::Status Send(T item) {
    SendOperation c(this, std::move(item));
    internal::Waiter w;
    if (TrySendOrRegister(&c, &w, 0, /*exclusive=*/true) ==
        Outcome::kCompleted) {
      return c.status();
    }
    return WaitRegistered(&c, &w, "Channel::Send", [&] { return c.status(); });
  }

  // Channel::Recv()
  //
  // Takes the oldest item, waiting while the channel is empty and open.
  // kOutOfRange once the channel is closed and drained; kCancelled/
  // kDeadlineExceeded from the current task.
  [[nodiscard]] absl::StatusOr<T> Recv() {
    // Always overwritten before it is returned. A message-less status, so
    // that no StatusRep is allocated per call.
    absl::StatusOr<T> out{absl::Status(absl::StatusCode::kUnknown, "")};
    RecvOperation c(this, &out);
    internal::Waiter w;
    if (TryRecvOrRegister(&c, &w, 0, /*exclusive=*/true) ==
        Outcome::kCompleted) {
      return out;
    }
    absl::Status s = WaitRegistered(&c, &w, "Channel::Recv",
                                    [] { return absl::OkStatus(); });
    if (!s.ok()) return s;
    return out;
  }

  // Channel::TrySend()
  //
  // Never waits: kUnavailable when full (the item is handed back in
  // `*rejected` if non-null), kFailedPrecondition when closed.
  [[nodiscard]] absl::Status TrySend(T item,
                                     std::optional<T>* rejected = nullptr) {
    SendOperation c(this, std::move(item));
    if (c.TryOrRegister(nullptr, 0) ==
        internal::SelectCase::Outcome::kCompleted) {
      if (!c.status().ok() && rejected != nullptr) *rejected = c.TakeValue();
      return c.status();
    }
    if (rejected != nullptr) *rejected = c.TakeValue();
    return absl::UnavailableError("channel full");
  }

  // Channel::TryRecv()
  //
  // Never waits: kUnavailable when empty and open, kOutOfRange when closed
  // and drained.
  [[nodiscard]] absl::StatusOr<T> TryRecv() {
    absl::StatusOr<T> out = absl::UnavailableError("channel empty");
    RecvOperation c(this, &out);
    c.TryOrRegister(nullptr, 0);
    return out;
  }

  // Channel::Close()
  //
  // Closes the channel (idempotent); see the file comment.
  void Close() {
    std::vector<internal::Waiter*> to_wake;
    {
      internal::SpinLock guard(&lock_);
      closed_ = true;
      // Buffered items stay for receivers to drain; blocked receivers can
      // only exist while the buffer is empty.
      while (Node* n = receivers_.PopClaimed()) {
        *n->recv_out = absl::OutOfRangeError("channel closed");
        to_wake.push_back(n->waiter);
      }
      while (Node* n = senders_.PopClaimed()) {
        n->send_status = absl::FailedPreconditionError("channel closed");
        to_wake.push_back(n->waiter);
      }
    }
    for (internal::Waiter* w : to_wake) w->Wake();
  }

  // Channel::closed()
  bool closed() const {
    internal::SpinLock guard(&lock_);
    return closed_;
  }

  // Channel::size()
  //
  // Buffered items now.
  std::size_t size() const {
    internal::SpinLock guard(&lock_);
    return buffer_.size();
  }

  std::size_t capacity() const noexcept { return capacity_; }

  // SendOperation: a Select() case that sends one item. If not chosen, the item
  // stays in the case (TakeValue()).
  class SendOperation final : public internal::SelectCase {
   public:
    SendOperation(SendOperation&&) = default;
    Outcome TryOrRegister(internal::Waiter* w, int tag) override {
      return ch_->TrySendOrRegister(this, w, tag);
    }
    void Unregister() override { ch_->Unregister(&node_, /*sender=*/true); }
    // The result once chosen: OK, or kFailedPrecondition (closed).
    const absl::Status& status() const { return node_.send_status; }
    std::optional<T> TakeValue() { return std::move(node_.send_value); }

   private:
    friend class Channel;
    SendOperation(Channel* ch, T item) : ch_(ch) {
      node_.send_value.emplace(std::move(item));
    }
    Channel* ch_;
    Node node_;
  };

  // RecvOperation: a Select() case that receives one item into `*out` (or the
  // closed-channel error).
  class RecvOperation final : public internal::SelectCase {
   public:
    RecvOperation(RecvOperation&&) = default;
    Outcome TryOrRegister(internal::Waiter* w, int tag) override {
      return ch_->TryRecvOrRegister(this, w, tag);
    }
    void Unregister() override { ch_->Unregister(&node_, /*sender=*/false); }

   private:
    friend class Channel;
    RecvOperation(Channel* ch, absl::StatusOr<T>* out) : ch_(ch) {
      node_.recv_out = out;
    }
    Channel* ch_;
    Node node_;
  };

  // Channel::SendCase() / RecvCase()
  //
  // Cases for Select().
  SendOperation SendCase(T item) {
    return SendOperation(this, std::move(item));
  }
  RecvOperation RecvCase(absl::StatusOr<T>* out) {
    return RecvOperation(this, out);
  }

 private:
  // A blocked sender or receiver, on its owner's stack.
  struct Node {
    internal::Waiter* waiter = nullptr;
    int tag = 0;
    Node* prev = nullptr;
    Node* next = nullptr;
    bool queued = false;
    std::optional<T> send_value;            // senders: the item
    absl::Status send_status;               // senders: the outcome
    absl::StatusOr<T>* recv_out = nullptr;  // receivers: the destination
  };
  using Outcome = internal::SelectCase::Outcome;

  // Send()/Recv()'s wait: `c` is registered with `w` (tag 0) and nowhere
  // else. Returns the case's status or the shared cancellation/deadline
  // error.
  template <typename OnDone>
  absl::Status WaitRegistered(internal::SelectCase* c, internal::Waiter* w,
                              absl::string_view what, OnDone on_done) {
    const int tag = internal::BlockOn(w);
    // Claimed with tag 0 only by PopClaimed(), which unlinked the node first:
    // nothing to unregister. Otherwise (cancelled, deadline) it may still be
    // queued.
    if (tag == 0) return on_done();
    c->Unregister();
    return internal::StatusForTag(tag, what);
  }

  // TrySendOrRegister() / TryRecvOrRegister()
  //
  // SelectCase::TryOrRegister() for one case. `exclusive`: `w` is registered
  // nowhere else (a plain Send/Recv), so completing at once needs no claim,
  // and the operation either completes or registers (never kLostClaim or
  // kRetry).
  Outcome TrySendOrRegister(SendOperation* c, internal::Waiter* w, int tag,
                            bool exclusive = false) {
    Node* receiver = nullptr;
    {
      internal::SpinLock guard(&lock_);
      const bool can_complete =
          closed_ || !receivers_.empty() || buffer_.size() < capacity_;
      if (!can_complete) {
        if (w != nullptr) Enqueue(&senders_, &c->node_, w, tag);
        return Outcome::kRegistered;
      }
      if (w != nullptr && !exclusive && !w->TryClaim(tag)) {
        return Outcome::kLostClaim;
      }
      if (closed_) {
        c->node_.send_status = absl::FailedPreconditionError("channel closed");
        return Outcome::kCompleted;
      }
      receiver = receivers_.PopClaimed();
      if (receiver != nullptr) {
        *receiver->recv_out = std::move(*c->node_.send_value);
      } else if (buffer_.size() < capacity_) {
        buffer_.push_back(std::move(*c->node_.send_value));
      } else {
        // Every queued receiver had been claimed elsewhere (stale nodes,
        // now dropped) and the buffer is full. Without a Waiter: simply
        // not ready. With an exclusive one (unclaimed): register it. With
        // another: we claimed it for nothing; retry afresh.
        if (w == nullptr) return Outcome::kRegistered;
        if (!exclusive) return Outcome::kRetry;
        Enqueue(&senders_, &c->node_, w, tag);
        return Outcome::kRegistered;
      }
      c->node_.send_value.reset();
      c->node_.send_status = absl::OkStatus();
    }
    if (receiver != nullptr) receiver->waiter->Wake();
    return Outcome::kCompleted;
  }

  Outcome TryRecvOrRegister(RecvOperation* c, internal::Waiter* w, int tag,
                            bool exclusive = false) {
    Node* sender = nullptr;
    {
      internal::SpinLock guard(&lock_);
      const bool can_complete =
          closed_ || !buffer_.empty() || !senders_.empty();
      if (!can_complete) {
        if (w != nullptr) Enqueue(&receivers_, &c->node_, w, tag);
        return Outcome::kRegistered;
      }
      if (w != nullptr && !exclusive && !w->TryClaim(tag)) {
        return Outcome::kLostClaim;
      }
      if (!buffer_.empty()) {
        *c->node_.recv_out = std::move(buffer_.front());
        buffer_.pop_front();
        // Room now: move one blocked sender's item into the buffer.
        sender = senders_.PopClaimed();
        if (sender != nullptr) {
          buffer_.push_back(std::move(*sender->send_value));
          sender->send_value.reset();
          sender->send_status = absl::OkStatus();
        }
      } else if ((sender = senders_.PopClaimed()) != nullptr) {
        // Rendezvous (or capacity reached 0 items): take it directly.
        *c->node_.recv_out = std::move(*sender->send_value);
        sender->send_value.reset();
        sender->send_status = absl::OkStatus();
      } else if (closed_) {
        *c->node_.recv_out = absl::OutOfRangeError("channel closed");
      } else {
        // All queued senders were claimed elsewhere; see TrySendOrRegister.
        if (w == nullptr) return Outcome::kRegistered;
        if (!exclusive) return Outcome::kRetry;
        Enqueue(&receivers_, &c->node_, w, tag);
        return Outcome::kRegistered;
      }
    }
    if (sender != nullptr) sender->waiter->Wake();
    return Outcome::kCompleted;
  }

  void Enqueue(internal::WaitList<Node>* list, Node* n, internal::Waiter* w,
               int tag) ABSL_EXCLUSIVE_LOCKS_REQUIRED(lock_) {
    n->waiter = w;
    n->tag = tag;
    list->PushBack(n);
  }

  void Unregister(Node* n, bool sender) {
    internal::SpinLock guard(&lock_);
    (sender ? senders_ : receivers_).Erase(n);
  }

  const std::size_t capacity_;
  mutable internal::SpinMutex lock_;
  bool closed_ ABSL_GUARDED_BY(lock_) = false;
  std::deque<T> buffer_ ABSL_GUARDED_BY(lock_);
  // Invariant: receivers_ is non-empty only while buffer_ is empty and the
  // channel is open; senders_ only while the buffer is full (or capacity 0)
  // and the channel is open.
  internal::WaitList<Node> senders_ ABSL_GUARDED_BY(lock_);
  internal::WaitList<Node> receivers_ ABSL_GUARDED_BY(lock_);
};

}  // namespace moirai::async

#endif  // MOIRAI_ASYNC_CHANNEL_H_
