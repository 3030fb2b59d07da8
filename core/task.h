// Copyright 2026 The Moirai Authors.
//
// core/task.h
// -----------------------------------------------------------------------------
//
// This header defines `moirai::core::Task`, the unit of work every Moirai
// scheduler runs: a move-only, type-erased `void()` callable that also carries
// its `TaskId`, its `Priority` and optional `TaskMetadata` (a name and tags).
//
// Storage: a callable is stored inline, with no heap allocation, when
//
//   sizeof(F) <= Task::kInlineSize (48 bytes: six pointers),
//   alignof(F) <= Task::kInlineAlign (alignof(std::max_align_t), 16 on x86-64),
//   and F is nothrow-move-constructible.
//
// `Task::kStoresInline<F>` says whether that holds for `F`. Other callables
// are moved into one heap allocation owned by the task. Metadata is allocated
// only when set. Moving a task whose callable is trivially copyable (or lives
// on the heap) is a fixed-size memcpy; otherwise it is F's move constructor.
//
// A task is not thread-safe: one thread at a time may use a given `Task`.
// Invoking it runs the callable (as an lvalue; it may be invoked more than
// once). Exceptions thrown by the callable propagate out of `operator()` to
// the caller; wrap the work with `Promise::SetFrom` (future.h) to turn them
// into a status instead.
//
// Example:
//
//   int* out = ...;
//   moirai::core::Task t([out] { *out = 42; }, moirai::core::Priority::kHigh);
//   t();  // *out == 42

#ifndef MOIRAI_CORE_TASK_H_
#define MOIRAI_CORE_TASK_H_

#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/strings/string_view.h"
#include "moirai/core/arch.h"
#include "moirai/core/internal/check.h"
#include "moirai/core/priority.h"
#include "moirai/core/task_id.h"

namespace moirai::core {

// TaskMetadata
//
// Optional, human-oriented description of a task, for tracing and debugging.
struct TaskMetadata {
  std::string name;
  std::vector<std::string> tags;

  // TaskMetadata::HasTag()
  bool HasTag(absl::string_view tag) const noexcept;

  friend bool operator==(const TaskMetadata&, const TaskMetadata&) = default;
};

namespace internal {

// The per-callable-type operations of a `Task`. One static instance exists
// per stored type; a task points at it.
struct TaskOps {
  // Runs the callable stored in `storage`.
  void (*invoke)(void* storage);
  // Move-constructs the callable from `src` into `dst` and destroys `src`.
  // nullptr: a memcpy of the whole inline buffer is a valid relocation
  // (trivially copyable callables, and heap-stored ones, whose buffer holds
  // only the pointer).
  void (*relocate)(void* dst, void* src) noexcept;
  // Destroys the callable (frees it if on the heap). nullptr: trivial.
  void (*destroy)(void* storage) noexcept;
  // True when the callable lives in the inline buffer.
  bool is_inline;
};

template <typename T>
struct IsStdFunction : std::false_type {};
template <typename Sig>
struct IsStdFunction<std::function<Sig>> : std::true_type {};
template <typename Sig>
struct IsStdFunction<absl::AnyInvocable<Sig>> : std::true_type {};

// True for callables that can be "null": function pointers, member
// pointers, std::function and absl::AnyInvocable. A null one makes an empty
// Task rather than a task that crashes when run.
template <typename F>
bool IsNullCallable(const F& f) noexcept {
  if constexpr (std::is_pointer_v<F> || std::is_member_pointer_v<F>) {
    return f == nullptr;
  } else if constexpr (IsStdFunction<F>::value) {
    return !static_cast<bool>(f);
  } else {
    return false;
  }
}

// Tag of Task's constructor that takes a TaskId reserved by the caller
// (see TaskId::Next): for schedulers that keep a per-worker id block, where
// the thread-local block would cost an out-of-line call per task.
struct ReservedIdTag {};

}  // namespace internal

class Task {
 public:
  // Size and alignment of the inline buffer (see the file comment).
  static constexpr std::size_t kInlineSize = 48;
  static constexpr std::size_t kInlineAlign = alignof(std::max_align_t);

  // Task::kStoresInline<F>
  //
  // True when a Task built from an `F` stores it without allocating.
  template <typename F>
  static constexpr bool kStoresInline =
      sizeof(std::decay_t<F>) <= kInlineSize &&
      alignof(std::decay_t<F>) <=
          kInlineAlign&& std::is_nothrow_move_constructible_v<std::decay_t<F>>;

  // Task::Task()
  //
  // An empty task: `operator bool` is false, the id is invalid, the priority
  // is normal. Invoking it crashes (see `operator()`).
  Task() noexcept = default;

  // Task::Task(f, priority)
  //
  // Stores `f` (moved or copied; see the file comment for where), takes a new
  // `TaskId::Next()` and the given priority. A null function pointer, an
  // empty std::function or an empty absl::AnyInvocable gives an empty task
  // (that still has an id and priority). `priority` must be one of the five
  // enumerators; anything else (reachable only through a cast) crashes.
  template <typename F, typename D = std::decay_t<F>,
            typename = std::enable_if_t<!std::is_same_v<D, Task> &&
                                        std::is_invocable_v<D&>>>
  explicit Task(F&& f, Priority priority = Priority::kNormal)
      : Task(internal::ReservedIdTag{}, TaskId::Next(), std::forward<F>(f),
             priority) {}

  // Task::Task(tag, id, f, priority)
  //
  // As above, with an id the caller reserved (internal::ReservedIdTag):
  // `id` must come from TaskId::Next() or internal::RefillTaskIdBlock and be
  // used once.
  template <typename F, typename D = std::decay_t<F>,
            typename = std::enable_if_t<!std::is_same_v<D, Task> &&
                                        std::is_invocable_v<D&>>>
  Task(internal::ReservedIdTag, TaskId id, F&& f,
       Priority priority = Priority::kNormal)
      : id_(id), priority_(CheckedPriority(priority)) {
    if (internal::IsNullCallable(f)) return;
    if constexpr (kStoresInline<D>) {
      ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
    } else {
      D* heap = new D(std::forward<F>(f));
      std::memcpy(storage_, &heap, sizeof(heap));
    }
    ops_ = &kOps<D>;
  }

  // Task::Task(Task&&)
  //
  // Takes `other`'s callable, id, priority and metadata; `other` is left
  // empty with an invalid id and no metadata.
  Task(Task&& other) noexcept
      : ops_(other.ops_),
        metadata_(other.metadata_),
        id_(other.id_),
        priority_(other.priority_) {
    if (ops_ != nullptr) RelocateFrom(other);
    other.ops_ = nullptr;
    other.metadata_ = nullptr;
    other.id_ = TaskId();
  }

  // Task::operator=(Task&&)
  //
  // Destroys this task's callable and metadata, then behaves like the move
  // constructor. Self-move is a no-op.
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      Reset();
      ops_ = other.ops_;
      metadata_ = other.metadata_;
      id_ = other.id_;
      priority_ = other.priority_;
      if (ops_ != nullptr) RelocateFrom(other);
      other.ops_ = nullptr;
      other.metadata_ = nullptr;
      other.id_ = TaskId();
    }
    return *this;
  }

  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  ~Task() { Reset(); }

  // Task::operator bool()
  //
  // True when the task holds a callable.
  explicit operator bool() const noexcept { return ops_ != nullptr; }

  // Task::operator()()
  //
  // Runs the callable. Invoking an empty task is a programming error and
  // aborts the process with a message, in every build mode. Exceptions from
  // the callable propagate.
  void operator()() {
    MOIRAI_INTERNAL_CHECK(ops_ != nullptr,
                          "invoked an empty moirai::core::Task");
    ops_->invoke(storage_);
  }

  // Task::Reset()
  //
  // Destroys the callable and the metadata. The task becomes empty with an
  // invalid id and normal priority, like a default-constructed one.
  void Reset() noexcept {
    if (ops_ != nullptr && ops_->destroy != nullptr) ops_->destroy(storage_);
    ops_ = nullptr;
    delete metadata_;
    metadata_ = nullptr;
    id_ = TaskId();
    priority_ = Priority::kNormal;
  }

  // Task::id()
  TaskId id() const noexcept { return id_; }

  // Task::priority() / Task::set_priority()
  //
  // `set_priority` crashes on a value outside the five enumerators.
  Priority priority() const noexcept { return priority_; }
  void set_priority(Priority priority) noexcept {
    priority_ = CheckedPriority(priority);
  }

  // Task::metadata()
  //
  // nullptr when none was set (the common case, which allocates nothing).
  // The pointer stays valid until the metadata is replaced or cleared, or
  // the task is destroyed, reset or moved from.
  const TaskMetadata* metadata() const noexcept { return metadata_; }

  // Task::set_metadata() / Task::clear_metadata()
  void set_metadata(TaskMetadata metadata);
  void clear_metadata() noexcept {
    delete metadata_;
    metadata_ = nullptr;
  }

  // Task::is_inline()
  //
  // True when the task holds a callable stored in the inline buffer; false
  // for an empty task or a heap-stored callable. For tests and diagnostics.
  bool is_inline() const noexcept { return ops_ != nullptr && ops_->is_inline; }

 private:
  static Priority CheckedPriority(Priority p) noexcept {
    MOIRAI_INTERNAL_CHECK(
        PriorityIndex(p) < kNumPriorities,
        "moirai::core::Task given a Priority outside the five levels");
    return p;
  }

  // Precondition: ops_ == other.ops_ != nullptr.
  void RelocateFrom(Task& other) noexcept {
    if (ops_->relocate == nullptr) {
      std::memcpy(storage_, other.storage_, kInlineSize);
    } else {
      ops_->relocate(storage_, other.storage_);
    }
  }

  template <typename D>
  static D* InlinePtr(void* storage) noexcept {
    return std::launder(static_cast<D*>(storage));
  }
  template <typename D>
  static D* HeapPtr(void* storage) noexcept {
    D* p;
    std::memcpy(&p, storage, sizeof(p));
    return p;
  }

  template <typename D>
  static constexpr internal::TaskOps MakeOps() noexcept {
    if constexpr (kStoresInline<D>) {
      constexpr bool kTrivial = std::is_trivially_copyable_v<D>;
      return internal::TaskOps{
          [](void* s) { std::invoke(*InlinePtr<D>(s)); },
          kTrivial ? nullptr
                   : +[](void* dst, void* src) noexcept {
                       D* from = InlinePtr<D>(src);
                       ::new (dst) D(std::move(*from));
                       from->~D();
                     },
          kTrivial ? nullptr
                   : +[](void* s) noexcept { InlinePtr<D>(s)->~D(); },
          true};
    } else {
      return internal::TaskOps{
          [](void* s) { std::invoke(*HeapPtr<D>(s)); }, nullptr,
          [](void* s) noexcept { delete HeapPtr<D>(s); }, false};
    }
  }

  template <typename D>
  static constexpr internal::TaskOps kOps = MakeOps<D>();

  // Invariant: when ops_ != nullptr, storage_ holds a live callable of the
  // type ops_ was made for (inline, or a pointer to it when !is_inline).
  alignas(kInlineAlign) unsigned char storage_[kInlineSize];
  const internal::TaskOps* ops_ = nullptr;  // nullptr: empty task
  TaskMetadata* metadata_ = nullptr;        // owned; nullptr: none
  TaskId id_;
  Priority priority_ = Priority::kNormal;
};

// A Task is five words plus the priority byte: 48 + 8 + 8 + 8 + 1, padded.
static_assert(sizeof(Task) == 80, "keep moirai::core::Task small");

}  // namespace moirai::core

#endif  // MOIRAI_CORE_TASK_H_
