// Copyright 2026 The Moirai Authors.
//
// lockfree/internal/slot_storage.h
// -----------------------------------------------------------------------------
//
// `SlotStorage<T>`: raw, correctly aligned storage for one T whose lifetime the
// owning structure manages by hand (queues construct on push and destroy on
// pop, so items of any movable type work, including non-trivially-copyable
// ones, and every item is destroyed exactly once).

#ifndef MOIRAI_LOCKFREE_INTERNAL_SLOT_STORAGE_H_
#define MOIRAI_LOCKFREE_INTERNAL_SLOT_STORAGE_H_

#include <memory>
#include <new>
#include <utility>

namespace moirai::lockfree::internal {

template <typename T>
class SlotStorage {
 public:
  SlotStorage() noexcept = default;
  SlotStorage(const SlotStorage&) = delete;
  SlotStorage& operator=(const SlotStorage&) = delete;

  // SlotStorage::Construct()
  //
  // Constructs the item in place. The slot must be empty.
  template <typename... Args>
  void Construct(Args&&... args) {
    ::new (static_cast<void*>(bytes_)) T(std::forward<Args>(args)...);
  }

  // SlotStorage::get()
  //
  // The item; only valid between Construct() and Destroy().
  T* get() noexcept { return std::launder(reinterpret_cast<T*>(bytes_)); }

  // SlotStorage::Destroy()
  void Destroy() noexcept { std::destroy_at(get()); }

  // SlotStorage::Take()
  //
  // Moves the item out and destroys the slot's copy.
  T Take() {
    T value(std::move(*get()));
    Destroy();
    return value;
  }

 private:
  alignas(T) unsigned char bytes_[sizeof(T)];
};

}  // namespace moirai::lockfree::internal

#endif  // MOIRAI_LOCKFREE_INTERNAL_SLOT_STORAGE_H_
