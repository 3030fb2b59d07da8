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
//
// Fibers: Get() and Put() are inline and run on fibers (Stack::Emplace, the
// epoch deleter), which may migrate between threads at a switch. They reach
// the thread-locals only through State(), an out-of-line accessor that
// returns a fresh address at each call (see CurrentEpochTlsCache() in
// epoch_internal.h for why an inlined thread-local access is not safe).

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
    Cache* c = State()->cache;
    if (c != nullptr && c->count > 0) return c->nodes[--c->count];
    return new Node;
  }

  // NodeCache::Put()
  //
  // Gives `node` (no longer referenced by anyone) back to this thread.
  static void Put(Node* node) {
    TlsState* s = State();
    Cache* c = s->cache;
    if (c == nullptr) {
      if (s->dead) {
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
      TlsState* s = State();
      s->cache = nullptr;
      s->dead = true;
    }
  };

  // This thread's cache pointer and "cache destroyed" flag. Plain
  // (constant-initialized) thread-local: still valid while other
  // thread-local destructors run.
  struct TlsState {
    Cache* cache = nullptr;
    bool dead = false;
  };

  // The out-of-line accessor (see the file comment).
  __attribute__((noinline)) static TlsState* State() noexcept {
    TlsState* s = &tls_state_;
    asm volatile("" : "+r"(s));  // keep callers from caching the address
    return s;
  }

  // Slow path, out of line: nothing here switches fibers.
  __attribute__((noinline)) static Cache* Init() {
    static thread_local Owner owner;
    State()->cache = &owner.cache;
    return &owner.cache;
  }

  static constinit inline thread_local TlsState tls_state_{};
};

}  // namespace moirai::lockfree::internal

#endif  // MOIRAI_LOCKFREE_INTERNAL_NODE_CACHE_H_
