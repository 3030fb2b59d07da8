// Copyright 2026 The Moirai Authors.
//
// sync/sync.h
// -----------------------------------------------------------------------------
//
// The umbrella header of `moirai::sync` (Bazel target `//sync`): every
// synchronisation primitive. Include the individual headers instead to keep
// dependencies narrow.
//
//   SpinLock        spin_lock.h        test-and-test-and-set, backoff, yield
//   Mutex           mutex.h            one-word adaptive futex mutex
//   RwLock          rw_lock.h          writer-preferring, distributed readers
//   CondVar         cond_var.h         condition variable for Mutex
//   Barrier         barrier.h          reusable, phased, completion step
//   Latch           latch.h            single-use count-down
//   WaitGroup       wait_group.h       Go-style add/done/wait
//   OnceCell<T>     once_cell.h        set-once value, lock-free reads
//   ShardedCounter  sharded_counter.h  per-thread-shard statistics counter
//   LockMetrics     lock_metrics.h     contention metrics, MeteredLock

#ifndef MOIRAI_SYNC_SYNC_H_
#define MOIRAI_SYNC_SYNC_H_

#include "moirai/sync/barrier.h"
#include "moirai/sync/cond_var.h"
#include "moirai/sync/latch.h"
#include "moirai/sync/lock_metrics.h"
#include "moirai/sync/mutex.h"
#include "moirai/sync/once_cell.h"
#include "moirai/sync/rw_lock.h"
#include "moirai/sync/sharded_counter.h"
#include "moirai/sync/spin_lock.h"
#include "moirai/sync/wait_group.h"

#endif  // MOIRAI_SYNC_SYNC_H_
