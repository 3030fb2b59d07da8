// Copyright 2026 The Moirai Authors.
//
// sched/internal/affinity.h
// -----------------------------------------------------------------------------
//
// The one rule for where a pinned worker runs: worker i goes to the
// (i mod n)-th CPU of the process's affinity mask. Used by the scheduler to
// pin and by locality.h to describe the workers' places.

#ifndef MOIRAI_SCHED_INTERNAL_AFFINITY_H_
#define MOIRAI_SCHED_INTERNAL_AFFINITY_H_

#include <vector>

namespace moirai::sched::internal {

// AllowedCpus(): the CPUs in the process's affinity mask, ascending (empty
// if it cannot be read).
std::vector<int> AllowedCpus();

// WorkerCpu(): the CPU worker `index` is pinned to, given AllowedCpus();
// -1 when `allowed` is empty.
inline int WorkerCpu(const std::vector<int>& allowed, int index) {
  if (allowed.empty() || index < 0) return -1;
  return allowed[static_cast<std::size_t>(index) % allowed.size()];
}

}  // namespace moirai::sched::internal

#endif  // MOIRAI_SCHED_INTERNAL_AFFINITY_H_
