// Copyright 2026 The Moirai Authors.
//
// core/internal/fiber_safe_tls.h
// -----------------------------------------------------------------------------
//
// The one way Moirai code reaches a `thread_local` that fiber code can touch.
//
// A fiber may suspend on one thread and resume on another (async/runtime.h).
// Compilers treat the address of a thread-local as a constant for the whole
// function: GCC and clang compute it once and may keep it in a register, or
// hoist it out of a loop, across any call, including a call that switches
// fibers (GCC does so for -fPIC code with TLS descriptors, and for all code at
// some optimisation levels; clang before 16 likewise). The fiber then reads and
// writes the *old* thread's variable, unsynchronised with that thread.
//
// So every such variable is defined in one .cc file and reached only through
// an accessor declared there as
//
//   MOIRAI_FIBER_SAFE_TLS_ACCESSOR Foo* ThisThreadFoo() noexcept {
//     return HideTlsAddress(&tls_foo);
//   }
//
// `noinline` keeps the address computation inside the accessor, so every
// call computes it afresh on the calling thread; HideTlsAddress() keeps GCC's
// interprocedural analysis from proving the accessor `const` and merging two
// calls across a switch. The cost is one direct call per access.

#ifndef MOIRAI_CORE_INTERNAL_FIBER_SAFE_TLS_H_
#define MOIRAI_CORE_INTERNAL_FIBER_SAFE_TLS_H_

// MOIRAI_FIBER_SAFE_TLS_ACCESSOR
//
// Marks a function that returns the address of a thread-local (see above).
#define MOIRAI_FIBER_SAFE_TLS_ACCESSOR __attribute__((noinline))

namespace moirai::core::internal {

// HideTlsAddress()
//
// Returns `p` unchanged, through an empty asm the optimiser cannot see
// through (see the file comment).
template <typename T>
inline T* HideTlsAddress(T* p) noexcept {
  asm volatile("" : "+r"(p));
  return p;
}

}  // namespace moirai::core::internal

#endif  // MOIRAI_CORE_INTERNAL_FIBER_SAFE_TLS_H_
