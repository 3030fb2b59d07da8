// Copyright 2026 The Moirai Authors.
//
// rt/internal/arith.h
// -----------------------------------------------------------------------------
//
// This header defines the overflow-safe integer arithmetic that the rt
// analyses share: saturating add and multiply on non-negative nanoseconds,
// ceiling and floor division, gcd/lcm with overflow detection, and
// `ExactFractionSum`, an exact rational sum of C_i/P_i terms in 128 bits.
//
// Why saturate: the analyses only ever compare a growing workload against a
// deadline or an interval length. A sum that overflows int64 is larger than
// every deadline (all task times are below kMaxTaskTime = 2^62), so clamping
// it at INT64_MAX gives the same comparison outcome without undefined
// behaviour.
//
// Why exact fractions: "U <= 1" decides EDF schedulability exactly. Summed
// in floating point, a set with U exactly 1 can round above 1 (a false
// reject) and, worse, a set with U = 1 + 2^-60 can round to 1 (a false
// accept). The exact sum decides whenever the common denominator fits in
// 128 bits (always for period menus, whose lcm is bounded); callers fall
// back to a conservative floating-point comparison when it does not.

#ifndef MOIRAI_RT_INTERNAL_ARITH_H_
#define MOIRAI_RT_INTERNAL_ARITH_H_

#include <cstdint>
#include <limits>
#include <optional>

namespace moirai::rt::internal {

inline constexpr std::int64_t kSaturated =
    std::numeric_limits<std::int64_t>::max();

// SatAdd(): a + b for a, b >= 0, or kSaturated if that overflows.
inline std::int64_t SatAdd(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r;
  return __builtin_add_overflow(a, b, &r) ? kSaturated : r;
}

// SatMul(): a * b for a, b >= 0, or kSaturated if that overflows.
inline std::int64_t SatMul(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r;
  return __builtin_mul_overflow(a, b, &r) ? kSaturated : r;
}

// CeilDiv(): ceil(a / b) for a >= 0, b > 0.
inline std::int64_t CeilDiv(std::int64_t a, std::int64_t b) noexcept {
  return a / b + (a % b != 0 ? 1 : 0);
}

// FloorDiv(): floor(a / b) for b > 0 and any a (C++ `/` truncates toward
// zero, which differs for negative a).
inline std::int64_t FloorDiv(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

// Gcd(): greatest common divisor of two non-negative values.
template <typename U>
U Gcd(U a, U b) noexcept {
  while (b != 0) {
    const U t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// CheckedLcm(): lcm(a, b) for a, b > 0, or nullopt if it overflows int64.
inline std::optional<std::int64_t> CheckedLcm(std::int64_t a,
                                              std::int64_t b) noexcept {
  const std::int64_t g = Gcd(a, b);
  std::int64_t r;
  if (__builtin_mul_overflow(a / g, b, &r)) return std::nullopt;
  return r;
}

// ExactFractionSum
//
// Accumulates sum_i num_i / den_i (num_i >= 0, den_i > 0) as one reduced
// fraction with 128-bit numerator and denominator. Once a step would
// overflow, the sum is marked inexact and stays so; callers then fall back
// to floating point with a safety margin.
class ExactFractionSum {
 public:
  using U128 = unsigned __int128;

  // ExactFractionSum::Add(): adds num / den. No effect once inexact.
  void Add(std::uint64_t num, std::uint64_t den) noexcept {
    if (!exact_) return;
    const U128 d = den;
    const U128 g = Gcd<U128>(den_, d);
    U128 new_den, lhs, rhs, new_num;
    if (__builtin_mul_overflow(den_ / g, d, &new_den) ||
        __builtin_mul_overflow(num_, d / g, &lhs) ||
        __builtin_mul_overflow(static_cast<U128>(num), den_ / g, &rhs) ||
        __builtin_add_overflow(lhs, rhs, &new_num)) {
      exact_ = false;
      return;
    }
    const U128 r = Gcd<U128>(new_num, new_den);
    num_ = new_num / r;
    den_ = new_den / r;
  }

  // ExactFractionSum::exact(): whether no step overflowed.
  bool exact() const noexcept { return exact_; }

  // ExactFractionSum::CompareToOne(): -1, 0 or +1 as the sum is below, equal
  // to or above 1; nullopt when inexact.
  std::optional<int> CompareToOne() const noexcept {
    if (!exact_) return std::nullopt;
    if (num_ < den_) return -1;
    return num_ == den_ ? 0 : 1;
  }

  U128 numerator() const noexcept { return num_; }
  U128 denominator() const noexcept { return den_; }

 private:
  U128 num_ = 0;
  U128 den_ = 1;
  bool exact_ = true;
};

}  // namespace moirai::rt::internal

#endif  // MOIRAI_RT_INTERNAL_ARITH_H_
