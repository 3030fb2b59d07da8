// Copyright 2026 The Moirai Authors.

#include "moirai/tools/config/settings.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
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
#include "absl/strings/string_view.h"
#include "toml.hpp"

extern char** environ;

namespace moirai::config {
namespace {

// The offset of the first byte of `text` that does not start (or continue)
// a well-formed UTF-8 sequence (no overlong forms, no surrogates, nothing
// above U+10FFFF), or npos when it is all well formed. TOML documents must
// be UTF-8; checking here, before toml11 sees the text, also keeps Debian's
// toml11 3.7.1 away from its invalid-UTF-8 path in literal strings, which
// reads out of bounds (found by //tools/config:config_fuzzer; regression
// input testdata/config_fuzzer_corpus/crash_invalid_utf8_literal).
std::size_t FirstInvalidUtf8(absl::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
    if (b < 0x80) {
      len = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;  // overlong
      if (b == 0xED) hi = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;  // overlong
      if (b == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return i;
    }
    if (text.size() - i < len) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      const unsigned char min = k == 1 ? lo : 0x80;
      const unsigned char max = k == 1 ? hi : 0xBF;
      if (c < min || c > max) return i;
    }
    i += len;
  }
  return absl::string_view::npos;
}

std::string FullName(const TableSpec& t, const KeySpec& k) {
  return absl::StrCat(t.name, ".", k.name);
}

// "MOIRAI_SCHEDULER_NUM_WORKERS" for scheduler.num_workers.
std::string EnvName(const TableSpec& t, const KeySpec& k) {
  return absl::AsciiStrToUpper(absl::StrCat("MOIRAI_", t.name, "_", k.name));
}

int FindKey(const TableSpec& t, absl::string_view name) {
  for (std::size_t i = 0; i < t.keys.size(); ++i) {
    if (name == t.keys[i].name) return static_cast<int>(i);
  }
  return -1;
}

std::string KnownKeys(const TableSpec& t) {
  std::vector<std::string> names;
  for (const KeySpec& k : t.keys) names.push_back(FullName(t, k));
  return absl::StrJoin(names, ", ");
}

// What `k` allows, for error messages.
std::string Allowed(const KeySpec& k) {
  switch (k.kind) {
    case ValueKind::kInt:
      return absl::StrCat("an integer in [", k.min, ", ", k.max, "]");
    case ValueKind::kDouble:
      return absl::StrCat("a number in [", DoubleText(k.min_double), ", ",
                          DoubleText(k.max_double), "]");
    case ValueKind::kBool:
      return "a boolean (true, false, 1, 0)";
    case ValueKind::kEnum:
      return absl::StrCat("one of ", absl::StrJoin(k.choices, ", "));
  }
  return "";
}

// Checks `text` for `k` and returns its canonical form. `where` names the
// value in the error ("sched.toml: scheduler.num_workers").
absl::StatusOr<std::string> Canonical(const KeySpec& k, absl::string_view text,
                                      absl::string_view where) {
  const auto not_allowed = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " = \"", text, "\" is not ", Allowed(k)));
  };
  switch (k.kind) {
    case ValueKind::kInt: {
      std::int64_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) return not_allowed();
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
    case ValueKind::kDouble: {
      double v = 0;
      if (!absl::SimpleAtod(text, &v) || std::isnan(v)) return not_allowed();
      if (!(v >= k.min_double && v <= k.max_double)) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, " = ", DoubleText(v), " is out of range [",
            DoubleText(k.min_double), ", ", DoubleText(k.max_double), "]"));
      }
      return DoubleText(v);
    }
    case ValueKind::kBool:
      if (text == "true" || text == "1") return std::string("true");
      if (text == "false" || text == "0") return std::string("false");
      return not_allowed();
    case ValueKind::kEnum:
      for (const std::string& c : k.choices) {
        if (text == c) return c;
      }
      return not_allowed();
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

// The text of a TOML value of the type `k` wants, or an error. A number key
// takes integers too (`ratio = 1`).
absl::StatusOr<std::string> TomlText(const KeySpec& k, const toml::value& v,
                                     absl::string_view where) {
  switch (k.kind) {
    case ValueKind::kInt:
      if (v.is_integer()) return std::to_string(v.as_integer());
      break;
    case ValueKind::kDouble:
      if (v.is_floating()) return DoubleText(v.as_floating());
      if (v.is_integer()) return std::to_string(v.as_integer());
      break;
    case ValueKind::kBool:
      if (v.is_boolean()) return std::string(v.as_boolean() ? "true" : "false");
      break;
    case ValueKind::kEnum:
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

std::vector<std::string> ComponentTables() {
  return {"scheduler", "fibers", "rt", "distributed"};
}

std::int64_t CanonicalInt(const std::string& text) {
  std::int64_t v = 0;
  (void)absl::SimpleAtoi(text, &v);  // canonical: always an integer
  return v;
}

double CanonicalDouble(const std::string& text) {
  double v = 0;
  (void)absl::SimpleAtod(text, &v);  // canonical: always a number
  return v;
}

std::string DoubleText(double v) {
  char buf[64];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

LayeredSettings::LayeredSettings(std::vector<TableSpec> tables,
                                 std::vector<std::string> foreign_tables)
    : tables_(std::move(tables)), foreign_tables_(std::move(foreign_tables)) {
  for (const TableSpec& t : tables_) {
    std::vector<Setting> row;
    for (std::size_t k = 0; k < t.keys.size(); ++k) {
      row.push_back(
          {FullName(t, t.keys[k]), t.defaults[k], Source::kDefault, ""});
    }
    settings_.push_back(std::move(row));
  }
}

int LayeredSettings::FindTable(absl::string_view name) const {
  for (std::size_t i = 0; i < tables_.size(); ++i) {
    if (name == tables_[i].name) return static_cast<int>(i);
  }
  return -1;
}

std::string LayeredSettings::TableList() const {
  std::vector<std::string> names;
  for (const TableSpec& t : tables_) names.push_back("[" + t.name + "]");
  return absl::StrJoin(names, ", ");
}

void LayeredSettings::Apply(const std::vector<Pending>& pending,
                            Source source) {
  for (const Pending& p : pending) {
    Setting& s = settings_[p.table][p.key];
    // A lower layer never replaces a higher one, whatever the call order.
    if (static_cast<int>(source) < static_cast<int>(s.source)) continue;
    s.value = p.value;
    s.source = source;
    s.origin = p.origin;
  }
}

absl::Status LayeredSettings::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadToml(ss.str(), path);
}

absl::Status LayeredSettings::LoadToml(absl::string_view text,
                                       absl::string_view origin) {
  if (const std::size_t bad = FirstInvalidUtf8(text);
      bad != absl::string_view::npos) {
    const std::size_t line = 1 + static_cast<std::size_t>(std::count(
                                     text.begin(), text.begin() + bad, '\n'));
    return absl::InvalidArgumentError(
        absl::StrCat(origin,
                     ": not valid TOML: the document is not UTF-8 "
                     "(byte ",
                     bad, ", line ", line, ")"));
  }
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
    const bool foreign =
        std::find(foreign_tables_.begin(), foreign_tables_.end(), name) !=
        foreign_tables_.end();
    if (foreign && value->is_table()) continue;  // another reader's table
    const int t = FindTable(name);
    if (t < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ": unknown key or table \"", name,
                       "\" (known tables: ", TableList(), ")"));
    }
    const TableSpec& table = tables_[static_cast<std::size_t>(t)];
    if (!value->is_table()) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ": \"", name, "\" must be a table ([", name,
                       "]), got ", TypeName(*value)));
    }
    std::map<std::string, const toml::value*> keys;
    for (const auto& [k, v] : value->as_table()) keys[k] = &v;
    for (const auto& [k, v] : keys) {
      const std::string full = absl::StrCat(name, ".", k);
      const int index = FindKey(table, k);
      if (index < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(origin, ": unknown key ", full,
                         " (known: ", KnownKeys(table), ")"));
      }
      const KeySpec& key = table.keys[static_cast<std::size_t>(index)];
      const std::string where = absl::StrCat(origin, ": ", full);
      absl::StatusOr<std::string> text_value = TomlText(key, *v, where);
      if (!text_value.ok()) return text_value.status();
      absl::StatusOr<std::string> c = Canonical(key, *text_value, where);
      if (!c.ok()) return c.status();
      pending.push_back({static_cast<std::size_t>(t),
                         static_cast<std::size_t>(index), *c,
                         std::string(origin)});
    }
  }
  Apply(pending, Source::kFile);
  return absl::OkStatus();
}

absl::Status LayeredSettings::LoadEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (absl::StartsWith(*e, "MOIRAI_")) env.emplace_back(*e);
  }
  return LoadEnvironment(env);
}

absl::Status LayeredSettings::LoadEnvironment(
    const std::vector<std::string>& environment) {
  std::vector<Pending> pending;
  std::vector<std::string> ignored;
  for (const std::string& entry : environment) {
    const std::size_t eq = entry.find('=');
    const std::string name = entry.substr(0, eq);
    if (!absl::StartsWith(name, "MOIRAI_")) continue;
    const std::string value =
        eq == std::string::npos ? std::string() : entry.substr(eq + 1);
    // The table part: up to the next '_' (table names have none).
    const std::size_t sep = name.find('_', 7);
    const std::string table_name = absl::AsciiStrToLower(
        name.substr(7, sep == std::string::npos ? std::string::npos : sep - 7));
    const int t = sep == std::string::npos ? -1 : FindTable(table_name);
    if (t < 0) {
      const bool foreign =
          sep != std::string::npos &&
          std::find(foreign_tables_.begin(), foreign_tables_.end(),
                    table_name) != foreign_tables_.end();
      if (!foreign) ignored.push_back(name);
      continue;
    }
    const TableSpec& table = tables_[static_cast<std::size_t>(t)];
    int index = -1;
    for (std::size_t i = 0; i < table.keys.size(); ++i) {
      if (EnvName(table, table.keys[i]) == name) index = static_cast<int>(i);
    }
    if (index < 0) {
      std::vector<std::string> known;
      for (const KeySpec& k : table.keys) known.push_back(EnvName(table, k));
      return absl::InvalidArgumentError(
          absl::StrCat("unknown environment variable ", name,
                       " (known: ", absl::StrJoin(known, ", "), ")"));
    }
    absl::StatusOr<std::string> c =
        Canonical(table.keys[static_cast<std::size_t>(index)], value, name);
    if (!c.ok()) return c.status();
    pending.push_back({static_cast<std::size_t>(t),
                       static_cast<std::size_t>(index), *c, name});
  }
  Apply(pending, Source::kEnvironment);
  ignored_environment_ = std::move(ignored);
  return absl::OkStatus();
}

absl::Status LayeredSettings::Override(absl::string_view key,
                                       absl::string_view value) {
  const std::size_t dot = key.find('.');
  const int t =
      dot == absl::string_view::npos ? -1 : FindTable(key.substr(0, dot));
  const int index = t < 0 ? -1
                          : FindKey(tables_[static_cast<std::size_t>(t)],
                                    key.substr(dot + 1));
  if (index < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown configuration key ", key,
                     " (known tables: ", TableList(), ")"));
  }
  const auto ti = static_cast<std::size_t>(t);
  const auto ki = static_cast<std::size_t>(index);
  absl::StatusOr<std::string> c = Canonical(tables_[ti].keys[ki], value, key);
  if (!c.ok()) return c.status();
  Apply({{ti, ki, *c, "code"}}, Source::kCode);
  return absl::OkStatus();
}

std::vector<Setting> LayeredSettings::Effective() const {
  std::vector<Setting> all;
  for (const std::vector<Setting>& row : settings_) {
    all.insert(all.end(), row.begin(), row.end());
  }
  return all;
}

const std::string& LayeredSettings::Value(std::size_t table,
                                          std::size_t key) const {
  return settings_[table][key].value;
}

}  // namespace moirai::config
