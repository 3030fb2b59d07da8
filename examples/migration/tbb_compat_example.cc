// Copyright 2026 The Moirai Authors.
//
// examples/migration/tbb_compat_example.cc
// -----------------------------------------------------------------------------
//
// docs/MIGRATION.md's oneTBB code compiled against Moirai's adapters: the
// include and the namespace alias are the only lines that changed.

#include <cstddef>
#include <functional>
#include <vector>

// [START tbb_compat]
#include "moirai/sched/compat/tbb.h"  // was: #include <oneapi/tbb.h>
namespace tbb = moirai::sched::compat::tbb;

long SumOfSquares(const std::vector<long>& v) {
  return tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, v.size()), 0L,
      [&](const tbb::blocked_range<std::size_t>& r, long acc) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) acc += v[i] * v[i];
        return acc;
      },
      std::plus<long>());
}
// [END tbb_compat]
