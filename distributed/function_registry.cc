// Copyright 2026 The Moirai Authors.

#include "moirai/distributed/function_registry.h"

#include <algorithm>

namespace moirai::distributed {

bool FunctionEntry::AllowsRole(absl::string_view role) const noexcept {
  return std::find(options.allowed_roles.begin(), options.allowed_roles.end(),
                   role) != options.allowed_roles.end();
}

absl::Status FunctionRegistry::Add(std::unique_ptr<FunctionEntry> entry) {
  if (entry->name.empty()) {
    return absl::InvalidArgumentError(
        "FunctionRegistry::Register: the name is empty");
  }
  if (entry->options.allowed_roles.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("FunctionRegistry::Register: ", entry->name,
                     " allows no role, so nobody could call it"));
  }
  sync::MutexLock lock(&mu_);
  if (by_name_.contains(entry->name)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "FunctionRegistry::Register: ", entry->name, " is already registered"));
  }
  if (auto it = by_tag_.find(entry->tag); it != by_tag_.end()) {
    return absl::AlreadyExistsError(
        absl::StrCat("FunctionRegistry::Register: the function is already "
                     "registered as ",
                     it->second, "; one name per function"));
  }
  by_tag_.emplace(entry->tag, entry->name);
  std::string name = entry->name;
  by_name_.emplace(std::move(name), std::move(entry));
  return absl::OkStatus();
}

absl::StatusOr<const FunctionEntry*> FunctionRegistry::Resolve(
    absl::string_view name, std::uint64_t signature,
    absl::string_view role) const {
  const FunctionEntry* e = Find(name);
  if (e == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no function named '", name, "' is registered here"));
  }
  if (e->signature != signature) {
    return absl::InvalidArgumentError(absl::StrCat(
        "function '", name, "' is registered here as ", e->signature_string,
        " (signature ", absl::Hex(e->signature),
        "), but the caller's has "
        "signature ",
        absl::Hex(signature),
        ": the two binaries were built from different source"));
  }
  if (!e->AllowsRole(role)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "function '", name, "' may not be called by role '", role, "'"));
  }
  return e;
}

const FunctionEntry* FunctionRegistry::Find(absl::string_view name) const {
  sync::MutexLock lock(&mu_);
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second.get();
}

absl::StatusOr<std::string> FunctionRegistry::NameOfTag(const void* tag) const {
  sync::MutexLock lock(&mu_);
  auto it = by_tag_.find(tag);
  if (it == by_tag_.end()) {
    return absl::NotFoundError(
        "the function was never registered (FunctionRegistry::Register)");
  }
  return it->second;
}

}  // namespace moirai::distributed
