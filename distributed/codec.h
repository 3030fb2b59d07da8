// Copyright 2026 The Moirai Authors.
//
// distributed/codec.h
// -----------------------------------------------------------------------------
//
// This header defines the payload codec of remote tasks: how a function's
// arguments and its result become bytes and back.
//
//   std::string bytes;
//   moirai::distributed::Encoder enc(&bytes);
//   moirai::distributed::Encode(enc, std::vector<int>{1, 2, 3});
//   moirai::distributed::Decoder dec(bytes);
//   absl::StatusOr<std::vector<int>> v =
//       moirai::distributed::Decode<std::vector<int>>(dec);
//
// Supported types (`Serializable<T>`):
//   * arithmetic types and enums, written as their little-endian object
//     bytes (a decoded bool must be 0 or 1);
//   * trivially copyable class types that are not pointers, written as their
//     object bytes. The type must be valid for every bit pattern (no bool,
//     pointer or reference-like members): the codec cannot check that. Types
//     that are not valid for every pattern give their own `Codec<T>`;
//   * std::string, std::vector<T>, std::array<T, N>, std::pair<A, B>,
//     std::tuple<T...>, std::optional<T> of supported types;
//   * protobuf messages (anything derived from google::protobuf::MessageLite),
//     length-prefixed and serialized as-is;
//   * any T with a user specialization of `Codec<T>` (Encode / Decode below).
//
// Decoding is bounded: every length is checked against `DecodeLimits` and
// against the bytes that remain *before* anything is allocated, so truncated,
// oversized or garbage input gives InvalidArgument / ResourceExhausted, never
// undefined behaviour or a huge allocation. `DecodeAll` also rejects trailing
// bytes.
//
// The wire format is little-endian; this codec is for little-endian hosts
// (static_assert), which covers every target Moirai builds for.

#ifndef MOIRAI_DISTRIBUTED_CODEC_H_
#define MOIRAI_DISTRIBUTED_CODEC_H_

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"

namespace moirai::distributed {

static_assert(std::endian::native == std::endian::little,
              "moirai::distributed's codec assumes a little-endian host");

// DecodeLimits
//
// Bounds a decoder enforces. The defaults match gRPC's default 4 MiB
// message limit.
struct DecodeLimits {
  // Largest element count of one container (string bytes count too).
  std::uint32_t max_elements = 4u << 20;
  // Largest nesting of containers (vector<vector<...>>).
  int max_depth = 32;
};

// Encoder
//
// Appends to a caller-owned string. Never fails.
class Encoder {
 public:
  explicit Encoder(std::string* out) noexcept : out_(out) {}
  void Append(const void* data, std::size_t n) {
    out_->append(static_cast<const char*>(data), n);
  }
  void AppendLength(std::size_t n) {
    const std::uint32_t len = static_cast<std::uint32_t>(n);
    Append(&len, sizeof(len));
  }
  std::string* out() const noexcept { return out_; }

 private:
  std::string* out_;
};

// Decoder
//
// Reads from a borrowed byte range; every read is bounds-checked.
class Decoder {
 public:
  explicit Decoder(absl::string_view in, DecodeLimits limits = {}) noexcept
      : in_(in), limits_(limits) {}

  std::size_t remaining() const noexcept { return in_.size() - pos_; }
  const DecodeLimits& limits() const noexcept { return limits_; }

  // Decoder::Read(): copies `n` bytes out, or InvalidArgument if fewer remain.
  absl::Status Read(void* dst, std::size_t n) {
    if (n > remaining()) return Truncated(n);
    if (n != 0) std::memcpy(dst, in_.data() + pos_, n);
    pos_ += n;
    return absl::OkStatus();
  }
  // Decoder::ReadView(): the next `n` bytes, borrowed.
  absl::StatusOr<absl::string_view> ReadView(std::size_t n) {
    if (n > remaining()) return Truncated(n);
    absl::string_view v = in_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  // Decoder::ReadLength(): an element count, checked against the limits and
  // against the bytes left (each element takes >= `min_element_bytes`).
  absl::StatusOr<std::uint32_t> ReadLength(std::size_t min_element_bytes) {
    std::uint32_t len = 0;
    if (absl::Status s = Read(&len, sizeof(len)); !s.ok()) return s;
    if (len > limits_.max_elements) {
      return absl::ResourceExhaustedError(
          absl::StrCat("codec: a length of ", len, " exceeds the limit of ",
                       limits_.max_elements, " elements"));
    }
    const std::size_t need = static_cast<std::size_t>(len) *
                             std::max<std::size_t>(1, min_element_bytes);
    if (min_element_bytes > 0 && need > remaining()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "codec: a length of ", len, " needs at least ", need,
          " bytes but only ", remaining(), " remain (truncated or garbage)"));
    }
    return len;
  }
  // Nesting guard for containers.
  absl::Status Enter() {
    if (++depth_ > limits_.max_depth) {
      return absl::InvalidArgumentError(absl::StrCat(
          "codec: nesting deeper than ", limits_.max_depth, " levels"));
    }
    return absl::OkStatus();
  }
  void Leave() noexcept { --depth_; }

 private:
  absl::Status Truncated(std::size_t n) const {
    return absl::InvalidArgumentError(
        absl::StrCat("codec: truncated input: needs ", n, " more bytes at ",
                     pos_, ", ", remaining(), " remain"));
  }

  absl::string_view in_;
  std::size_t pos_ = 0;
  DecodeLimits limits_;
  int depth_ = 0;
};

// Codec<T>
//
// The customization point: `static void Encode(Encoder&, const T&)` and
// `static absl::Status Decode(Decoder&, T*)` (T default-constructible), and
// `static constexpr std::size_t kMinBytes` (the fewest bytes one encoded T
// takes, used to bound lengths before allocating). The primary template is
// undefined: a type without a codec is not Serializable.
template <typename T, typename Enable = void>
struct Codec;

template <typename T>
concept Serializable = requires {
  Codec<std::remove_cv_t<T>>::kMinBytes;
};

template <typename T>
void Encode(Encoder& enc, const T& value) {
  Codec<T>::Encode(enc, value);
}
template <typename T>
absl::Status DecodeInto(Decoder& dec, T* value) {
  return Codec<T>::Decode(dec, value);
}
template <typename T>
absl::StatusOr<T> Decode(Decoder& dec) {
  T value{};
  if (absl::Status s = Codec<T>::Decode(dec, &value); !s.ok()) return s;
  return value;
}

// EncodeToString() / DecodeAll()
//
// One value to a fresh string; one value from all of `bytes` (trailing bytes
// are InvalidArgument).
template <typename T>
std::string EncodeToString(const T& value) {
  std::string out;
  Encoder enc(&out);
  Encode(enc, value);
  return out;
}
template <typename T>
absl::StatusOr<T> DecodeAll(absl::string_view bytes, DecodeLimits limits = {}) {
  Decoder dec(bytes, limits);
  absl::StatusOr<T> v = Decode<T>(dec);
  if (v.ok() && dec.remaining() != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "codec: ", dec.remaining(), " trailing bytes after the value"));
  }
  return v;
}

namespace internal {

// The std templates with their own codec (some are trivially copyable for
// some T, e.g. std::optional<int>, and must not take the raw path).
template <typename T>
struct IsStdContainer : std::false_type {};
template <typename T, std::size_t N>
struct IsStdContainer<std::array<T, N>> : std::true_type {};
template <typename T>
struct IsStdContainer<std::optional<T>> : std::true_type {};
template <typename A, typename B>
struct IsStdContainer<std::pair<A, B>> : std::true_type {};
template <typename... T>
struct IsStdContainer<std::tuple<T...>> : std::true_type {};

// Raw object bytes: arithmetic, enums and trivially copyable classes; not
// pointers, not containers handled below, not protobuf messages.
template <typename T>
inline constexpr bool kRawCodec =
    std::is_trivially_copyable_v<T> && !std::is_pointer_v<T> &&
    !std::is_member_pointer_v<T> && !std::is_array_v<T> &&
    !IsStdContainer<T>::value && !std::is_empty_v<T> &&
    !std::is_base_of_v<google::protobuf::MessageLite, T>;

}  // namespace internal

template <typename T>
struct Codec<T, std::enable_if_t<internal::kRawCodec<T>>> {
  static constexpr std::size_t kMinBytes = sizeof(T);
  static void Encode(Encoder& enc, const T& v) { enc.Append(&v, sizeof(T)); }
  static absl::Status Decode(Decoder& dec, T* v) {
    if constexpr (std::is_same_v<T, bool>) {
      unsigned char b = 0;
      if (absl::Status s = dec.Read(&b, 1); !s.ok()) return s;
      if (b > 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("codec: a bool byte is ", int{b}, ", not 0 or 1"));
      }
      *v = b != 0;
      return absl::OkStatus();
    } else {
      return dec.Read(v, sizeof(T));
    }
  }
};

template <>
struct Codec<std::string> {
  static constexpr std::size_t kMinBytes = 4;
  static void Encode(Encoder& enc, const std::string& v) {
    enc.AppendLength(v.size());
    enc.Append(v.data(), v.size());
  }
  static absl::Status Decode(Decoder& dec, std::string* v) {
    absl::StatusOr<std::uint32_t> len = dec.ReadLength(1);
    if (!len.ok()) return len.status();
    absl::StatusOr<absl::string_view> bytes = dec.ReadView(*len);
    if (!bytes.ok()) return bytes.status();
    v->assign(bytes->data(), bytes->size());
    return absl::OkStatus();
  }
};

template <typename T>
struct Codec<std::vector<T>, std::enable_if_t<Serializable<T>>> {
  static constexpr std::size_t kMinBytes = 4;
  static void Encode(Encoder& enc, const std::vector<T>& v) {
    enc.AppendLength(v.size());
    if constexpr (internal::kRawCodec<T> && !std::is_same_v<T, bool>) {
      enc.Append(v.data(), v.size() * sizeof(T));
    } else {
      for (const T& e : v) Codec<T>::Encode(enc, e);
    }
  }
  static absl::Status Decode(Decoder& dec, std::vector<T>* v) {
    absl::StatusOr<std::uint32_t> len = dec.ReadLength(Codec<T>::kMinBytes);
    if (!len.ok()) return len.status();
    if (absl::Status s = dec.Enter(); !s.ok()) return s;
    v->clear();
    v->resize(*len);
    absl::Status s;
    if constexpr (internal::kRawCodec<T> && !std::is_same_v<T, bool>) {
      s = dec.Read(v->data(), v->size() * sizeof(T));
    } else {
      for (std::uint32_t i = 0; i < *len && s.ok(); ++i) {
        if constexpr (std::is_same_v<T, bool>) {  // vector<bool> proxies
          bool b = false;
          s = Codec<bool>::Decode(dec, &b);
          (*v)[i] = b;
        } else {
          s = Codec<T>::Decode(dec, &(*v)[i]);
        }
      }
    }
    dec.Leave();
    return s;
  }
};

template <typename T, std::size_t N>
struct Codec<std::array<T, N>, std::enable_if_t<Serializable<T>>> {
  static constexpr std::size_t kMinBytes = N * Codec<T>::kMinBytes;
  static void Encode(Encoder& enc, const std::array<T, N>& v) {
    for (const T& e : v) Codec<T>::Encode(enc, e);
  }
  static absl::Status Decode(Decoder& dec, std::array<T, N>* v) {
    for (T& e : *v) {
      if (absl::Status s = Codec<T>::Decode(dec, &e); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
};

template <typename A, typename B>
struct Codec<std::pair<A, B>,
             std::enable_if_t<Serializable<A> && Serializable<B>>> {
  static constexpr std::size_t kMinBytes =
      Codec<A>::kMinBytes + Codec<B>::kMinBytes;
  static void Encode(Encoder& enc, const std::pair<A, B>& v) {
    Codec<A>::Encode(enc, v.first);
    Codec<B>::Encode(enc, v.second);
  }
  static absl::Status Decode(Decoder& dec, std::pair<A, B>* v) {
    if (absl::Status s = Codec<A>::Decode(dec, &v->first); !s.ok()) return s;
    return Codec<B>::Decode(dec, &v->second);
  }
};

template <typename... T>
struct Codec<std::tuple<T...>, std::enable_if_t<(Serializable<T> && ...)>> {
  static constexpr std::size_t kMinBytes =
      (std::size_t{0} + ... + Codec<T>::kMinBytes);
  static void Encode(Encoder& enc, const std::tuple<T...>& v) {
    std::apply([&](const T&... e) { (Codec<T>::Encode(enc, e), ...); }, v);
  }
  static absl::Status Decode(Decoder& dec, std::tuple<T...>* v) {
    absl::Status s;
    std::apply(
        [&](T&... e) {
          ((s.ok() ? (void)(s = Codec<T>::Decode(dec, &e)) : (void)0), ...);
        },
        *v);
    return s;
  }
};

template <typename T>
struct Codec<std::optional<T>, std::enable_if_t<Serializable<T>>> {
  static constexpr std::size_t kMinBytes = 1;
  static void Encode(Encoder& enc, const std::optional<T>& v) {
    const unsigned char present = v.has_value() ? 1 : 0;
    enc.Append(&present, 1);
    if (v.has_value()) Codec<T>::Encode(enc, *v);
  }
  static absl::Status Decode(Decoder& dec, std::optional<T>* v) {
    bool present = false;
    if (absl::Status s = Codec<bool>::Decode(dec, &present); !s.ok()) return s;
    if (!present) {
      v->reset();
      return absl::OkStatus();
    }
    if (absl::Status s = dec.Enter(); !s.ok()) return s;
    absl::Status s = Codec<T>::Decode(dec, &v->emplace());
    dec.Leave();
    return s;
  }
};

// Protobuf messages: a length, then the message's own serialization.
template <typename T>
struct Codec<
    T, std::enable_if_t<std::is_base_of_v<google::protobuf::MessageLite, T>>> {
  static constexpr std::size_t kMinBytes = 4;
  static void Encode(Encoder& enc, const T& v) {
    std::string bytes = v.SerializeAsString();
    enc.AppendLength(bytes.size());
    enc.Append(bytes.data(), bytes.size());
  }
  static absl::Status Decode(Decoder& dec, T* v) {
    absl::StatusOr<std::uint32_t> len = dec.ReadLength(1);
    if (!len.ok()) return len.status();
    absl::StatusOr<absl::string_view> bytes = dec.ReadView(*len);
    if (!bytes.ok()) return bytes.status();
    if (!v->ParseFromArray(bytes->data(), static_cast<int>(bytes->size()))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "codec: the bytes do not parse as a ", v->GetTypeName()));
    }
    return absl::OkStatus();
  }
};

}  // namespace moirai::distributed

#endif  // MOIRAI_DISTRIBUTED_CODEC_H_
