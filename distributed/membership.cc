// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/membership.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace moirai::distributed {

absl::Status InMemoryMembership::Join(NodeInfo node) {
  if (absl::Status s = Validate(node); !s.ok()) return s;
  {
    sync::MutexLock lock(&mu_);
    for (const NodeInfo& n : members_) {
      if (n.id == node.id) {
        return absl::AlreadyExistsError(
            absl::StrCat("membership: node ", node.id, " is already a member"));
      }
    }
  }
  // Serialise with other changes so events arrive in change order.
  sync::MutexLock order(&notify_mu_);
  {
    sync::MutexLock lock(&mu_);
    members_.push_back(node);
  }
  Notify({MemberEvent::Kind::kJoined, std::move(node)});
  return absl::OkStatus();
}

absl::Status InMemoryMembership::Leave(absl::string_view id) {
  sync::MutexLock order(&notify_mu_);
  NodeInfo gone;
  {
    sync::MutexLock lock(&mu_);
    auto it = std::find_if(members_.begin(), members_.end(),
                           [&](const NodeInfo& n) { return n.id == id; });
    if (it == members_.end()) {
      return absl::NotFoundError(
          absl::StrCat("membership: node ", id, " is not a member"));
    }
    gone = std::move(*it);
    members_.erase(it);
  }
  Notify({MemberEvent::Kind::kLeft, std::move(gone)});
  return absl::OkStatus();
}

absl::Status InMemoryMembership::UpdateLoad(absl::string_view id,
                                            const LoadReport& load) {
  sync::MutexLock order(&notify_mu_);
  NodeInfo updated;
  {
    sync::MutexLock lock(&mu_);
    auto it = std::find_if(members_.begin(), members_.end(),
                           [&](const NodeInfo& n) { return n.id == id; });
    if (it == members_.end()) {
      return absl::NotFoundError(
          absl::StrCat("membership: node ", id, " is not a member"));
    }
    it->load = load;
    if (!notify_updates_) return absl::OkStatus();
    updated = *it;
  }
  Notify({MemberEvent::Kind::kUpdated, std::move(updated)});
  return absl::OkStatus();
}

std::vector<NodeInfo> InMemoryMembership::Members() const {
  sync::MutexLock lock(&mu_);
  return members_;
}

absl::StatusOr<NodeInfo> InMemoryMembership::Get(absl::string_view id) const {
  sync::MutexLock lock(&mu_);
  for (const NodeInfo& n : members_) {
    if (n.id == id) return n;
  }
  return absl::NotFoundError(
      absl::StrCat("membership: node ", id, " is not a member"));
}

WatchHandle InMemoryMembership::Watch(WatchCallback cb) {
  sync::MutexLock lock(&mu_);
  const std::uint64_t id = next_watch_++;
  watchers_.push_back({id, std::make_shared<WatchCallback>(std::move(cb))});
  return WatchHandle(this, id);
}

void InMemoryMembership::Unwatch(std::uint64_t id) {
  auto remove = [&] {
    sync::MutexLock lock(&mu_);
    watchers_.erase(
        std::remove_if(watchers_.begin(), watchers_.end(),
                       [&](const Watcher& w) { return w.id == id; }),
        watchers_.end());
  };
  {
    sync::MutexLock lock(&mu_);
    if (notifying_ == std::this_thread::get_id()) {
      // From inside a callback: notify_mu_ is ours already; the loop in
      // Notify() re-checks membership before each call.
      watchers_.erase(
          std::remove_if(watchers_.begin(), watchers_.end(),
                         [&](const Watcher& w) { return w.id == id; }),
          watchers_.end());
      return;
    }
  }
  // Waits for a callback in progress (it holds notify_mu_).
  sync::MutexLock order(&notify_mu_);
  remove();
}

void InMemoryMembership::Notify(const MemberEvent& e) {
  std::vector<Watcher> watchers;
  {
    sync::MutexLock lock(&mu_);
    watchers = watchers_;
    notifying_ = std::this_thread::get_id();
  }
  for (const Watcher& w : watchers) {
    bool still = false;
    {
      sync::MutexLock lock(&mu_);
      for (const Watcher& x : watchers_) still |= x.id == w.id;
    }
    if (still) (*w.cb)(e);
  }
  sync::MutexLock lock(&mu_);
  notifying_ = std::thread::id();
}

absl::StatusOr<std::unique_ptr<StaticMembership>> StaticMembership::Create(
    std::vector<NodeInfo> nodes) {
  std::unique_ptr<StaticMembership> m(new StaticMembership());
  for (NodeInfo& n : nodes) {
    if (absl::Status s = m->impl_.Join(std::move(n)); !s.ok()) return s;
  }
  return m;
}

}  // namespace moirai::distributed
