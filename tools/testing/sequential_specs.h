// Copyright 2026 The Moirai Authors.
//
// tools/testing/sequential_specs.h
// -----------------------------------------------------------------------------
//
// Sequential specifications for `CheckLinearizable()` (linearizability.h):
// LIFO stacks, FIFO queues (unbounded or bounded), and one key of a map (for
// `CheckLinearizablePartitioned()`).

#ifndef MOIRAI_TOOLS_TESTING_SEQUENTIAL_SPECS_H_
#define MOIRAI_TOOLS_TESTING_SEQUENTIAL_SPECS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace moirai::testing {

// ContainerOp / ContainerRet
//
// Invocations and responses of a stack, queue or work-stealing deque: a push
// of `value` (response `ok` = accepted; always true for unbounded
// containers), a pop (response `ok` = got an item, `value` = the item), or a
// steal from the other end (deques only; `retry` = lost a race, no effect).
template <typename T>
struct ContainerOp {
  enum class Kind { kPush, kPop, kSteal };
  Kind kind = Kind::kPush;
  T value{};

  static ContainerOp Push(T v) { return {Kind::kPush, v}; }
  static ContainerOp Pop() { return {Kind::kPop, T{}}; }
  static ContainerOp Steal() { return {Kind::kSteal, T{}}; }
};

template <typename T>
struct ContainerRet {
  bool ok = false;
  T value{};
  bool retry = false;  // kSteal only

  static ContainerRet Pushed(bool accepted = true) {
    return {accepted, T{}, false};
  }
  static ContainerRet Popped(std::optional<T> v) {
    return v.has_value() ? ContainerRet{true, *v, false}
                         : ContainerRet{false, T{}, false};
  }
  static ContainerRet Retry() { return {false, T{}, true}; }
};

namespace specs_internal {

template <typename T>
std::string DescribeContainerOp(const ContainerOp<T>& op,
                                const ContainerRet<T>& ret) {
  if (op.kind == ContainerOp<T>::Kind::kPush) {
    return absl::StrCat("push(", op.value, ") -> ", ret.ok ? "ok" : "full");
  }
  const char* name = op.kind == ContainerOp<T>::Kind::kPop ? "pop" : "steal";
  if (ret.retry) return absl::StrCat(name, "() -> retry");
  return ret.ok ? absl::StrCat(name, "() -> ", ret.value)
                : absl::StrCat(name, "() -> empty");
}

}  // namespace specs_internal

// StackSpec
//
// A LIFO stack with `capacity` slots (0 = unbounded). A pop on an empty
// stack reports `ok = false`; a push on a full one too.
template <typename T>
struct StackSpec {
  using State = std::vector<T>;  // bottom first
  using Op = ContainerOp<T>;
  using Ret = ContainerRet<T>;

  std::size_t capacity = 0;

  State Initial() const { return {}; }
  bool Apply(State& s, const Op& op, const Ret& ret) const {
    if (op.kind == Op::Kind::kPush) {
      const bool fits = capacity == 0 || s.size() < capacity;
      if (ret.ok != fits) return false;
      if (fits) s.push_back(op.value);
      return true;
    }
    if (op.kind != Op::Kind::kPop || ret.retry) return false;
    if (s.empty()) return !ret.ok;
    if (!ret.ok || !(s.back() == ret.value)) return false;
    s.pop_back();
    return true;
  }
  std::string Describe(const Op& op, const Ret& ret) const {
    return specs_internal::DescribeContainerOp(op, ret);
  }
};

// QueueSpec
//
// A FIFO queue with `capacity` slots (0 = unbounded). With
// `failures_may_be_spurious`, a failed push or pop is always allowed and has
// no effect: the weaker specification of queues (such as Vyukov's bounded
// queue) whose Try operations may fail while another operation is in flight.
// Such a spec no longer proves that nothing was lost: pair it with a
// quiescent count (pushes accepted == items popped).
template <typename T>
struct QueueSpec {
  using State = std::vector<T>;  // front first
  using Op = ContainerOp<T>;
  using Ret = ContainerRet<T>;

  std::size_t capacity = 0;
  bool failures_may_be_spurious = false;

  State Initial() const { return {}; }
  bool Apply(State& s, const Op& op, const Ret& ret) const {
    if (failures_may_be_spurious && !ret.ok && !ret.retry) return true;
    if (op.kind == Op::Kind::kPush) {
      const bool fits = capacity == 0 || s.size() < capacity;
      if (ret.ok != fits) return false;
      if (fits) s.push_back(op.value);
      return true;
    }
    if (op.kind != Op::Kind::kPop || ret.retry) return false;
    if (s.empty()) return !ret.ok;
    if (!ret.ok || !(s.front() == ret.value)) return false;
    s.erase(s.begin());
    return true;
  }
  std::string Describe(const Op& op, const Ret& ret) const {
    return specs_internal::DescribeContainerOp(op, ret);
  }
};

// DequeSpec
//
// A work-stealing deque: the owner pushes and pops at the back, thieves
// steal from the front. A steal may report `retry` (it lost a race) at any
// time, with no effect: a weaker specification than "retry only under
// contention", which a sequential specification cannot express.
template <typename T>
struct DequeSpec {
  using State = std::vector<T>;  // front (oldest) first
  using Op = ContainerOp<T>;
  using Ret = ContainerRet<T>;

  State Initial() const { return {}; }
  bool Apply(State& s, const Op& op, const Ret& ret) const {
    switch (op.kind) {
      case Op::Kind::kPush:
        if (!ret.ok) return false;
        s.push_back(op.value);
        return true;
      case Op::Kind::kPop:
        if (ret.retry) return false;
        if (s.empty()) return !ret.ok;
        if (!ret.ok || !(s.back() == ret.value)) return false;
        s.pop_back();
        return true;
      case Op::Kind::kSteal:
        if (ret.retry) return true;
        if (s.empty()) return !ret.ok;
        if (!ret.ok || !(s.front() == ret.value)) return false;
        s.erase(s.begin());
        return true;
    }
    return false;
  }
  std::string Describe(const Op& op, const Ret& ret) const {
    return specs_internal::DescribeContainerOp(op, ret);
  }
};

// MapOp / MapRet / MapKeySpec
//
// One key of a map, for `CheckLinearizablePartitioned(spec, history,
// MapKeyOf<K, V>)`. The state is the key's value, or nothing when absent.
//   kFind:            ok = present; value = the value when present.
//   kInsert:          inserts `value` if absent; ok = inserted.
//   kInsertOrAssign:  sets `value`; ok = it was absent (inserted).
//   kErase:           removes; ok = it was present.
//   kComputeIfAbsent: inserts `value` if absent; ok = inserted now;
//                     value = the value present afterwards.
//   kUpdateAdd:       adds `value` to a present value (update in place);
//                     ok = present.
template <typename K, typename V>
struct MapOp {
  enum class Kind {
    kFind,
    kInsert,
    kInsertOrAssign,
    kErase,
    kComputeIfAbsent,
    kUpdateAdd
  };
  Kind kind = Kind::kFind;
  K key{};
  V value{};
};

template <typename K, typename V>
struct MapRet {
  bool ok = false;
  V value{};
};

template <typename K, typename V>
struct MapKeySpec {
  using State = std::optional<V>;
  using Op = MapOp<K, V>;
  using Ret = MapRet<K, V>;
  using Kind = typename Op::Kind;

  State Initial() const { return std::nullopt; }
  bool Apply(State& s, const Op& op, const Ret& ret) const {
    switch (op.kind) {
      case Kind::kFind:
        if (ret.ok != s.has_value()) return false;
        return !s.has_value() || *s == ret.value;
      case Kind::kInsert:
        if (ret.ok != !s.has_value()) return false;
        if (!s.has_value()) s = op.value;
        return true;
      case Kind::kInsertOrAssign:
        if (ret.ok != !s.has_value()) return false;
        s = op.value;
        return true;
      case Kind::kErase:
        if (ret.ok != s.has_value()) return false;
        s.reset();
        return true;
      case Kind::kComputeIfAbsent:
        if (ret.ok != !s.has_value()) return false;
        if (!s.has_value()) s = op.value;
        return *s == ret.value;
      case Kind::kUpdateAdd:
        if (ret.ok != s.has_value()) return false;
        if (s.has_value()) *s = *s + op.value;
        return true;
    }
    return false;
  }
  std::string Describe(const Op& op, const Ret& ret) const {
    const char* ok = ret.ok ? "true" : "false";
    switch (op.kind) {
      case Kind::kFind:
        return ret.ok ? absl::StrCat("find(", op.key, ") -> ", ret.value)
                      : absl::StrCat("find(", op.key, ") -> absent");
      case Kind::kInsert:
        return absl::StrCat("insert(", op.key, ", ", op.value, ") -> ", ok);
      case Kind::kInsertOrAssign:
        return absl::StrCat("insert_or_assign(", op.key, ", ", op.value,
                            ") -> inserted=", ok);
      case Kind::kErase:
        return absl::StrCat("erase(", op.key, ") -> ", ok);
      case Kind::kComputeIfAbsent:
        return absl::StrCat("compute_if_absent(", op.key, ", ", op.value,
                            ") -> inserted=", ok, " value=", ret.value);
      case Kind::kUpdateAdd:
        return absl::StrCat("update_add(", op.key, ", ", op.value, ") -> ", ok);
    }
    return "?";
  }
};

// MapKeyOf()
//
// The partition key of a map operation.
template <typename K, typename V>
K MapKeyOf(const MapOp<K, V>& op) {
  return op.key;
}

}  // namespace moirai::testing

#endif  // MOIRAI_TOOLS_TESTING_SEQUENTIAL_SPECS_H_
