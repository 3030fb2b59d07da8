// Copyright 2026 The Moirai Authors.
//
// distributed/membership.h
// -----------------------------------------------------------------------------
//
// This header defines `Membership`, the view of which nodes are in the
// cluster, and two implementations without any I/O:
//
//   * `StaticMembership`: a fixed list (fixed clusters, MPI ranks); nothing
//     ever changes, but load reports may be updated.
//   * `InMemoryMembership`: nodes join, leave and update at run time (the
//     embedded cluster, and tests standing in for etcd).
//
// Watch callbacks: `Watch(cb)` returns a `WatchHandle`; `cb` runs once per
// event, in event order, on the thread that made the change, after the
// change is visible through `Members()`. Callbacks are serialised (never two
// at once). Destroying the handle (or `Cancel()`) guarantees on return that
// the callback is not running and never runs again -- except when called from
// inside that callback, which is allowed and returns at once. A callback may
// read `Members()` but must not Join/Leave/Update the same membership.

#ifndef MOIRAI_DISTRIBUTED_MEMBERSHIP_H_
#define MOIRAI_DISTRIBUTED_MEMBERSHIP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "moirai/distributed/node_info.h"
#include "moirai/sync/mutex.h"

namespace moirai::distributed {

struct MemberEvent {
  enum class Kind { kJoined, kLeft, kUpdated };
  Kind kind;
  NodeInfo node;
};

using WatchCallback = std::function<void(const MemberEvent&)>;

class WatchHandle;

class Membership {
 public:
  virtual ~Membership() = default;
  // Membership::Members(): a snapshot of the live members.
  virtual std::vector<NodeInfo> Members() const = 0;
  // Membership::Get(): one member, or NotFound.
  virtual absl::StatusOr<NodeInfo> Get(absl::string_view id) const = 0;
  // Membership::UpdateLoad(): records a node's latest load report.
  virtual absl::Status UpdateLoad(absl::string_view id,
                                  const LoadReport& load) = 0;
  // Membership::Watch(): see the file comment.
  [[nodiscard]] virtual WatchHandle Watch(WatchCallback cb) = 0;

 protected:
  friend class WatchHandle;
  virtual void Unwatch(std::uint64_t id) = 0;
};

// WatchHandle: owns one watch; move-only.
class WatchHandle {
 public:
  WatchHandle() = default;
  WatchHandle(Membership* m, std::uint64_t id) : m_(m), id_(id) {}
  WatchHandle(WatchHandle&& o) noexcept
      : m_(std::exchange(o.m_, nullptr)), id_(o.id_) {}
  WatchHandle& operator=(WatchHandle&& o) noexcept {
    if (this != &o) {
      Cancel();
      m_ = std::exchange(o.m_, nullptr);
      id_ = o.id_;
    }
    return *this;
  }
  ~WatchHandle() { Cancel(); }
  void Cancel() {
    if (m_ != nullptr) std::exchange(m_, nullptr)->Unwatch(id_);
  }
  bool active() const noexcept { return m_ != nullptr; }

 private:
  Membership* m_ = nullptr;
  std::uint64_t id_ = 0;
};

// InMemoryMembership
class InMemoryMembership : public Membership {
 public:
  // `notify_updates`: whether UpdateLoad fires kUpdated.
  explicit InMemoryMembership(bool notify_updates = true)
      : notify_updates_(notify_updates) {}

  // InMemoryMembership::Join(): InvalidArgument for a bad NodeInfo,
  // AlreadyExists for a present id. Fires kJoined.
  absl::Status Join(NodeInfo node) ABSL_LOCKS_EXCLUDED(mu_, notify_mu_);
  // InMemoryMembership::Leave(): NotFound if absent. Fires kLeft.
  absl::Status Leave(absl::string_view id) ABSL_LOCKS_EXCLUDED(mu_, notify_mu_);
  // Fires kUpdated.
  absl::Status UpdateLoad(absl::string_view id, const LoadReport& load) override
      ABSL_LOCKS_EXCLUDED(mu_, notify_mu_);

  std::vector<NodeInfo> Members() const override ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<NodeInfo> Get(absl::string_view id) const override
      ABSL_LOCKS_EXCLUDED(mu_);
  WatchHandle Watch(WatchCallback cb) override
      ABSL_LOCKS_EXCLUDED(mu_, notify_mu_);

 protected:
  void Unwatch(std::uint64_t id) override ABSL_LOCKS_EXCLUDED(mu_, notify_mu_);

 private:
  struct Watcher {
    std::uint64_t id;
    std::shared_ptr<WatchCallback> cb;
  };
  void Notify(const MemberEvent& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(notify_mu_)
      ABSL_LOCKS_EXCLUDED(mu_);

  const bool notify_updates_;
  // Lock order: notify_mu_ before mu_. notify_mu_ serialises callbacks.
  mutable sync::Mutex notify_mu_;
  std::thread::id notifying_ ABSL_GUARDED_BY(mu_);
  mutable sync::Mutex mu_;
  std::vector<NodeInfo> members_ ABSL_GUARDED_BY(mu_);
  std::vector<Watcher> watchers_ ABSL_GUARDED_BY(mu_);
  std::uint64_t next_watch_ ABSL_GUARDED_BY(mu_) = 1;
};

// StaticMembership: a fixed list given at creation. Load updates are kept
// but fire no event; a watch never fires.
class StaticMembership : public Membership {
 public:
  // StaticMembership::Create(): InvalidArgument for a bad or duplicate node.
  static absl::StatusOr<std::unique_ptr<StaticMembership>> Create(
      std::vector<NodeInfo> nodes);

  std::vector<NodeInfo> Members() const override { return impl_.Members(); }
  absl::StatusOr<NodeInfo> Get(absl::string_view id) const override {
    return impl_.Get(id);
  }
  absl::Status UpdateLoad(absl::string_view id,
                          const LoadReport& load) override {
    return impl_.UpdateLoad(id, load);
  }
  WatchHandle Watch(WatchCallback cb) override {
    return impl_.Watch(std::move(cb));
  }

 protected:
  void Unwatch(std::uint64_t) override {}  // handles point at impl_

 private:
  StaticMembership() : impl_(/*notify_updates=*/false) {}
  InMemoryMembership impl_;
};

}  // namespace moirai::distributed

#endif  // MOIRAI_DISTRIBUTED_MEMBERSHIP_H_
