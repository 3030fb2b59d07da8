// Copyright 2026 The Moirai Authors.
//
// Uses guarded fields only through Moirai's locks and guards. Under
// --config=clang (-Wthread-safety -Werror) this file compiles only if every
// lock type and guard carries the right annotations; the tests also run the
// code so that it is not dead.

#include <cstdint>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "gtest/gtest.h"
#include "moirai/sync/sync.h"

namespace moirai::sync {
namespace {

class Account {
 public:
  void Deposit(std::int64_t amount) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    balance_ += amount;
    DepositedLocked();
    cv_.NotifyAll();
  }

  std::int64_t balance() const ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    return balance_;
  }

  // Waits until the balance reaches `target`.
  void AwaitBalance(std::int64_t target) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    // The predicate runs with mu_ held; AssertHeld() tells the analysis so
    // (it cannot see through the CondVar's template).
    cv_.Wait(&mu_, [&] {
      mu_.AssertHeld();
      return balance_ >= target;
    });
  }

  bool TryDeposit(std::int64_t amount) ABSL_LOCKS_EXCLUDED(mu_) {
    if (!mu_.try_lock()) return false;
    balance_ += amount;
    mu_.unlock();
    cv_.NotifyAll();
    return true;
  }

 private:
  void DepositedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { ++deposits_; }

  mutable Mutex mu_;
  CondVar cv_;
  std::int64_t balance_ ABSL_GUARDED_BY(mu_) = 0;
  std::int64_t deposits_ ABSL_GUARDED_BY(mu_) = 0;
};

class Table {
 public:
  void Put(int v) ABSL_LOCKS_EXCLUDED(lock_) {
    WriterLock w(&lock_);
    value_ = v;
  }
  int Get() const ABSL_LOCKS_EXCLUDED(lock_) {
    ReaderLock r(&lock_);
    return value_;
  }
  bool TryGet(int* out) const ABSL_LOCKS_EXCLUDED(lock_) {
    if (!lock_.try_lock_shared()) return false;
    *out = value_;
    lock_.unlock_shared();
    return true;
  }

 private:
  mutable RwLock lock_;
  int value_ ABSL_GUARDED_BY(lock_) = 0;
};

class Stats {
 public:
  void Hit() ABSL_LOCKS_EXCLUDED(spin_, metered_) {
    {
      SpinLockHolder h(&spin_);
      ++spin_hits_;
    }
    MeteredLockHolder h(&metered_);
    ++metered_hits_;
  }
  std::int64_t hits() ABSL_LOCKS_EXCLUDED(spin_, metered_) {
    SpinLockHolder h(&spin_);
    MeteredLockHolder m(&metered_);
    return spin_hits_ + metered_hits_;
  }
  LockMetrics metrics;

 private:
  SpinLock spin_;
  MeteredLock<Mutex> metered_{&metrics};
  std::int64_t spin_hits_ ABSL_GUARDED_BY(spin_) = 0;
  std::int64_t metered_hits_ ABSL_GUARDED_BY(metered_) = 0;
};

TEST(ThreadSafetyTest, GuardedFieldsThroughGuards) {
  Account account;
  std::thread depositor([&] {
    for (int i = 0; i < 100; ++i) account.Deposit(1);
    while (!account.TryDeposit(1)) std::this_thread::yield();
  });
  account.AwaitBalance(101);
  depositor.join();
  EXPECT_EQ(account.balance(), 101);

  Table table;
  table.Put(7);
  EXPECT_EQ(table.Get(), 7);
  int v = 0;
  EXPECT_TRUE(table.TryGet(&v));
  EXPECT_EQ(v, 7);

  Stats stats;
  stats.Hit();
  stats.Hit();
  EXPECT_EQ(stats.hits(), 4);
  EXPECT_EQ(stats.metrics.Snapshot().acquisitions, 3);
}

}  // namespace
}  // namespace moirai::sync
