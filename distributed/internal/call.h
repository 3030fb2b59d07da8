// Copyright 2026 The Moirai Authors.
//
// distributed/internal/call.h
// -----------------------------------------------------------------------------
//
// The typed half of one remote call, built by `Cluster::Spawn<&F>`: the
// arguments, how to run F on them in process, how to encode them for the
// wire, and the promise its future waits on. The cluster drives it through
// the type-erased `Call` interface.
//
// Attempts may overlap (a retry on another node while the first attempt's
// worker still runs F on a node declared dead), so running is const: the
// arguments are read-only (F gets them as const lvalues) and each run hands
// its value back in its own holder.

#ifndef MOIRAI_DISTRIBUTED_INTERNAL_CALL_H_
#define MOIRAI_DISTRIBUTED_INTERNAL_CALL_H_

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "moirai/core/future.h"
#include "moirai/distributed/codec.h"
#include "moirai/distributed/function_registry.h"

namespace moirai::distributed::internal {

class Call {
 public:
  virtual ~Call() = default;
  // The arguments in the binary codec, or FailedPrecondition when some
  // argument type has no codec.
  virtual absl::StatusOr<std::string> EncodeArgs() const = 0;
  // Runs F in process; on success `*value` holds the value (a V).
  virtual absl::Status RunTyped(std::shared_ptr<void>* value) const = 0;
  // Whether a value may be shared by several calls (a result cache hit):
  // V is copyable (or void).
  virtual bool cacheable() const noexcept = 0;
  // Satisfies the promise, once: with `status` if not OK, else with the
  // value in `value` (a V, or its encoding when `encoded`).
  virtual void Complete(absl::Status status, std::shared_ptr<void> value,
                        bool encoded) = 0;
};

template <auto F>
class CallImpl final : public Call {
  using Args = typename FunctionTraits<decltype(F)>::Args;
  using V = ValueOf<F>;

 public:
  CallImpl(core::Promise<V> promise, Args args)
      : promise_(std::move(promise)), args_(std::move(args)) {}

  absl::StatusOr<std::string> EncodeArgs() const override {
    if constexpr (Serializable<Args>) {
      return EncodeToString(args_);
    } else {
      return absl::FailedPreconditionError(
          absl::StrCat("an argument of ", SignatureString<F>(),
                       " has no codec (codec.h): it cannot cross the wire"));
    }
  }

  absl::Status RunTyped(std::shared_ptr<void>* value) const override {
    auto result = InvokeToResult<F>(args_);
    if constexpr (std::is_void_v<V>) {
      return result;
    } else {
      if (!result.ok()) return result.status();
      *value = std::make_shared<V>(std::move(*result));
      return absl::OkStatus();
    }
  }

  bool cacheable() const noexcept override {
    return std::is_void_v<V> || std::is_copy_constructible_v<V>;
  }

  void Complete(absl::Status status, std::shared_ptr<void> value,
                bool encoded) override {
    if (!status.ok()) {
      (void)promise_.SetError(std::move(status));
      return;
    }
    if constexpr (std::is_void_v<V>) {
      (void)promise_.SetValue();
    } else {
      if (value == nullptr) {
        (void)promise_.SetError(
            absl::InternalError("remote task succeeded without a value"));
      } else if (encoded) {
        if constexpr (Serializable<V>) {
          absl::StatusOr<V> v =
              DecodeAll<V>(*static_cast<const std::string*>(value.get()));
          if (v.ok()) {
            (void)promise_.SetValue(std::move(*v));
          } else {
            (void)promise_.SetError(v.status());
          }
        } else {
          (void)promise_.SetError(absl::InternalError(
              "an encoded value for a type without a codec"));
        }
      } else if (value.use_count() == 1) {  // ours alone: move it out
        (void)promise_.SetValue(std::move(*static_cast<V*>(value.get())));
      } else if constexpr (std::is_copy_constructible_v<V>) {
        (void)promise_.SetValue(V(*static_cast<const V*>(value.get())));
      } else {
        (void)promise_.SetError(
            absl::InternalError("a shared value of a move-only type"));
      }
    }
  }

 private:
  core::Promise<V> promise_;
  const Args args_;
};

}  // namespace moirai::distributed::internal

#endif  // MOIRAI_DISTRIBUTED_INTERNAL_CALL_H_
