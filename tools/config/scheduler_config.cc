// Copyright 2026 The Moirai Authors.

#include "moirai/tools/config/scheduler_config.h"

#include <unistd.h>

#include <cstdint>
#include <exception>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "moirai/lockfree/work_stealing_deque.h"
#include "moirai/sched/scheduler.h"
#include "toml.hpp"

extern char** environ;

namespace moirai::config {
namespace {

using sched::SchedulerOptions;

enum class Kind { kInt, kBool, kEnum };

// One configurable option: its key, what values it takes, and how it reads
// and writes SchedulerOptions. `get` returns the canonical text; `set` is
// given only canonical text (checked by Canonical()).
struct Key {
  const char* name;
  Kind kind;
  std::int64_t min;
  std::int64_t max;
  std::vector<const char*> choices;
  std::string (*get)(const SchedulerOptions&);
  void (*set)(SchedulerOptions&, const std::string&);
};

std::string BoolText(bool b) { return b ? "true" : "false"; }

std::int64_t ToInt(const std::string& canonical) {
  std::int64_t v = 0;
  (void)absl::SimpleAtoi(canonical, &v);  // canonical: always an integer
  return v;
}

// The enum choices, in the order of the enumerators.
const std::vector<const char*> kStealPolicies = {"random_victim", "steal_half",
                                                 "locality_aware"};
const std::vector<const char*> kIdlePolicies = {"spin_then_park",
                                                "park_immediately"};
const std::vector<const char*> kDequeFences = {"auto", "symmetric"};

int ChoiceIndex(const std::vector<const char*>& choices, const std::string& s) {
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (s == choices[i]) return static_cast<int>(i);
  }
  return 0;  // canonical text is always one of the choices
}

// The keys, in the order `moirai config show` prints them. The ranges are
// those Scheduler::Create accepts (num_workers, spin_rounds >= 0,
// aging_limit >= 1), with a finite bound where Create has none.
const std::vector<Key>& Keys() {
  static const std::vector<Key> keys = {
      {"scheduler.num_workers",
       Kind::kInt,
       0,
       1024,
       {},
       [](const SchedulerOptions& o) { return std::to_string(o.num_workers); },
       [](SchedulerOptions& o, const std::string& v) {
         o.num_workers = static_cast<int>(ToInt(v));
       }},
      {"scheduler.pin_workers",
       Kind::kBool,
       0,
       0,
       {},
       [](const SchedulerOptions& o) { return BoolText(o.pin_workers); },
       [](SchedulerOptions& o, const std::string& v) {
         o.pin_workers = v == "true";
       }},
      {"scheduler.steal_policy", Kind::kEnum, 0, 0, kStealPolicies,
       [](const SchedulerOptions& o) {
         return std::string(kStealPolicies[static_cast<int>(o.steal_policy)]);
       },
       [](SchedulerOptions& o, const std::string& v) {
         o.steal_policy =
             static_cast<sched::StealPolicy>(ChoiceIndex(kStealPolicies, v));
       }},
      {"scheduler.idle_policy", Kind::kEnum, 0, 0, kIdlePolicies,
       [](const SchedulerOptions& o) {
         return std::string(kIdlePolicies[static_cast<int>(o.idle_policy)]);
       },
       [](SchedulerOptions& o, const std::string& v) {
         o.idle_policy =
             static_cast<sched::IdlePolicy>(ChoiceIndex(kIdlePolicies, v));
       }},
      {"scheduler.spin_rounds",
       Kind::kInt,
       0,
       1000000,
       {},
       [](const SchedulerOptions& o) { return std::to_string(o.spin_rounds); },
       [](SchedulerOptions& o, const std::string& v) {
         o.spin_rounds = static_cast<int>(ToInt(v));
       }},
      {"scheduler.aging_limit",
       Kind::kInt,
       1,
       1000000,
       {},
       [](const SchedulerOptions& o) { return std::to_string(o.aging_limit); },
       [](SchedulerOptions& o, const std::string& v) {
         o.aging_limit = static_cast<int>(ToInt(v));
       }},
      {"scheduler.deque_fences", Kind::kEnum, 0, 0, kDequeFences,
       [](const SchedulerOptions& o) {
         return std::string(kDequeFences[static_cast<int>(o.deque_fences)]);
       },
       [](SchedulerOptions& o, const std::string& v) {
         o.deque_fences =
             static_cast<lockfree::DequeFences>(ChoiceIndex(kDequeFences, v));
       }},
  };
  return keys;
}

int FindKey(absl::string_view name) {
  const std::vector<Key>& keys = Keys();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (name == keys[i].name) return static_cast<int>(i);
  }
  return -1;
}

std::string KnownKeys() {
  std::vector<std::string> names;
  for (const Key& k : Keys()) names.push_back(k.name);
  return absl::StrJoin(names, ", ");
}

// "MOIRAI_SCHEDULER_NUM_WORKERS" for "scheduler.num_workers".
std::string EnvName(const Key& k) {
  return "MOIRAI_" +
         absl::AsciiStrToUpper(absl::StrReplaceAll(k.name, {{".", "_"}}));
}

// What `k` allows, for error messages.
std::string Allowed(const Key& k) {
  switch (k.kind) {
    case Kind::kInt:
      return absl::StrCat("an integer in [", k.min, ", ", k.max, "]");
    case Kind::kBool:
      return "a boolean (true, false, 1, 0)";
    case Kind::kEnum:
      return absl::StrCat("one of ", absl::StrJoin(k.choices, ", "));
  }
  return "";
}

// Checks `text` for `k` and returns its canonical form. `where` names the
// value in the error ("sched.toml: scheduler.num_workers").
absl::StatusOr<std::string> Canonical(const Key& k, absl::string_view text,
                                      absl::string_view where) {
  switch (k.kind) {
    case Kind::kInt: {
      std::int64_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, " = \"", text, "\" is not ", Allowed(k)));
      }
      if (v < k.min || v > k.max) {
        // toml11 3.7 reads an integer literal beyond 64 bits as the nearest
        // 64-bit limit, so such a value is reported as that limit.
        const bool limit = v == std::numeric_limits<std::int64_t>::max() ||
                           v == std::numeric_limits<std::int64_t>::min();
        return absl::InvalidArgumentError(absl::StrCat(
            where, " = ", v, limit ? " (or a literal beyond 64 bits)" : "",
            " is out of range [", k.min, ", ", k.max, "]"));
      }
      return std::to_string(v);
    }
    case Kind::kBool:
      if (text == "true" || text == "1") return std::string("true");
      if (text == "false" || text == "0") return std::string("false");
      return absl::InvalidArgumentError(
          absl::StrCat(where, " = \"", text, "\" is not ", Allowed(k)));
    case Kind::kEnum:
      for (const char* c : k.choices) {
        if (text == c) return std::string(c);
      }
      return absl::InvalidArgumentError(
          absl::StrCat(where, " = \"", text, "\" is not ", Allowed(k)));
  }
  return absl::InternalError("unreachable");
}

const char* TypeName(const toml::value& v) {
  if (v.is_integer()) return "an integer";
  if (v.is_boolean()) return "a boolean";
  if (v.is_string()) return "a string";
  if (v.is_floating()) return "a float";
  if (v.is_table()) return "a table";
  if (v.is_array()) return "an array";
  return "a date or time";
}

// The text of a TOML value of the type `k` wants, or an error.
absl::StatusOr<std::string> TomlText(const Key& k, const toml::value& v,
                                     absl::string_view where) {
  switch (k.kind) {
    case Kind::kInt:
      if (v.is_integer()) return std::to_string(v.as_integer());
      break;
    case Kind::kBool:
      if (v.is_boolean()) return BoolText(v.as_boolean());
      break;
    case Kind::kEnum:
      if (v.is_string()) return v.as_string().str;
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": expected ", Allowed(k), ", got ", TypeName(v)));
}

}  // namespace

absl::string_view SourceName(Source s) {
  switch (s) {
    case Source::kDefault:
      return "default";
    case Source::kFile:
      return "file";
    case Source::kEnvironment:
      return "environment";
    case Source::kCode:
      return "code";
  }
  return "?";
}

SchedulerConfig::SchedulerConfig() {
  for (const Key& k : Keys()) {
    settings_.push_back({k.name, k.get(options_), Source::kDefault, ""});
  }
}

absl::Status SchedulerConfig::Apply(const std::vector<Pending>& pending,
                                    Source source) {
  for (const Pending& p : pending) {
    Setting& s = settings_[p.key_index];
    // A lower layer never replaces a higher one, whatever the call order.
    if (static_cast<int>(source) < static_cast<int>(s.source)) continue;
    Keys()[p.key_index].set(options_, p.value);
    s.value = p.value;
    s.source = source;
    s.origin = p.origin;
  }
  return absl::OkStatus();
}

absl::Status SchedulerConfig::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadToml(ss.str(), path);
}

absl::Status SchedulerConfig::LoadToml(absl::string_view text,
                                       absl::string_view origin) {
  toml::value root;
  try {
    std::istringstream in{std::string(text)};
    root = toml::parse(in, std::string(origin));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ": not valid TOML: ", e.what()));
  }
  if (!root.is_table()) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ": the document is not a table"));
  }
  // Sorted, so that the first error reported does not depend on hashing.
  std::map<std::string, const toml::value*> tables;
  for (const auto& [name, value] : root.as_table()) tables[name] = &value;
  std::vector<Pending> pending;
  for (const auto& [name, value] : tables) {
    if (name != "scheduler") {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ": unknown key or table \"", name,
                       "\" (known: [scheduler] with ", KnownKeys(), ")"));
    }
    if (!value->is_table()) {
      return absl::InvalidArgumentError(absl::StrCat(
          origin, ": \"scheduler\" must be a table ([scheduler]), got ",
          TypeName(*value)));
    }
    std::map<std::string, const toml::value*> keys;
    for (const auto& [k, v] : value->as_table()) keys[k] = &v;
    for (const auto& [k, v] : keys) {
      const std::string full = "scheduler." + k;
      const int index = FindKey(full);
      if (index < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            origin, ": unknown key ", full, " (known: ", KnownKeys(), ")"));
      }
      const Key& key = Keys()[static_cast<std::size_t>(index)];
      const std::string where = absl::StrCat(origin, ": ", full);
      absl::StatusOr<std::string> t = TomlText(key, *v, where);
      if (!t.ok()) return t.status();
      absl::StatusOr<std::string> c = Canonical(key, *t, where);
      if (!c.ok()) return c.status();
      pending.push_back(
          {static_cast<std::size_t>(index), *c, std::string(origin)});
    }
  }
  return Apply(pending, Source::kFile);
}

absl::Status SchedulerConfig::LoadEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (absl::StartsWith(*e, "MOIRAI_")) env.emplace_back(*e);
  }
  return LoadEnvironment(env);
}

absl::Status SchedulerConfig::LoadEnvironment(
    const std::vector<std::string>& environment) {
  constexpr absl::string_view kPrefix = "MOIRAI_SCHEDULER_";
  std::vector<Pending> pending;
  for (const std::string& entry : environment) {
    const std::size_t eq = entry.find('=');
    const std::string name = entry.substr(0, eq);
    if (!absl::StartsWith(name, kPrefix)) continue;
    const std::string value =
        eq == std::string::npos ? std::string() : entry.substr(eq + 1);
    int index = -1;
    for (std::size_t i = 0; i < Keys().size(); ++i) {
      if (EnvName(Keys()[i]) == name) index = static_cast<int>(i);
    }
    if (index < 0) {
      std::vector<std::string> known;
      for (const Key& k : Keys()) known.push_back(EnvName(k));
      return absl::InvalidArgumentError(
          absl::StrCat("unknown environment variable ", name,
                       " (known: ", absl::StrJoin(known, ", "), ")"));
    }
    const Key& key = Keys()[static_cast<std::size_t>(index)];
    absl::StatusOr<std::string> c = Canonical(key, value, name);
    if (!c.ok()) return c.status();
    pending.push_back({static_cast<std::size_t>(index), *c, name});
  }
  return Apply(pending, Source::kEnvironment);
}

absl::Status SchedulerConfig::Override(absl::string_view key,
                                       absl::string_view value) {
  const int index = FindKey(key);
  if (index < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown configuration key ", key, " (known: ", KnownKeys(), ")"));
  }
  absl::StatusOr<std::string> c =
      Canonical(Keys()[static_cast<std::size_t>(index)], value, key);
  if (!c.ok()) return c.status();
  return Apply({{static_cast<std::size_t>(index), *c, "code"}}, Source::kCode);
}

std::vector<Setting> SchedulerConfig::Effective() const { return settings_; }

}  // namespace moirai::config
