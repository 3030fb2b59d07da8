// Copyright 2026 The Moirai Authors.
//
// lockfree/internal/node_cache.h
// -----------------------------------------------------------------------------
//
// `NodeCache<Node>`: a small per-thread free list of node objects for the
// node-based structures (Stack). Nodes whose grace period has ended (the
// EpochDomain deleter) are kept here instead of going back to malloc, and the
// next push on this thread takes one without an allocation. At most
// kCapacity nodes per thread and node type; the rest are deleted. The cache
// is freed when the thread exits; a deleter that runs on a thread after its
// cache was destroyed (thread-exit order) deletes directly.

#ifndef MOIRAI_LOCKFREE_INTERNAL_NODE_CACHE_H_
#define MOIRAI_LOCKFREE_INTERNAL_NODE_CACHE_H_

namespace moirai::lockfree::internal {

template <typename Node>
class NodeCache {
 public:
  // Four epoch bags: a whole bag freed at once fits while the previous one
  // is still being consumed.
  static constexpr int kCapacity = 256;

  // NodeCache::Get()
  //
  // A node from this thread's cache, or a new one. Its fields hold whatever
  // the previous use left (callers reinitialize them).
  static Node* Get() {
    Cache* c = tls_cache_;
    if (c != nullptr && c->count > 0) return c->nodes[--c->count];
    return new Node;
  }

  // NodeCache::Put()
  //
  // Gives `node` (no longer referenced by anyone) back to this thread.
  static void Put(Node* node) {
    Cache* c = tls_cache_;
    if (c == nullptr) {
      if (tls_dead_) {
        delete node;
        return;
      }
      c = Init();
    }
    if (c->count < kCapacity) {
      c->nodes[c->count++] = node;
    } else {
      delete node;
    }
  }

 private:
  struct Cache {
    int count = 0;
    Node* nodes[kCapacity];
  };
  struct Owner {
    Cache cache;
    ~Owner() {
      for (int i = 0; i < cache.count; ++i) delete cache.nodes[i];
      cache.count = 0;
      tls_cache_ = nullptr;
      tls_dead_ = true;
    }
  };

  static Cache* Init() {
    static thread_local Owner owner;
    tls_cache_ = &owner.cache;
    return tls_cache_;
  }

  // Plain (constant-initialized) thread-locals: cheap to access, and still
  // valid while other thread-local destructors run.
  static inline thread_local Cache* tls_cache_ = nullptr;
  static inline thread_local bool tls_dead_ = false;
};

}  // namespace moirai::lockfree::internal

#endif  // MOIRAI_LOCKFREE_INTERNAL_NODE_CACHE_H_
