// Copyright 2026 The Moirai Authors.
//
// distributed/function_registry.h
// -----------------------------------------------------------------------------
//
// This header defines `FunctionRegistry`: the functions a binary lets peers
// call, by name. Code never travels: a remote task names a registered
// function and carries the hash of its C++ signature, so a peer can call only
// what this binary registered, and a binary built from other source gets
// InvalidArgument instead of misreading bytes.
//
//   int Add(int a, int b) { return a + b; }
//   FunctionRegistry registry;
//   absl::Status s = registry.Register<&Add>("add", {.idempotent = true});
//
// Signature hash: FNV-1a (64 bit) of a string such as "i32(i32,i32)" built
// from `TypeName<T>()`, which Moirai spells itself for the types the codec
// knows (never `typeid(T).name()`, which differs between compilers), so the
// hash is stable across builds of the same source. Parameters are hashed
// decayed (`const T&` is `T`). User types name themselves by specialising
// `TypeNameOf<T>`; trivially copyable ones default to "pod<size,align>" and
// protobuf messages to their full proto name.
//
// Thread safety: all members may be called concurrently (one mutex; lookups
// are a hash-map find under it). Entries are never removed, so a pointer
// returned by `Find` stays valid for the registry's lifetime.

#ifndef MOIRAI_DISTRIBUTED_FUNCTION_REGISTRY_H_
#define MOIRAI_DISTRIBUTED_FUNCTION_REGISTRY_H_

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "moirai/distributed/codec.h"
#include "moirai/sync/mutex.h"

namespace moirai::distributed {

// TypeNameOf<T>: specialise with `static std::string Name()` for your types.
// A type Moirai cannot name (and cannot encode: an in-process-only type such
// as std::unique_ptr) is "opaque<size,align>".
template <typename T, typename Enable = void>
struct TypeNameOf {
  static std::string Name() {
    return absl::StrCat("opaque<", sizeof(T), ",", alignof(T), ">");
  }
};

template <typename T>
std::string TypeName() {
  return TypeNameOf<std::remove_cvref_t<T>>::Name();
}

namespace internal {
template <typename T>
struct FixedName;
#define MOIRAI_DISTRIBUTED_FIXED_NAME(T, N) \
  template <>                               \
  struct FixedName<T> {                     \
    static std::string Name() { return N; } \
  }
MOIRAI_DISTRIBUTED_FIXED_NAME(void, "void");
MOIRAI_DISTRIBUTED_FIXED_NAME(bool, "bool");
MOIRAI_DISTRIBUTED_FIXED_NAME(char, "char");
MOIRAI_DISTRIBUTED_FIXED_NAME(signed char, "i8");
MOIRAI_DISTRIBUTED_FIXED_NAME(unsigned char, "u8");
MOIRAI_DISTRIBUTED_FIXED_NAME(short, "i16");           // NOLINT
MOIRAI_DISTRIBUTED_FIXED_NAME(unsigned short, "u16");  // NOLINT
MOIRAI_DISTRIBUTED_FIXED_NAME(int, "i32");
MOIRAI_DISTRIBUTED_FIXED_NAME(unsigned, "u32");
MOIRAI_DISTRIBUTED_FIXED_NAME(long, "i64");                // NOLINT
MOIRAI_DISTRIBUTED_FIXED_NAME(unsigned long, "u64");       // NOLINT
MOIRAI_DISTRIBUTED_FIXED_NAME(long long, "i64");           // NOLINT
MOIRAI_DISTRIBUTED_FIXED_NAME(unsigned long long, "u64");  // NOLINT
MOIRAI_DISTRIBUTED_FIXED_NAME(float, "f32");
MOIRAI_DISTRIBUTED_FIXED_NAME(double, "f64");
MOIRAI_DISTRIBUTED_FIXED_NAME(std::string, "string");
MOIRAI_DISTRIBUTED_FIXED_NAME(absl::Status, "status");
#undef MOIRAI_DISTRIBUTED_FIXED_NAME

template <typename T>
concept HasFixedName = requires {
  FixedName<T>::Name();
};

template <typename... T>
std::string JoinTypeNames() {
  std::string out;
  ((out += (out.empty() ? "" : ","), out += TypeName<T>()), ...);
  return out;
}

// FNV-1a, 64 bit.
constexpr std::uint64_t Fnv1a(absl::string_view s) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}
}  // namespace internal

template <typename T>
struct TypeNameOf<T, std::enable_if_t<internal::HasFixedName<T>>> {
  static std::string Name() { return internal::FixedName<T>::Name(); }
};
template <typename T>
struct TypeNameOf<std::vector<T>> {
  static std::string Name() { return "vector<" + TypeName<T>() + ">"; }
};
template <typename T, std::size_t N>
struct TypeNameOf<std::array<T, N>> {
  static std::string Name() {
    return absl::StrCat("array<", TypeName<T>(), ",", N, ">");
  }
};
template <typename A, typename B>
struct TypeNameOf<std::pair<A, B>> {
  static std::string Name() {
    return "pair<" + internal::JoinTypeNames<A, B>() + ">";
  }
};
template <typename... T>
struct TypeNameOf<std::tuple<T...>> {
  static std::string Name() {
    return "tuple<" + internal::JoinTypeNames<T...>() + ">";
  }
};
template <typename T>
struct TypeNameOf<std::optional<T>> {
  static std::string Name() { return "optional<" + TypeName<T>() + ">"; }
};
template <typename T>
struct TypeNameOf<absl::StatusOr<T>> {
  static std::string Name() { return "statusor<" + TypeName<T>() + ">"; }
};
template <typename T>
struct TypeNameOf<T, std::enable_if_t<std::is_enum_v<T>>> {
  static std::string Name() { return absl::StrCat("enum<", sizeof(T), ">"); }
};
template <typename T>
struct TypeNameOf<
    T, std::enable_if_t<std::is_base_of_v<google::protobuf::MessageLite, T>>> {
  static std::string Name() { return "proto<" + T().GetTypeName() + ">"; }
};
// Other trivially copyable classes: by layout only (name yours for a
// sharper check).
template <typename T>
struct TypeNameOf<
    T, std::enable_if_t<std::is_class_v<T> && std::is_trivially_copyable_v<T> &&
                        !internal::HasFixedName<T> &&
                        !internal::IsStdContainer<T>::value>> {
  static std::string Name() {
    return absl::StrCat("pod<", sizeof(T), ",", alignof(T), ">");
  }
};

// FunctionTraits<F>: the return and decayed parameter types of a function.
template <typename F>
struct FunctionTraits;
template <typename R, typename... A>
struct FunctionTraits<R (*)(A...)> {
  using Result = R;
  using Args = std::tuple<std::remove_cvref_t<A>...>;
  static std::string Signature() {
    return TypeName<R>() + "(" +
           internal::JoinTypeNames<std::remove_cvref_t<A>...>() + ")";
  }
};
template <typename R, typename... A>
struct FunctionTraits<R (*)(A...) noexcept> : FunctionTraits<R (*)(A...)> {};

// SignatureString<F>() / SignatureHash<F>()
template <auto F>
std::string SignatureString() {
  return FunctionTraits<decltype(F)>::Signature();
}
template <auto F>
std::uint64_t SignatureHash() {
  return internal::Fnv1a(SignatureString<F>());
}

// Roles a caller may have (the certificate role over a real transport).
inline constexpr absl::string_view kRoleNode = "node";
inline constexpr absl::string_view kRoleClient = "client";

struct FunctionOptions {
  // Safe to run more than once: retried on another node after a node loss
  // (within the retry policy), and cached by idempotency key.
  bool idempotent = false;
  // Who may call it. Default: nodes and clients.
  std::vector<std::string> allowed_roles = {std::string(kRoleNode),
                                            std::string(kRoleClient)};
};

// A registered function, type-erased.
struct FunctionEntry {
  std::string name;
  std::uint64_t signature = 0;
  std::string signature_string;
  FunctionOptions options;
  // The address that identifies F in this binary (never sent).
  const void* tag = nullptr;
  // Runs F on encoded args and returns its encoded result (the wire path).
  // Null when some argument or the result type is not Serializable: such a
  // function can only be called in-process (see `wire_error`).
  absl::AnyInvocable<absl::StatusOr<std::string>(absl::string_view,
                                                 const DecodeLimits&) const>
      invoke_encoded;
  std::string wire_error;  // why invoke_encoded is null

  bool AllowsRole(absl::string_view role) const noexcept;
};

namespace internal {
template <auto F>
struct FunctionTag {
  static constexpr char kTag = 0;
};
template <typename T>
struct ResultValue {
  using type = T;
};
template <typename T>
struct ResultValue<absl::StatusOr<T>> {
  using type = T;
};
template <>
struct ResultValue<absl::Status> {
  using type = void;
};
}  // namespace internal

// ValueOf<F>: the future value type of calling F remotely (R for R,
// absl::StatusOr<T>; void for void or absl::Status).
template <auto F>
using ValueOf = typename internal::ResultValue<
    typename FunctionTraits<decltype(F)>::Result>::type;

// InvokeToResult<F>(args): calls F with the tuple's elements as const
// lvalues (so two attempts may run on one tuple at once) and
// turns what it returns (or throws) into core::Result<ValueOf<F>>-style
// StatusOr / Status.
template <auto F, typename Tuple>
auto InvokeToResult(const Tuple& args) {
  using R = typename FunctionTraits<decltype(F)>::Result;
  using V = ValueOf<F>;
  using Out =
      std::conditional_t<std::is_void_v<V>, absl::Status, absl::StatusOr<V>>;
  try {
    if constexpr (std::is_void_v<R>) {
      std::apply(F, args);
      return Out(absl::OkStatus());
    } else {
      return Out(std::apply(F, args));
    }
  } catch (const std::exception& e) {
    return Out(absl::UnknownError(absl::StrCat("exception: ", e.what())));
  } catch (...) {
    return Out(absl::UnknownError("unknown exception"));
  }
}

class FunctionRegistry {
 public:
  FunctionRegistry() = default;
  FunctionRegistry(const FunctionRegistry&) = delete;
  FunctionRegistry& operator=(const FunctionRegistry&) = delete;

  // FunctionRegistry::Register<&F>()
  //
  // Registers F under `name`. InvalidArgument for an empty name or no
  // allowed role; AlreadyExists if the name is taken or F is registered
  // under another name.
  template <auto F>
  absl::Status Register(absl::string_view name, FunctionOptions options = {});

  // FunctionRegistry::Resolve()
  //
  // The entry a peer's call names. NotFound for an unknown name;
  // InvalidArgument when `signature` is not the registered one (the peer's
  // binary was built from other source); PermissionDenied when `role` may
  // not call it.
  absl::StatusOr<const FunctionEntry*> Resolve(absl::string_view name,
                                               std::uint64_t signature,
                                               absl::string_view role) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // FunctionRegistry::NameOf<&F>(): F's registered name, or NotFound.
  template <auto F>
  absl::StatusOr<std::string> NameOf() const {
    return NameOfTag(&internal::FunctionTag<F>::kTag);
  }

  // FunctionRegistry::Find(): by name, or nullptr.
  const FunctionEntry* Find(absl::string_view name) const
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Status Add(std::unique_ptr<FunctionEntry> entry)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::string> NameOfTag(const void* tag) const
      ABSL_LOCKS_EXCLUDED(mu_);

  mutable sync::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<FunctionEntry>> by_name_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<const void*, std::string> by_tag_ ABSL_GUARDED_BY(mu_);
};

template <auto F>
absl::Status FunctionRegistry::Register(absl::string_view name,
                                        FunctionOptions options) {
  using Traits = FunctionTraits<decltype(F)>;
  using Args = typename Traits::Args;
  using V = ValueOf<F>;
  auto entry = std::make_unique<FunctionEntry>();
  entry->name = std::string(name);
  entry->signature_string = SignatureString<F>();
  entry->signature = internal::Fnv1a(entry->signature_string);
  entry->options = std::move(options);
  entry->tag = &internal::FunctionTag<F>::kTag;
  constexpr bool kValueOk = std::is_void_v<V> || Serializable<V>;
  if constexpr (Serializable<Args> && kValueOk) {
    entry->invoke_encoded =
        [](absl::string_view bytes,
           const DecodeLimits& limits) -> absl::StatusOr<std::string> {
      absl::StatusOr<Args> args = DecodeAll<Args>(bytes, limits);
      if (!args.ok()) return args.status();
      auto result = InvokeToResult<F>(*args);
      if constexpr (std::is_void_v<V>) {
        if (!result.ok()) return result;
        return std::string();
      } else {
        if (!result.ok()) return result.status();
        return EncodeToString(*result);
      }
    };
  } else {
    entry->wire_error = absl::StrCat(
        "function ", name, " ", entry->signature_string,
        " has an argument or result type without a codec (codec.h), so it "
        "cannot be called over the wire");
  }
  return Add(std::move(entry));
}

}  // namespace moirai::distributed

#endif  // MOIRAI_DISTRIBUTED_FUNCTION_REGISTRY_H_
