// Copyright 2026 The Moirai Authors.
//
// lockfree/hash_map.h
// -----------------------------------------------------------------------------
//
// `HashMap<K, V>`: a concurrent hash map with lock-free reads and
// per-segment writer locks, for read-mostly shared tables (caches, registries,
// symbol tables).
//
// Design (after Java 7's segmented `ConcurrentHashMap` and Fraser's EBR):
//
// - The map is split into a fixed number of *segments* (a power of two; the
//   top bits of a key's hash pick the segment). Each segment owns a
//   power-of-two table of buckets; a bucket is a singly-linked chain of
//   nodes. A node's hash, key and value never change after it is published:
//   writers replace nodes instead of mutating them (copy-on-write).
// - Readers (`Find`, `Contains`, `Visit`, `ForEach`) take no lock and write
//   no shared memory: they pin the map's `EpochDomain` (one exchange on a
//   thread-private cache line), load the segment's table pointer and walk a
//   chain with acquire loads. Writers never wait for readers and readers
//   never wait for writers.
// - Writers (`Insert`, `InsertOrAssign`, `Erase`, `ComputeIfAbsent`,
//   `Update`, `Clear`) take their segment's spin lock, so writers of
//   different segments run in parallel. Unlinked nodes are retired into the
//   `EpochDomain` and freed once no reader can hold them.
// - Growth is per segment and incremental in the sense that no operation
//   ever waits for the whole map: when a segment's load factor passes 1, the
//   writer that noticed builds a table twice as large with copies of the
//   segment's nodes, publishes it with one release store, and retires the
//   old table (with its nodes). Readers of the old table keep a consistent
//   snapshot; only writers of that one segment wait for the copy. Tables
//   never shrink (`Clear` resets them).
//
// Linearizability: every operation on a key is linearizable. A writer takes
// effect at its store into a bucket/`next` link (or the table swap, which
// changes no key's value). A reader that finds a node takes effect at a point
// where that node was reachable from its segment's current table: nodes
// leave a chain only by being unlinked, and an unlinked node's `next` is
// never written again, so any node reached by a traversal was reachable at
// some point of it (the "hindsight" argument of lazy lists); a reader that
// misses the key likewise saw a state in which it was absent. Checked with
// `//tools/testing` (linearizability of random short histories, per key, on
// real threads and under a deterministic schedule).
//
// Values: readers get a copy (`Find`) or a const reference inside a callback
// (`Visit`, `ForEach`) that is valid only during the callback (the node may
// be retired as soon as the reader unpins). `Update` copies the value, applies
// the caller's function to the copy and publishes a new node, so readers
// never see a half-updated value and V needs no internal synchronization.
//
// Consistency of aggregate operations: `Size()` sums per-segment counters
// without stopping writers, so under concurrent writes it is an estimate (it
// is exact when no writer runs). `ForEach()` is weakly consistent: it visits
// each segment's table as of when it reached that segment; a key present and
// unchanged for the whole iteration is visited exactly once, a key written
// concurrently is visited at most once, with either value. `Clear()` empties
// the segments one after another (not one atomic step).
//
// Callbacks: the functions given to `ComputeIfAbsent` and `Update` run while
// the segment's lock is held; they must not call into the same map (the
// spin lock is not reentrant: that deadlocks). `Visit`/`ForEach` callbacks
// hold no lock and may call anything, but keep the reader pinned, which
// delays reclamation: keep them short.
//
// Exceptions: K's and V's copy/move constructors, `factory` and `fn` may
// throw. Every writer then leaves the map as it was (strong guarantee) and
// leaks nothing: the new node is built privately and freed on a throw, and a
// resize that a throw interrupts frees its half-built table before anything
// is published (growth happens before the new node is linked). The segment
// lock is released on every path. K and V destructors must not throw (a
// static_assert says so).
//
// Destruction of keys and values: a node that is erased, replaced (by
// `InsertOrAssign` or `Update`), cleared, or left behind in a table that
// grew is not destroyed by the writer: it is retired into the map's
// `EpochDomain`, and K's and V's destructors run later, inside epoch
// reclamation, on whichever thread then collects the domain (in a Pin(),
// Retire(), Flush() or Synchronize() of any structure sharing the domain, at
// a thread's exit, or in ~EpochDomain). So the destructors must be safe to
// run on any thread, at any later time, and must not call into this map or
// its domain (they may run while the domain is collecting). A value whose
// destructor releases a resource therefore releases it late: call
// `domain->Synchronize()` where that matters. `~HashMap` destroys the
// entries still in the map directly.
//
// Memory ordering (the contract): everything a thread did before an insert
// or assignment of (k, v) happens-before everything a thread does after a
// reader returns v for k (release store of the node pointer, acquire loads
// on the read path).
//
// Atom: any std::atomic-compatible template-template argument (load, store,
// exchange), e.g. `moirai::testing::DeterministicAtomic` in tests.
//
// Example:
//   moirai::lockfree::HashMap<std::string, int> map;
//   map.Insert("a", 1);                       // true: inserted
//   map.InsertOrAssign("a", 2);               // false: assigned
//   map.Update("a", [](int& v) { v += 40; }); // true
//   std::optional<int> v = map.Find("a");     // 42
//   map.Erase("a");                           // true

#ifndef MOIRAI_LOCKFREE_HASH_MAP_H_
#define MOIRAI_LOCKFREE_HASH_MAP_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "moirai/core/arch.h"
#include "moirai/lockfree/epoch.h"

namespace moirai::lockfree {

// HashMapOptions
//
// Construction parameters of a `HashMap`. `Validate()` says whether they are
// acceptable; the constructor crashes with the same message on invalid ones
// (validate options that come from outside the program first).
struct HashMapOptions {
  // Number of segments: a power of two in [1, 65536]. More segments let more
  // writers run in parallel and make each resize smaller; each costs about
  // 200 bytes even when empty.
  std::size_t segments = 64;
  // Entries the map should hold before its first resize (spread evenly over
  // segments; rounded up to powers of two). 0: the minimum (8 buckets per
  // segment).
  std::size_t initial_capacity = 0;
  // Domain that reclaims unlinked nodes and old tables. Must outlive the map
  // and every object retired into it (`EpochDomain::Default()` lives forever).
  // nullptr: `EpochDomain::Default()`.
  EpochDomain* domain = nullptr;

  // HashMapOptions::Validate()
  //
  // InvalidArgument if `segments` is not a power of two in [1, 65536], or
  // `initial_capacity` exceeds 2^40.
  absl::Status Validate() const {
    if (segments == 0 || segments > 65536 || (segments & (segments - 1)) != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "HashMapOptions.segments must be a power of two in [1, 65536], got ",
          segments));
    }
    if (initial_capacity > (std::size_t{1} << 40)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "HashMapOptions.initial_capacity too large: ", initial_capacity));
    }
    return absl::OkStatus();
  }
};

namespace hash_map_internal {

// SegmentLock
//
// A test-and-test-and-set spin lock over `Atom<uint32_t>`, so that a
// deterministic schedule sees (and can interleave) its every step. Critical
// sections are a few dozen instructions (plus an allocation, or a table copy
// on resize); after a bounded spin the waiter yields its CPU so that a
// preempted holder can finish on an oversubscribed machine.
template <template <typename> class Atom>
class ABSL_LOCKABLE SegmentLock {
 public:
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    // Acquire: pairs with the release in Unlock(); the previous holder's
    // writes to the segment happen-before ours.
    while (state_.exchange(1, std::memory_order_acquire) != 0) {
      int spins = 0;
      while (state_.load(std::memory_order_relaxed) != 0) {
        if (++spins < 128) {
          core::CpuRelax();
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    state_.store(0, std::memory_order_release);
  }

 private:
  Atom<uint32_t> state_{0};
};

template <template <typename> class Atom>
class ABSL_SCOPED_LOCKABLE SegmentLockGuard {
 public:
  explicit SegmentLockGuard(SegmentLock<Atom>* lock)
      ABSL_EXCLUSIVE_LOCK_FUNCTION(lock)
      : lock_(lock) {
    lock_->Lock();
  }
  ~SegmentLockGuard() ABSL_UNLOCK_FUNCTION() { lock_->Unlock(); }
  SegmentLockGuard(const SegmentLockGuard&) = delete;
  SegmentLockGuard& operator=(const SegmentLockGuard&) = delete;

 private:
  SegmentLock<Atom>* const lock_;
};

inline std::size_t RoundUpToPowerOfTwo(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace hash_map_internal

template <typename K, typename V, typename Hash = absl::Hash<K>,
          typename Eq = std::equal_to<K>,
          template <typename> class Atom = std::atomic>
class HashMap {
  static_assert(std::is_nothrow_destructible_v<K> &&
                    std::is_nothrow_destructible_v<V>,
                "moirai::lockfree::HashMap requires nothrow destructors (they "
                "run inside epoch reclamation)");

 public:
  using key_type = K;
  using mapped_type = V;

  // HashMap::HashMap()
  //
  // An empty map. Crashes (with the message of `options.Validate()`) on
  // invalid options.
  HashMap() : HashMap(HashMapOptions()) {}
  explicit HashMap(const HashMapOptions& options, const Hash& hash = Hash(),
                   const Eq& eq = Eq())
      : hash_(hash),
        eq_(eq),
        domain_(options.domain != nullptr ? options.domain
                                          : &EpochDomain::Default()) {
    if (absl::Status s = options.Validate(); !s.ok()) {
      std::fprintf(stderr, "moirai::lockfree::HashMap: %s\n",
                   s.ToString().c_str());
      std::abort();
    }
    segment_mask_ = options.segments - 1;
    const std::size_t per_segment = std::max<std::size_t>(
        kMinBuckets,
        hash_map_internal::RoundUpToPowerOfTwo(
            (options.initial_capacity + segment_mask_) / options.segments));
    segments_ = std::vector<Segment>(options.segments);
    for (Segment& seg : segments_) {
      seg.table.store(NewTable(per_segment), std::memory_order_relaxed);
    }
  }

  // HashMap::~HashMap()
  //
  // Destroys every entry. No concurrent use allowed. Objects already retired
  // into the domain are freed by the domain later.
  ~HashMap() {
    for (Segment& seg : segments_) {
      DeleteTableAndChains(seg.table.load(std::memory_order_acquire));
    }
  }

  HashMap(const HashMap&) = delete;
  HashMap& operator=(const HashMap&) = delete;

  // HashMap::Find()
  //
  // A copy of the value mapped to `key`, or nullopt. Lock-free; wait-free
  // apart from the chain walk (bounded by the chain length).
  std::optional<V> Find(const K& key) const {
    std::optional<V> result;
    Visit(key, [&result](const V& v) { result.emplace(v); });
    return result;
  }

  // HashMap::Contains()
  //
  // Whether `key` is mapped. Lock-free.
  bool Contains(const K& key) const {
    return Visit(key, [](const V&) {});
  }

  // HashMap::Visit()
  //
  // Calls `fn(const V&)` on the value mapped to `key`, if any, and returns
  // whether it did. The reference is valid only during the call. No lock is
  // held (the reader is pinned): `fn` may call into the map.
  template <typename F>
  bool Visit(const K& key, F&& fn) const {
    const std::size_t h = hash_(key);
    EpochDomain::Guard guard = domain_->Pin();
    const Node* n = FindNode(SegmentFor(h), h, key);
    if (n == nullptr) return false;
    std::forward<F>(fn)(static_cast<const V&>(n->value));
    return true;
  }

  // HashMap::Insert()
  //
  // Maps `key` to `value` if `key` is absent; returns whether it inserted.
  // An existing mapping is left alone.
  bool Insert(K key, V value) {
    const std::size_t h = hash_(key);
    Segment& seg = SegmentFor(h);
    hash_map_internal::SegmentLockGuard<Atom> lock(&seg.lock);
    Table* t = seg.table.load(std::memory_order_relaxed);  // lock held
    if (FindInChain(t->bucket(h), h, key) != nullptr) return false;
    LinkAtHead(seg, h,
               std::make_unique<Node>(h, std::move(key), std::move(value)));
    return true;
  }

  // HashMap::InsertOrAssign()
  //
  // Maps `key` to `value`, replacing any previous value; returns true if the
  // key was absent (inserted), false if it was assigned.
  bool InsertOrAssign(K key, V value) {
    const std::size_t h = hash_(key);
    Segment& seg = SegmentFor(h);
    Node* old = nullptr;
    {
      hash_map_internal::SegmentLockGuard<Atom> lock(&seg.lock);
      Table* t = seg.table.load(std::memory_order_relaxed);  // lock held
      Atom<Node*>* link = FindLink(t->bucket(h), h, key);
      if (link == nullptr) {
        LinkAtHead(seg, h,
                   std::make_unique<Node>(h, std::move(key), std::move(value)));
        return true;
      }
      old = link->load(std::memory_order_relaxed);
      Replace(link, old, new Node(h, std::move(key), std::move(value)));
    }
    domain_->Retire(old);
    return false;
  }

  // HashMap::Erase()
  //
  // Removes `key`; returns whether it was present.
  bool Erase(const K& key) {
    const std::size_t h = hash_(key);
    Segment& seg = SegmentFor(h);
    Node* victim = nullptr;
    {
      hash_map_internal::SegmentLockGuard<Atom> lock(&seg.lock);
      Table* t = seg.table.load(std::memory_order_relaxed);  // lock held
      Atom<Node*>* link = FindLink(t->bucket(h), h, key);
      if (link == nullptr) return false;
      victim = link->load(std::memory_order_relaxed);
      // Unlink. Release: orders nothing new (the successor was published
      // before), but keeps every link store a release for readers that
      // acquire it. The victim's own `next` is never written again, so a
      // reader standing on it still finds the rest of the chain.
      link->store(victim->next.load(std::memory_order_relaxed),
                  std::memory_order_release);
      seg.count.store(seg.count.load(std::memory_order_relaxed) - 1,
                      std::memory_order_relaxed);
    }
    domain_->Retire(victim);
    return true;
  }

  // HashMap::ComputeIfAbsent()
  //
  // The value mapped to `key`; if absent, first maps it to `factory()`.
  // `factory` runs at most once, under the segment lock (see the file
  // comment), and only when the key is absent.
  template <typename F>
  V ComputeIfAbsent(const K& key, F&& factory) {
    if (std::optional<V> v = Find(key)) return *std::move(v);
    const std::size_t h = hash_(key);
    Segment& seg = SegmentFor(h);
    hash_map_internal::SegmentLockGuard<Atom> lock(&seg.lock);
    Table* t = seg.table.load(std::memory_order_relaxed);  // lock held
    if (const Node* n = FindInChain(t->bucket(h), h, key)) return n->value;
    // Each step may throw; none has changed the map yet.
    auto node = std::make_unique<Node>(h, key, std::forward<F>(factory)());
    V result = node->value;
    LinkAtHead(seg, h, std::move(node));
    return result;
  }

  // HashMap::Update()
  //
  // If `key` is present, calls `fn(V&)` on a copy of its value and publishes
  // the result as the new value (atomically for readers); returns whether the
  // key was present. `fn` runs under the segment lock (see the file comment).
  template <typename F>
  bool Update(const K& key, F&& fn) {
    const std::size_t h = hash_(key);
    Segment& seg = SegmentFor(h);
    Node* old = nullptr;
    {
      hash_map_internal::SegmentLockGuard<Atom> lock(&seg.lock);
      Table* t = seg.table.load(std::memory_order_relaxed);  // lock held
      Atom<Node*>* link = FindLink(t->bucket(h), h, key);
      if (link == nullptr) return false;
      old = link->load(std::memory_order_relaxed);
      // The copy and `fn` may throw; the map is unchanged until Replace.
      auto updated = std::make_unique<Node>(h, old->key, old->value);
      std::forward<F>(fn)(updated->value);
      Replace(link, old, updated.release());
    }
    domain_->Retire(old);
    return true;
  }

  // HashMap::Size()
  //
  // The number of entries: exact when no writer runs concurrently, an
  // estimate otherwise (see the file comment).
  std::size_t Size() const {
    int64_t total = 0;
    for (const Segment& seg : segments_) {
      total += seg.count.load(std::memory_order_relaxed);
    }
    return total < 0 ? 0 : static_cast<std::size_t>(total);
  }

  bool Empty() const { return Size() == 0; }

  // HashMap::ForEach()
  //
  // Calls `fn(const K&, const V&)` for the entries, weakly consistently (see
  // the file comment). References are valid only during each call. No lock
  // is held.
  template <typename F>
  void ForEach(F&& fn) const {
    for (const Segment& seg : segments_) {
      EpochDomain::Guard guard = domain_->Pin();
      const Table* t = seg.table.load(std::memory_order_acquire);
      for (std::size_t b = 0; b <= t->mask; ++b) {
        for (const Node* n = t->buckets()[b].load(std::memory_order_acquire);
             n != nullptr; n = n->next.load(std::memory_order_acquire)) {
          fn(static_cast<const K&>(n->key), static_cast<const V&>(n->value));
        }
      }
    }
  }

  // HashMap::Clear()
  //
  // Removes every entry, one segment at a time.
  void Clear() {
    for (Segment& seg : segments_) {
      Table* old = nullptr;
      {
        hash_map_internal::SegmentLockGuard<Atom> lock(&seg.lock);
        old = seg.table.load(std::memory_order_relaxed);
        seg.table.store(NewTable(kMinBuckets), std::memory_order_release);
        seg.count.store(0, std::memory_order_relaxed);
      }
      RetireTable(old);
    }
  }

  // HashMap::BucketCount()
  //
  // Total buckets over all segments (grows with the map; for tests and
  // diagnostics).
  std::size_t BucketCount() const {
    std::size_t total = 0;
    for (const Segment& seg : segments_) {
      EpochDomain::Guard guard = domain_->Pin();
      total += seg.table.load(std::memory_order_acquire)->mask + 1;
    }
    return total;
  }

  std::size_t SegmentCount() const { return segments_.size(); }

 private:
  static constexpr std::size_t kMinBuckets = 8;
  // Segment index bits come from the top of the hash, bucket bits from the
  // bottom, so they are independent for a well-mixed hash.
  static constexpr int kSegmentShift = 48;

  // Node
  //
  // Invariant: `hash`, `key` and `value` never change once the node is
  // reachable from a table (writers replace nodes instead); `next` changes
  // only while the node is reachable from its segment's current table, and
  // only under the segment lock.
  struct Node {
    template <typename KK, typename VV>
    Node(std::size_t h, KK&& k, VV&& v)
        : hash(h), key(std::forward<KK>(k)), value(std::forward<VV>(v)) {}
    const std::size_t hash;
    Atom<Node*> next{nullptr};
    const K key;
    V value;  // mutated only before publication (Update's copy)
  };

  // Table
  //
  // A header followed, in the same allocation, by `mask + 1` buckets. `mask`
  // is immutable. Invariant: once a table is no longer its segment's current
  // table, none of its buckets or nodes is written again; it is retired with
  // every node still reachable from it.
  struct Table {
    std::size_t mask;
    Atom<Node*>* buckets() { return reinterpret_cast<Atom<Node*>*>(this + 1); }
    const Atom<Node*>* buckets() const {
      return reinterpret_cast<const Atom<Node*>*>(this + 1);
    }
    Atom<Node*>& bucket(std::size_t h) { return buckets()[h & mask]; }
    const Atom<Node*>& bucket(std::size_t h) const {
      return buckets()[h & mask];
    }
  };
  static_assert(sizeof(Table) % alignof(Atom<Node*>) == 0);

  // Segment
  //
  // Two lines (each kFalseSharingRange): the table pointer, which every
  // reader loads, alone on the first; the writers' lock and counter, written
  // by every writer of the segment, on the second. Sharing a line, each
  // writer's lock/counter stores would evict the table pointer from every
  // reader's cache. Padded as a whole so neighbouring segments share nothing.
  struct alignas(core::kFalseSharingRange) Segment {
    // The current table. Written (release) only under `lock`, rarely (growth,
    // Clear); read (acquire) by readers. Invariant: never null.
    Atom<Table*> table{nullptr};
    // Writers' line.
    alignas(core::kFalseSharingRange) hash_map_internal::SegmentLock<Atom> lock;
    // Entries in `table`. Written only under `lock` (a load+store, not an
    // RMW); read relaxed by Size() without the lock (so not annotated).
    Atom<int64_t> count{0};
  };
  static_assert(sizeof(Segment) == 2 * core::kFalseSharingRange,
                "Segment: the table line and the writers' line");

  static Table* NewTable(std::size_t buckets) {
    void* mem = ::operator new(sizeof(Table) + buckets * sizeof(Atom<Node*>));
    Table* t = new (mem) Table{buckets - 1};
    for (std::size_t i = 0; i < buckets; ++i) {
      new (&t->buckets()[i]) Atom<Node*>(nullptr);
    }
    return t;
  }

  // Frees a table and every node reachable from it. Called by the epoch
  // domain once no reader can hold the table, or by the destructor.
  static void DeleteTableAndChains(Table* t) {
    for (std::size_t b = 0; b <= t->mask; ++b) {
      Node* n = t->buckets()[b].load(std::memory_order_relaxed);
      while (n != nullptr) {
        Node* next = n->next.load(std::memory_order_relaxed);
        delete n;
        n = next;
      }
      t->buckets()[b].~Atom<Node*>();
    }
    t->~Table();
    ::operator delete(t);
  }

  void RetireTable(Table* t) {
    domain_->Retire(static_cast<void*>(t), [](void* p) {
      DeleteTableAndChains(static_cast<Table*>(p));
    });
  }

  Segment& SegmentFor(std::size_t h) {
    return segments_[(h >> kSegmentShift) & segment_mask_];
  }
  const Segment& SegmentFor(std::size_t h) const {
    return segments_[(h >> kSegmentShift) & segment_mask_];
  }

  // The reader's walk. Caller is pinned.
  const Node* FindNode(const Segment& seg, std::size_t h, const K& key) const {
    // Acquire (table, then each link): pairs with the release stores that
    // published the table and each node, so the node's fields are visible.
    const Table* t = seg.table.load(std::memory_order_acquire);
    for (const Node* n = t->bucket(h).load(std::memory_order_acquire);
         n != nullptr; n = n->next.load(std::memory_order_acquire)) {
      if (n->hash == h && eq_(n->key, key)) return n;
    }
    return nullptr;
  }

  // Writer-side searches; the caller holds the segment lock, so relaxed
  // loads see the latest links (all written under the same lock).
  const Node* FindInChain(const Atom<Node*>& bucket, std::size_t h,
                          const K& key) const {
    for (const Node* n = bucket.load(std::memory_order_relaxed); n != nullptr;
         n = n->next.load(std::memory_order_relaxed)) {
      if (n->hash == h && eq_(n->key, key)) return n;
    }
    return nullptr;
  }
  // The link (bucket head or a node's `next`) that points at key's node, or
  // nullptr when absent.
  Atom<Node*>* FindLink(Atom<Node*>& bucket, std::size_t h, const K& key) {
    Atom<Node*>* link = &bucket;
    for (Node* n = link->load(std::memory_order_relaxed); n != nullptr;
         n = n->next.load(std::memory_order_relaxed)) {
      if (n->hash == h && eq_(n->key, key)) return link;
      link = &n->next;
    }
    return nullptr;
  }

  // Publishes `node` (hash `h`) at the head of its bucket in the segment's
  // current table, first growing the table if the node would make it
  // over-full. Growth may throw (allocation, K/V copies): it runs before
  // anything is linked, so a throw leaves the segment unchanged and frees
  // `node`. Caller holds the lock.
  void LinkAtHead(Segment& seg, std::size_t h, std::unique_ptr<Node> node)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(seg.lock) {
    Table* t = seg.table.load(std::memory_order_relaxed);  // lock held
    const int64_t count = seg.count.load(std::memory_order_relaxed) + 1;
    if (static_cast<std::size_t>(count) > t->mask + 1) t = Grow(seg, t);
    Atom<Node*>& bucket = t->bucket(h);
    // Relaxed: the node is private until the release store below.
    node->next.store(bucket.load(std::memory_order_relaxed),
                     std::memory_order_relaxed);
    // Release: the node's fields (and next) happen-before any reader that
    // acquires this pointer.
    bucket.store(node.release(), std::memory_order_release);
    seg.count.store(count, std::memory_order_relaxed);
  }

  // Replaces `old` (pointed to by `link`) by `fresh` in place. Caller holds
  // the lock.
  static void Replace(Atom<Node*>* link, Node* old, Node* fresh) {
    fresh->next.store(old->next.load(std::memory_order_relaxed),
                      std::memory_order_relaxed);
    // Release: publishes fresh's fields (see LinkAtHead). A reader holding
    // `old` still sees old's value and the rest of the chain.
    link->store(fresh, std::memory_order_release);
  }

  // Doubles the segment's table: copies every node into a new table,
  // publishes it and retires the old one with its nodes. Caller holds the
  // lock. Readers keep walking the old table (frozen from now on: writers
  // only ever touch the current table) until they unpin.
  //
  // Returns the new table. Exception safety: if an allocation or a K/V copy
  // throws, the half-built table (with the copies made so far) is freed and
  // the exception propagates with the segment unchanged.
  Table* Grow(Segment& seg, Table* old)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(seg.lock) {
    const std::size_t buckets = (old->mask + 1) * 2;
    Table* t = NewTable(buckets);
    try {
      CopyChains(old, t);
    } catch (...) {
      DeleteTableAndChains(t);  // never published
      throw;
    }
    // Release: pairs with readers' acquire load of `table`.
    seg.table.store(t, std::memory_order_release);
    RetireTable(old);
    return t;
  }

  // Copies every node of `from` into the unpublished table `to`.
  static void CopyChains(const Table* old, Table* t) {
    for (std::size_t b = 0; b <= old->mask; ++b) {
      for (Node* n = old->buckets()[b].load(std::memory_order_relaxed);
           n != nullptr; n = n->next.load(std::memory_order_relaxed)) {
        Node* copy = new Node(n->hash, n->key, n->value);
        Atom<Node*>& dst = t->bucket(n->hash);
        // Relaxed: `t` is not published yet; Grow's release store of the
        // table publishes every bucket and node at once.
        copy->next.store(dst.load(std::memory_order_relaxed),
                         std::memory_order_relaxed);
        dst.store(copy, std::memory_order_relaxed);
      }
    }
  }

  const Hash hash_;
  const Eq eq_;
  EpochDomain* const domain_;
  std::size_t segment_mask_ = 0;
  std::vector<Segment> segments_;
};

}  // namespace moirai::lockfree

#endif  // MOIRAI_LOCKFREE_HASH_MAP_H_
