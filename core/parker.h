// Copyright 2026 The Moirai Authors.
//
// core/parker.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::core::Parker`: how the code that runs a task
// lets that task wait without blocking the thread under it. A fiber runtime
// (async/) gives each fiber a Parker and installs it in the fiber's
// `TaskContext` (see `TaskContext::parker()`); a plain task or thread has
// none. Blocking code below the runtime -- `sched::TaskGroup::Wait()`, for
// instance -- looks at the current context: with a Parker it suspends the
// task (the worker runs other work meanwhile), without one it helps or
// blocks the thread.
//
// Contract (exactly once): `Park()` is called by the task itself and returns
// after exactly one `Unpark()`; an `Unpark()` that comes first makes the next
// `Park()` return at once. Every `Unpark()` must answer one `Park()`: a waker
// calls it once, after it claimed the wait (for example by unlinking the
// waiter from a list under a lock), and never touches the waiter again. An
// extra `Unpark()` would end some later, unrelated `Park()` early.
//
// Memory ordering: everything the waker did before `Unpark()` happens before
// the matching `Park()` returns.

#ifndef MOIRAI_CORE_PARKER_H_
#define MOIRAI_CORE_PARKER_H_

namespace moirai::core {

class Parker {
 public:
  // Parker::Park()
  //
  // Called on the task that owns this Parker: suspends it until Unpark().
  virtual void Park() noexcept = 0;

  // Parker::Unpark()
  //
  // From any thread, once per Park() (see the file comment).
  virtual void Unpark() noexcept = 0;

 protected:
  Parker() = default;
  Parker(const Parker&) = default;
  Parker& operator=(const Parker&) = default;
  virtual ~Parker() = default;
};

}  // namespace moirai::core

#endif  // MOIRAI_CORE_PARKER_H_
