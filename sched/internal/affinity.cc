// Copyright 2026 The Moirai Authors.

#include "moirai/sched/internal/affinity.h"

#include <sched.h>

#include <vector>

namespace moirai::sched::internal {

std::vector<int> AllowedCpus() {
  std::vector<int> cpus;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
  }
  return cpus;
}

}  // namespace moirai::sched::internal
