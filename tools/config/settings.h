// Copyright 2026 The Moirai Authors.
//
// tools/config/settings.h
// -----------------------------------------------------------------------------
//
// `moirai::config::LayeredSettings`: the one engine behind every component's
// configuration (scheduler_config.h, config.h). It knows tables of typed keys
// ([scheduler], [fibers], ...) and holds, for each key, its effective value
// as canonical text and the layer it came from, highest first:
//
//   code         Override("table.key", "value")
//   environment  MOIRAI_<TABLE>_<KEY>=value
//   file         a TOML file with [table] / key = value
//   defaults     the options struct's own values
//
// The precedence does not depend on the call order. Every value is checked
// when it is loaded; an error names the key (or variable), the value, what is
// allowed and where the value came from. A load that fails applies nothing.
//
// `OptionsTable<O>` (below) binds a table to an options struct O: it gives
// the table's spec (keys, ranges, defaults from O{}) and builds an O from the
// effective values.
//
// Environment: a MOIRAI_<TABLE>_ variable of a table this engine owns must
// name one of its keys (a typo is an error). A MOIRAI_* variable whose table
// is one of `foreign_tables` is skipped silently (another reader owns it);
// one that names no table at all (MOIRAI_TEST_CLOCK_STEP, a future
// component's, or a mistyped table) is ignored and listed by
// IgnoredEnvironment(), which `moirai config` prints as a warning. Table
// names contain no '_', so the table part of a variable is unambiguous.
//
// Thread safety: none; configure before creating the runtimes.

#ifndef MOIRAI_TOOLS_CONFIG_SETTINGS_H_
#define MOIRAI_TOOLS_CONFIG_SETTINGS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace moirai::config {

// Where an effective value came from, lowest precedence first.
enum class Source { kDefault = 0, kFile = 1, kEnvironment = 2, kCode = 3 };

// "default", "file", "environment", "code".
absl::string_view SourceName(Source s);

// One key's effective value, as `moirai config show` prints it.
struct Setting {
  std::string key;    // "scheduler.num_workers"
  std::string value;  // "8", "true", "steal_half"
  Source source = Source::kDefault;
  std::string origin;  // the file name, the variable name, "code" or ""
};

// The tables of Moirai's components, in `moirai config show` order
// (config.h owns them all; SchedulerConfig owns [scheduler] and skips the
// others).
std::vector<std::string> ComponentTables();

enum class ValueKind { kInt, kBool, kEnum, kDouble };

// KeySpec: one key of a table and the values it takes.
struct KeySpec {
  std::string name;  // within the table: "num_workers"
  ValueKind kind = ValueKind::kInt;
  std::int64_t min = 0;  // kInt: the closed range
  std::int64_t max = 0;
  double min_double = 0;  // kDouble: the closed range (NaN is never allowed)
  double max_double = 0;
  std::vector<std::string> choices;  // kEnum, in the enumerators' order
};

// TableSpec: a table, its keys in `moirai config show` order, and each key's
// default as canonical text.
struct TableSpec {
  std::string name;  // lower case, no '_': "scheduler"
  std::vector<KeySpec> keys;
  std::vector<std::string> defaults;
};

class LayeredSettings {
 public:
  explicit LayeredSettings(std::vector<TableSpec> tables,
                           std::vector<std::string> foreign_tables = {});

  // LayeredSettings::LoadFile()
  //
  // Reads and applies the TOML file at `path`. NotFound if it cannot be
  // read; InvalidArgument for a syntax error (with toml11's line and
  // column), an unknown table or key, a wrong type or a value out of range.
  absl::Status LoadFile(const std::string& path);

  // LayeredSettings::LoadToml(): as LoadFile, from `text` named `origin`.
  absl::Status LoadToml(absl::string_view text, absl::string_view origin);

  // LayeredSettings::LoadEnvironment()
  //
  // Applies the MOIRAI_<TABLE>_<KEY> variables of `environment` (NAME=VALUE
  // strings), or of the process (`environ`) when called without one.
  absl::Status LoadEnvironment();
  absl::Status LoadEnvironment(const std::vector<std::string>& environment);

  // LayeredSettings::Override(): sets "table.key" from code (the highest
  // layer), with the same checks.
  absl::Status Override(absl::string_view key, absl::string_view value);

  // Every key of every table with its effective value and source, in table
  // order, then key order.
  std::vector<Setting> Effective() const;

  // The effective canonical text of key `key` of table `table` (indices into
  // the specs given to the constructor).
  const std::string& Value(std::size_t table, std::size_t key) const;

  // The MOIRAI_* variables the last LoadEnvironment() ignored because their
  // name starts with no known table ("MOIRAI_TEST_CLOCK_STEP").
  const std::vector<std::string>& IgnoredEnvironment() const {
    return ignored_environment_;
  }

  // "[scheduler], [fibers]": the tables, for messages.
  std::string TableList() const;

 private:
  struct Pending {
    std::size_t table;
    std::size_t key;
    std::string value;  // canonical text
    std::string origin;
  };
  void Apply(const std::vector<Pending>& pending, Source source);
  int FindTable(absl::string_view name) const;

  std::vector<TableSpec> tables_;
  std::vector<std::string> foreign_tables_;
  std::vector<std::vector<Setting>> settings_;  // [table][key]
  std::vector<std::string> ignored_environment_;
};

// Parses canonical integer / double text (what LayeredSettings stores).
std::int64_t CanonicalInt(const std::string& text);
double CanonicalDouble(const std::string& text);
// The canonical text of a double (shortest text that reads back exactly).
std::string DoubleText(double v);

// OptionsField<O>: a KeySpec plus how it reads and writes O. `set` is given
// only canonical text.
template <typename O>
struct OptionsField {
  KeySpec spec;
  std::function<std::string(const O&)> get;
  std::function<void(O&, const std::string&)> set;
};

// Field makers. `access` is a generic lambda returning a reference to the
// field, for const and non-const O alike: [](auto& o) -> auto& { return
// o.dispatcher.max_tasks; }.
template <typename O, typename Access>
OptionsField<O> IntField(const char* name, std::int64_t min, std::int64_t max,
                         Access access) {
  KeySpec k{name, ValueKind::kInt, min, max, 0, 0, {}};
  return {std::move(k),
          [access](const O& o) {
            return std::to_string(static_cast<std::int64_t>(access(o)));
          },
          [access](O& o, const std::string& v) {
            using T = std::remove_reference_t<decltype(access(o))>;
            access(o) = static_cast<T>(CanonicalInt(v));
          }};
}

template <typename O, typename Access>
OptionsField<O> BoolField(const char* name, Access access) {
  KeySpec k{name, ValueKind::kBool, 0, 0, 0, 0, {}};
  return {std::move(k),
          [access](const O& o) {
            return std::string(access(o) ? "true" : "false");
          },
          [access](O& o, const std::string& v) { access(o) = v == "true"; }};
}

template <typename O, typename Access>
OptionsField<O> DoubleField(const char* name, double min, double max,
                            Access access) {
  KeySpec k{name, ValueKind::kDouble, 0, 0, min, max, {}};
  return {
      std::move(k), [access](const O& o) { return DoubleText(access(o)); },
      [access](O& o, const std::string& v) { access(o) = CanonicalDouble(v); }};
}

// An enum whose enumerators are 0, 1, ... in the order of `choices`.
template <typename O, typename Access>
OptionsField<O> EnumField(const char* name, std::vector<std::string> choices,
                          Access access) {
  KeySpec k{name, ValueKind::kEnum, 0, 0, 0, 0, choices};
  return {std::move(k),
          [access, choices](const O& o) {
            const auto i = static_cast<std::size_t>(access(o));
            return i < choices.size() ? choices[i] : std::to_string(i);
          },
          [access, choices](O& o, const std::string& v) {
            using T = std::remove_reference_t<decltype(access(o))>;
            for (std::size_t i = 0; i < choices.size(); ++i) {
              if (choices[i] == v) access(o) = static_cast<T>(i);
            }
          }};
}

// OptionsTable<O>: a table bound to the options struct O.
template <typename O>
class OptionsTable {
 public:
  OptionsTable(std::string name, std::vector<OptionsField<O>> fields)
      : name_(std::move(name)), fields_(std::move(fields)) {}

  // The spec, with the defaults of a value-initialised O.
  TableSpec Spec() const {
    const O defaults{};
    TableSpec t{name_, {}, {}};
    for (const OptionsField<O>& f : fields_) {
      t.keys.push_back(f.spec);
      t.defaults.push_back(f.get(defaults));
    }
    return t;
  }

  // `base` with every key of table `table` of `s` applied.
  O Build(const LayeredSettings& s, std::size_t table, O base = O{}) const {
    for (std::size_t k = 0; k < fields_.size(); ++k) {
      fields_[k].set(base, s.Value(table, k));
    }
    return base;
  }

  std::size_t size() const { return fields_.size(); }

 private:
  std::string name_;
  std::vector<OptionsField<O>> fields_;
};

}  // namespace moirai::config

#endif  // MOIRAI_TOOLS_CONFIG_SETTINGS_H_
