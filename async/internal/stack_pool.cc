// Copyright 2026 The Moirai Authors.

#include "moirai/async/internal/stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace moirai::async::internal {

std::size_t PageSize() noexcept {
  static const std::size_t page =
      static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

absl::StatusOr<Stack> AllocateStack(std::size_t size) {
  const std::size_t page = PageSize();
  if (size == 0) {
    return absl::InvalidArgumentError("fiber stack size must be positive");
  }
  const std::size_t usable = (size + page - 1) / page * page;
  const std::size_t total = usable + page;
  void* p =
      ::mmap(nullptr, total, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (p == MAP_FAILED) {
    const int err = errno;
    return absl::ErrnoToStatus(
        err, absl::StrCat("mmap of a ", total, "-byte fiber stack failed"));
  }
  if (::mprotect(p, page, PROT_NONE) != 0) {
    const int err = errno;
    ::munmap(p, total);
    return absl::ErrnoToStatus(err, "mprotect of a fiber stack guard failed");
  }
  Stack s;
  s.mapping = static_cast<char*>(p);
  s.mapping_size = total;
  s.base = s.mapping + page;
  s.size = usable;
  return s;
}

void FreeStack(Stack stack) noexcept {
  if (stack.valid()) ::munmap(stack.mapping, stack.mapping_size);
}

StackPool::StackPool(std::size_t stack_size, std::size_t max_cached)
    : stack_size_((stack_size + PageSize() - 1) / PageSize() * PageSize()),
      max_cached_(max_cached),
      worker_cache_capacity_(static_cast<int>(
          std::min<std::size_t>(kWorkerCacheSize, max_cached))) {}

StackPool::~StackPool() {
  for (int i = 0; i < num_worker_caches_; ++i) {
    WorkerCache& c = worker_caches_[i];
    for (int j = 0; j < c.count; ++j) FreeStack(c.stacks[j]);
    c.count = 0;
  }
  SpinLock lock(&mu_);
  for (const Stack& s : free_) FreeStack(s);
  free_.clear();
}

void StackPool::EnableWorkerCaches(int num_workers) {
  if (num_workers <= 0 || worker_cache_capacity_ == 0) return;
  worker_caches_ = std::make_unique<WorkerCache[]>(num_workers);
  num_worker_caches_ = num_workers;
}

absl::StatusOr<Stack> StackPool::Allocate(int slot) {
  WorkerCache* cache = CacheFor(slot);
  if (cache != nullptr && cache->count > 0) {
    return cache->stacks[--cache->count];
  }
  {
    SpinLock lock(&mu_);
    if (!free_.empty()) {
      Stack s = free_.back();
      free_.pop_back();
      return s;
    }
  }
  return AllocateStack(stack_size_);
}

void StackPool::Release(Stack stack, int slot) noexcept {
  if (!stack.valid()) return;
  WorkerCache* cache = CacheFor(slot);
  if (cache != nullptr && cache->count < worker_cache_capacity_) {
    cache->stacks[cache->count++] = stack;
    return;
  }
  {
    SpinLock lock(&mu_);
    if (free_.size() < max_cached_) {
      free_.push_back(stack);
      return;
    }
  }
  FreeStack(stack);
}

std::size_t StackPool::cached() const {
  SpinLock lock(&mu_);
  return free_.size();
}

int StackPool::worker_cached(int slot) const noexcept {
  const WorkerCache* cache = CacheFor(slot);
  return cache == nullptr ? 0 : cache->count;
}

}  // namespace moirai::async::internal
