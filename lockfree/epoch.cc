// Copyright 2026 The Moirai Authors.
//
// lockfree/epoch.cc
// -----------------------------------------------------------------------------
//
// Registration, sealing, epoch advancement and collection for EpochDomain.
//
// Why freeing is safe (crossbeam-epoch's argument): a thread pinned with local
// epoch e keeps the global epoch <= e + 1, because TryAdvance only moves from g
// to g + 1 when every pinned record shows g. A bag is sealed with the global
// epoch s read after its objects were unlinked (seq_cst fence between). A
// thread that could still hold one of those objects was pinned before the
// unlink, hence with an epoch <= s; the global epoch reaching s + 2 therefore
// means that thread has unpinned since. Threads that pin later cannot reach the
// objects: their pin's full barrier orders them after the unlink.
//
// Happens-before for the deleter: reader's unpin (release store, or a later
// pin exchange in its release sequence) -> advancer's acquire load of the
// record -> advancer's acq_rel CAS on the global epoch (RMWs form a release
// sequence) -> collector's acquire load of the global epoch -> deleter.

#include "moirai/lockfree/epoch.h"

#include <pthread.h>

#include <utility>
#include <vector>

#include "absl/base/internal/raw_logging.h"

namespace moirai::lockfree {
namespace internal {

namespace {

// The cache behind CurrentEpochTlsCache(). File-local: inline code reaches it
// only through that out-of-line accessor (see epoch_internal.h). The direct
// uses below are in out-of-line registration code that never switches fibers.
constinit thread_local EpochTlsCache epoch_tls_cache = {nullptr, nullptr};

}  // namespace

__attribute__((noinline)) EpochTlsCache* CurrentEpochTlsCache() noexcept {
  EpochTlsCache* c = &epoch_tls_cache;
  asm volatile("" : "+r"(c));  // keep callers from caching the address
  return c;
}

namespace {

// Frees a bag's objects and returns how many were freed.
int RunDeleters(EpochBag* bag) {
  const int n = bag->size;
  for (int i = 0; i < n; ++i) bag->items[i].deleter(bag->items[i].ptr);
  bag->size = 0;
  return n;
}

void AddCounter(std::atomic<std::uint64_t>& c, std::uint64_t n) {
  // Single writer at any time (the owner, or the mutex holder when unowned).
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

EpochBag* NewBag(EpochRecord* rec) {
  if (rec->spare != nullptr) return std::exchange(rec->spare, nullptr);
  return new EpochBag;
}

void RecycleBag(EpochRecord* rec, EpochBag* bag) {
  bag->next = nullptr;
  bag->size = 0;
  if (rec->spare == nullptr) {
    rec->spare = bag;
  } else {
    delete bag;
  }
}

// Stamps the open bag with the current epoch and appends it to the sealed
// FIFO. The seq_cst fence orders every unlink that preceded the Retire calls
// before the epoch load (so the stamp is not older than any unlink).
void SealOpenBag(EpochRecord* rec) {
  EpochBag* bag = rec->open;
  if (bag == nullptr || bag->size == 0) return;
  rec->open = nullptr;
  core::ThreadFence(std::memory_order_seq_cst);
  bag->epoch = rec->core->epoch.load(std::memory_order_relaxed);
  bag->next = nullptr;
  if (rec->sealed_tail == nullptr) {
    rec->sealed_head = rec->sealed_tail = bag;
  } else {
    rec->sealed_tail->next = bag;
    rec->sealed_tail = bag;
  }
}

// Tries to move the global epoch forward by one; returns the global epoch
// afterwards (loaded with acquire, see the file comment).
std::uint64_t TryAdvance(EpochCore* core) {
  std::uint64_t g = core->epoch.load(std::memory_order_acquire);
  // Pairs with the seq_cst exchange (+ fence) in Pin(): a thread whose pin is
  // ordered after this fence sees every unlink that precedes it.
  core::ThreadFence(std::memory_order_seq_cst);
  for (EpochRecord* r = core->records.load(std::memory_order_acquire);
       r != nullptr; r = r->next) {
    // Acquire: synchronizes with the record's unpin (see file comment).
    const std::uint64_t s = r->state.load(std::memory_order_acquire);
    if ((s & 1) != 0 && s != PinnedState(g)) return g;  // lagging reader
  }
  if (core->epoch.compare_exchange_strong(g, g + 1, std::memory_order_acq_rel,
                                          std::memory_order_acquire)) {
    return g + 1;
  }
  return g;  // someone else advanced; g now holds the newer value
}

// Frees orphaned bags whose epoch is old enough. Takes the mutex only if free.
void CollectOrphans(EpochCore* core, std::uint64_t global) {
  if (!core->has_orphans.load(std::memory_order_relaxed)) return;
  if (!core->mu.try_lock()) return;
  EpochBag* ready = nullptr;
  while (core->orphans_head != nullptr &&
         core->orphans_head->epoch + 2 <= global) {
    EpochBag* b = core->orphans_head;
    core->orphans_head = b->next;
    b->next = ready;
    ready = b;
  }
  if (core->orphans_head == nullptr) {
    core->orphans_tail = nullptr;
    core->has_orphans.store(false, std::memory_order_relaxed);
  }
  core->mu.unlock();
  std::uint64_t freed = 0;
  while (ready != nullptr) {
    EpochBag* next = ready->next;
    freed += RunDeleters(ready);
    delete ready;
    ready = next;
  }
  core->orphan_reclaimed.fetch_add(freed, std::memory_order_relaxed);
}

// Frees this record's sealed bags whose epoch is old enough.
void CollectSealed(EpochRecord* rec, std::uint64_t global) {
  std::uint64_t freed = 0;
  while (rec->sealed_head != nullptr && rec->sealed_head->epoch + 2 <= global) {
    EpochBag* b = rec->sealed_head;
    rec->sealed_head = b->next;
    if (rec->sealed_head == nullptr) rec->sealed_tail = nullptr;
    freed += RunDeleters(b);
    RecycleBag(rec, b);
  }
  if (freed != 0) AddCounter(rec->reclaimed, freed);
}

// Per-thread registrations, released at thread exit.
//
// Lifetime: the list lives on the heap and is released by the destructor of
// a pthread key, not by a C++ thread_local destructor. glibc runs pthread key
// destructors after every C++ thread_local destructor of the exiting thread
// (start_thread: __call_tls_dtors, then __nptl_deallocate_tsd), so a
// thread-local constructed before the thread's first registration can still
// use an epoch-protected structure from its destructor: it finds the list
// alive (or, after the key destructor ran, registers again into a fresh list,
// which re-arms the key; glibc repeats the key destructors for values set
// during the pass, up to PTHREAD_DESTRUCTOR_ITERATIONS times).
// The main thread's list is not released at exit() (no key destructors run
// there); the process is ending and the domain's memory stays reachable.
struct ThreadRegistrations {
  std::vector<std::pair<std::shared_ptr<EpochCore>, EpochRecord*>> entries;

  ~ThreadRegistrations() {
    for (auto& [core, rec] : entries) Release(core.get(), rec);
    entries.clear();
    epoch_tls_cache = {nullptr, nullptr};
  }

  // Gives `rec` back to `core`: its garbage becomes the domain's orphans.
  static void Release(EpochCore* core, EpochRecord* rec) {
    if (rec->nesting != 0) {
      ABSL_RAW_LOG(FATAL,
                   "moirai::lockfree::EpochDomain: a thread exited while "
                   "pinned (an EpochDomain::Guard outlived its thread)");
    }
    if (epoch_tls_cache.record == rec) epoch_tls_cache = {nullptr, nullptr};
    sync::MutexLock lock(&core->mu);
    if (!core->dead.load(std::memory_order_relaxed)) {
      SealOpenBag(rec);
      if (rec->sealed_head != nullptr) {
        if (core->orphans_tail == nullptr) {
          core->orphans_head = rec->sealed_head;
        } else {
          core->orphans_tail->next = rec->sealed_head;
        }
        core->orphans_tail = rec->sealed_tail;
        core->has_orphans.store(true, std::memory_order_relaxed);
        // These objects are now counted by orphan_reclaimed when freed; move
        // their count out of this record's pending balance.
        std::uint64_t moved = 0;
        for (EpochBag* b = rec->sealed_head; b != nullptr; b = b->next) {
          moved += b->size;
        }
        AddCounter(rec->reclaimed, moved);
        core->orphan_reclaimed.fetch_sub(moved, std::memory_order_relaxed);
      }
      rec->sealed_head = rec->sealed_tail = nullptr;
    }
    core->live_threads.fetch_sub(1, std::memory_order_relaxed);
    // Release: the next owner of the record sees our writes to its fields.
    rec->in_use.store(false, std::memory_order_release);
  }
};

// This thread's list, or nullptr before the first registration and after the
// key destructor released it. Constant-initialized and trivially destructible:
// valid for the whole life of the thread, including its exit.
constinit thread_local ThreadRegistrations* tls_registrations = nullptr;

void ReleaseThreadRegistrations(void* p) {
  tls_registrations = nullptr;
  delete static_cast<ThreadRegistrations*>(p);
}

pthread_key_t RegistrationsKey() {
  static const pthread_key_t key = [] {
    pthread_key_t k;
    if (pthread_key_create(&k, &ReleaseThreadRegistrations) != 0) {
      ABSL_RAW_LOG(FATAL,
                   "moirai::lockfree::EpochDomain: pthread_key_create failed");
    }
    return k;
  }();
  return key;
}

// This thread's registration list, created (and armed for release at thread
// exit) on first use.
ThreadRegistrations& CurrentThreadRegistrations() {
  ThreadRegistrations* regs = tls_registrations;
  if (regs == nullptr) {
    regs = new ThreadRegistrations;
    if (pthread_setspecific(RegistrationsKey(), regs) != 0) {
      ABSL_RAW_LOG(FATAL,
                   "moirai::lockfree::EpochDomain: pthread_setspecific failed");
    }
    tls_registrations = regs;
  }
  return *regs;
}

}  // namespace

EpochCore::~EpochCore() {
  // Runs when the domain and every registered thread are gone; all garbage was
  // freed by ~EpochDomain, only records and spare bags remain.
  EpochRecord* r = records.load(std::memory_order_acquire);
  while (r != nullptr) {
    EpochRecord* next = r->next;
    delete r->spare;
    delete r->open;  // empty
    delete r;
    r = next;
  }
}

EpochRecord* RegisterThread(const std::shared_ptr<EpochCore>& core) {
  ThreadRegistrations& regs = CurrentThreadRegistrations();
  EpochRecord* found = nullptr;
  // Look for an existing registration; drop registrations of dead domains.
  for (std::size_t i = 0; i < regs.entries.size();) {
    auto& [c, r] = regs.entries[i];
    if (c == core) {
      found = r;
      ++i;
    } else if (c->dead.load(std::memory_order_acquire)) {
      ThreadRegistrations::Release(c.get(), r);
      regs.entries[i] = std::move(regs.entries.back());
      regs.entries.pop_back();
    } else {
      ++i;
    }
  }
  if (found == nullptr) {
    // Reuse a released record, or append a new one.
    for (EpochRecord* r = core->records.load(std::memory_order_acquire);
         r != nullptr; r = r->next) {
      bool expected = false;
      if (!r->in_use.load(std::memory_order_relaxed) &&
          r->in_use.compare_exchange_strong(expected, true,
                                            std::memory_order_acquire)) {
        found = r;
        break;
      }
    }
    if (found == nullptr) {
      found = new EpochRecord;
      found->core = core.get();
      found->in_use.store(true, std::memory_order_relaxed);
      EpochRecord* head = core->records.load(std::memory_order_relaxed);
      do {
        found->next = head;
        // Release: advancers that see the record see its initialized fields.
      } while (!core->records.compare_exchange_weak(
          head, found, std::memory_order_release, std::memory_order_relaxed));
    }
    core->live_threads.fetch_add(1, std::memory_order_relaxed);
    regs.entries.emplace_back(core, found);
  }
  epoch_tls_cache = {core.get(), found};
  return found;
}

void Collect(EpochRecord* rec) {
  SealOpenBag(rec);
  const std::uint64_t global = TryAdvance(rec->core);
  CollectSealed(rec, global);
  CollectOrphans(rec->core, global);
}

void RetireSlow(EpochRecord* rec, RetiredItem item) {
  if (rec->open == nullptr) rec->open = NewBag(rec);
  EpochBag* bag = rec->open;
  bag->items[bag->size++] = item;
  AddCounter(rec->retired, 1);
  if (bag->size == EpochBag::kCapacity) Collect(rec);
}

}  // namespace internal

EpochDomain::EpochDomain() : core_(std::make_shared<internal::EpochCore>()) {}

EpochDomain::~EpochDomain() {
  internal::EpochCore* core = core_.get();
  internal::EpochBag* all = nullptr;
  {
    sync::MutexLock lock(&core->mu);
    core->dead.store(true, std::memory_order_release);
    for (internal::EpochRecord* r =
             core->records.load(std::memory_order_acquire);
         r != nullptr; r = r->next) {
      if ((r->state.load(std::memory_order_acquire) & 1) != 0) {
        ABSL_RAW_LOG(FATAL,
                     "moirai::lockfree::~EpochDomain: a thread is still "
                     "pinned (destroy every Guard before the domain)");
      }
      std::uint64_t n = 0;
      auto take = [&](internal::EpochBag* b) {
        while (b != nullptr) {
          internal::EpochBag* next = b->next;
          n += b->size;
          b->next = all;
          all = b;
          b = next;
        }
      };
      take(std::exchange(r->open, nullptr));
      take(std::exchange(r->sealed_head, nullptr));
      r->sealed_tail = nullptr;
      internal::AddCounter(r->reclaimed, n);
    }
    std::uint64_t orphans = 0;
    for (internal::EpochBag* b = core->orphans_head; b != nullptr;) {
      internal::EpochBag* next = b->next;
      orphans += b->size;
      b->next = all;
      all = b;
      b = next;
    }
    core->orphans_head = core->orphans_tail = nullptr;
    core->orphan_reclaimed.fetch_add(orphans, std::memory_order_relaxed);
  }
  while (all != nullptr) {
    internal::EpochBag* next = all->next;
    internal::RunDeleters(all);
    delete all;
    all = next;
  }
  // Threads still registered drop their reference at exit (or on their next
  // registration with another domain); the core is freed with the last one.
}

EpochDomain& EpochDomain::Default() {
  static EpochDomain* const domain = new EpochDomain;
  return *domain;
}

void EpochDomain::Flush() { internal::Collect(internal::LocalRecord(core_)); }

bool EpochDomain::Synchronize() {
  internal::EpochRecord* rec = internal::LocalRecord(core_);
  // Each pass can advance the epoch once; three passes free everything that
  // was retired before the call unless another thread is pinned in an old
  // epoch. A few extra passes absorb concurrent advancers.
  for (int i = 0; i < 8; ++i) {
    internal::Collect(rec);
    if (rec->sealed_head == nullptr &&
        !core_->has_orphans.load(std::memory_order_relaxed)) {
      return true;
    }
  }
  return rec->sealed_head == nullptr;
}

EpochDomain::Stats EpochDomain::GetStats() const {
  Stats s;
  s.epoch = core_->epoch.load(std::memory_order_relaxed);
  for (internal::EpochRecord* r =
           core_->records.load(std::memory_order_acquire);
       r != nullptr; r = r->next) {
    s.retired += r->retired.load(std::memory_order_relaxed);
    s.reclaimed += r->reclaimed.load(std::memory_order_relaxed);
    ++s.records;
  }
  s.reclaimed += core_->orphan_reclaimed.load(std::memory_order_relaxed);
  s.pending = s.retired >= s.reclaimed ? s.retired - s.reclaimed : 0;
  s.registered_threads = core_->live_threads.load(std::memory_order_relaxed);
  return s;
}

}  // namespace moirai::lockfree
