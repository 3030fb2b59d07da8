// Copyright 2026 The Moirai Authors.
//
// async/internal/timer_queue.h
// -----------------------------------------------------------------------------
//
// The runtime's timers: one ordered set of deadlines and one timer thread per
// Runtime (never a thread per timer). The thread sleeps on a futex until the
// earliest deadline or until an earlier timer is added, then claims each
// expired timer's Waiter with the timer's tag and wakes it.
//
// A TimerNode lives on the stack of the waiting fiber. Remove() guarantees on
// return that the timer thread will not touch the node again: the thread
// claims nodes under the queue lock and only wakes Waiters it claimed (a
// claimed Waiter cannot return from Wait() before it is woken).

#ifndef MOIRAI_ASYNC_INTERNAL_TIMER_QUEUE_H_
#define MOIRAI_ASYNC_INTERNAL_TIMER_QUEUE_H_

#include <atomic>
#include <cstdint>
#include <set>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "moirai/async/internal/lock.h"
#include "moirai/async/internal/waiter.h"
#include "moirai/core/mono_time.h"

namespace moirai::async::internal {

struct TimerNode {
  core::MonoTime when;  // monotonic (see core/mono_time.h)
  Waiter* waiter = nullptr;
  int tag = kTagTimeout;
  std::uint64_t seq = 0;  // set by Add: ties broken in insertion order
  bool queued = false;    // guarded by the queue's lock
};

class TimerQueue {
 public:
  TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;
  // Joins the timer thread. Every node must have been removed or fired.
  ~TimerQueue();

  // TimerQueue::Add()
  //
  // Arms `node` (when, waiter, tag set by the caller).
  void Add(TimerNode* node);

  // TimerQueue::Remove()
  //
  // Disarms `node` if it has not fired; afterwards the queue never touches
  // it again.
  void Remove(TimerNode* node);

  // TimerQueue::size()
  //
  // Armed timers (for tests).
  std::size_t size();

 private:
  struct Earlier {
    bool operator()(const TimerNode* a, const TimerNode* b) const {
      if (a->when != b->when) return a->when < b->when;
      return a->seq < b->seq;
    }
  };

  void Loop();

  SpinMutex mu_;
  std::set<TimerNode*, Earlier> queue_ ABSL_GUARDED_BY(mu_);
  std::uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  // Futex word the timer thread sleeps on; bumped (under mu_) whenever the
  // earliest deadline moves earlier or the queue stops.
  std::atomic<std::uint32_t> epoch_{0};
  std::thread thread_;
};

}  // namespace moirai::async::internal

#endif  // MOIRAI_ASYNC_INTERNAL_TIMER_QUEUE_H_
