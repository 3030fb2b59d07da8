// Copyright 2026 The Moirai Authors.

#include "moirai/async/internal/stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace moirai::async::internal {

std::size_t PageSize() noexcept {
  static const std::size_t page =
      static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

absl::StatusOr<Stack> AllocateStack(std::size_t size, std::size_t guard_size) {
  const std::size_t page = PageSize();
  if (size == 0) {
    return absl::InvalidArgumentError("fiber stack size must be positive");
  }
  if (guard_size == 0 || guard_size > kMaxGuardSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("fiber stack guard size must be in [1, ", kMaxGuardSize,
                     "], got ", guard_size));
  }
  // The guard is at most 1 GiB, so only `size` can overflow the total.
  if (size > SIZE_MAX / 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("fiber stack size ", size, " is too large"));
  }
  const std::size_t usable = (size + page - 1) / page * page;
  const std::size_t guard = (guard_size + page - 1) / page * page;
  const std::size_t reservation = page;
  const std::size_t total = reservation + guard + usable;
  void* p =
      ::mmap(nullptr, total, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (p == MAP_FAILED) {
    const int err = errno;
    return absl::ErrnoToStatus(
        err, absl::StrCat("mmap of a ", total, "-byte fiber stack failed"));
  }
  char* const mapping = static_cast<char*>(p);
  if (::mprotect(mapping + reservation, guard, PROT_NONE) != 0) {
    const int err = errno;
    ::munmap(p, total);
    return absl::ErrnoToStatus(err, "mprotect of a fiber stack guard failed");
  }
  Stack s;
  s.mapping = mapping;
  s.mapping_size = total;
  s.guard = mapping + reservation;
  s.base = s.guard + guard;
  s.size = usable;
  return s;
}

void FreeStack(Stack stack) noexcept {
  if (stack.valid()) ::munmap(stack.mapping, stack.mapping_size);
}

void* AllocateControlBlock(const Stack& stack, std::size_t size) noexcept {
  constexpr std::uintptr_t kMask = kControlBlockAlignment - 1;
  // At the top of the reservation, right below the guard (aligned down).
  const auto begin = reinterpret_cast<std::uintptr_t>(stack.control_begin());
  const auto end = reinterpret_cast<std::uintptr_t>(stack.guard_begin());
  if (size <= end - begin) {
    const std::uintptr_t at = (end - size) & ~kMask;
    if (at >= begin) return reinterpret_cast<void*>(at);
  }
  return ::operator new (size, std::align_val_t{kControlBlockAlignment},
                         std::nothrow);
}

void FreeControlBlock(const Stack& stack, void* block) noexcept {
  const auto p = reinterpret_cast<std::uintptr_t>(block);
  const auto begin = reinterpret_cast<std::uintptr_t>(stack.control_begin());
  const auto end = reinterpret_cast<std::uintptr_t>(stack.guard_begin());
  if (p >= begin && p < end) return;  // in the reservation
  ::operator delete (block, std::align_val_t{kControlBlockAlignment});
}

StackPool::StackPool(std::size_t stack_size, std::size_t max_cached,
                     std::size_t guard_size)
    : stack_size_((stack_size + PageSize() - 1) / PageSize() * PageSize()),
      guard_size_(guard_size),
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
  return AllocateStack(stack_size_, guard_size_);
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
