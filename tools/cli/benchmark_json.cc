// Copyright 2026 The Moirai Authors.
//
// tools/cli/benchmark_json.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/benchmark_json.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace moirai::cli {
namespace {

using nlohmann::json;

bool IsIdentifier(absl::string_view s) {
  if (s.empty()) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0])) && s[0] != '_') {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           c == '-' || c == '.' || c == '+';
  });
}

// True for the parameters Google Benchmark appends that describe how a run
// was timed or how long it ran, not what it measured.
bool IsTimingParameter(absl::string_view p) {
  return p == "real_time" || p == "process_time" || p == "manual_time" ||
         absl::StartsWith(p, "min_time:") ||
         absl::StartsWith(p, "min_warmup_time:") ||
         absl::StartsWith(p, "iterations:") || absl::StartsWith(p, "repeats:");
}

// Multiplier from a Google Benchmark `time_unit` to nanoseconds.
std::optional<double> UnitToNs(absl::string_view unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  return std::nullopt;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::optional<double> NumberField(const json& entry, const char* key) {
  auto it = entry.find(key);
  if (it == entry.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string StringField(const json& entry, const char* key) {
  auto it = entry.find(key);
  if (it == entry.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// Everything seen for one run name, before it is summarised.
struct Accumulator {
  std::vector<double> iteration_ns;
  std::vector<double> iteration_items_per_second;
  std::optional<double> median_ns, mean_ns, stddev_ns, cv;
  std::optional<double> median_items_per_second;
  int repetitions = 0;
  int threads = 1;
  std::string error;
};

// Google Benchmark writes non-finite doubles as bare `NaN`, `-nan`, `inf` or
// `Infinity` (for example the coefficient of variation of a counter whose
// mean is 0), which strict JSON rejects. Outside string literals such tokens
// become `null`, so a counter that is not a number is simply absent.
std::string NullNonFiniteNumbers(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size()) {
        out.push_back(text[i + 1]);
        i += 2;
        continue;
      }
      if (c == '"') in_string = false;
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
      out.push_back(c);
      ++i;
      continue;
    }
    const bool sign = (c == '-' || c == '+') && i + 1 < text.size() &&
                      std::isalpha(static_cast<unsigned char>(text[i + 1]));
    if (sign || std::isalpha(static_cast<unsigned char>(c))) {
      std::size_t end = i + (sign ? 1 : 0);
      while (end < text.size() &&
             std::isalpha(static_cast<unsigned char>(text[end]))) {
        ++end;
      }
      const absl::string_view word = text.substr(i, end - i);
      const absl::string_view bare = sign ? word.substr(1) : word;
      if (absl::EqualsIgnoreCase(bare, "nan") ||
          absl::EqualsIgnoreCase(bare, "inf") ||
          absl::EqualsIgnoreCase(bare, "infinity")) {
        out.append("null");
      } else {
        out.append(word.data(), word.size());
      }
      i = end;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace

BenchmarkName ParseBenchmarkName(absl::string_view run_name) {
  std::vector<absl::string_view> parts = absl::StrSplit(run_name, '/');
  BenchmarkName out;
  out.case_name = std::string(parts[0]);
  size_t first_param = 1;
  if (parts.size() >= 2 && IsIdentifier(parts[1]) &&
      !IsTimingParameter(parts[1])) {
    out.impl = std::string(parts[1]);
    first_param = 2;
  }
  std::vector<absl::string_view> variant;
  for (size_t i = first_param; i < parts.size(); ++i) {
    if (!IsTimingParameter(parts[i])) variant.push_back(parts[i]);
  }
  out.variant = absl::StrJoin(variant, "/");
  return out;
}

bool IsMoiraiImpl(absl::string_view impl) {
  return impl == "moirai" || absl::StartsWith(impl, "moirai_");
}

absl::string_view TimeKindName(TimeKind kind) {
  return kind == TimeKind::kReal ? "real_time" : "cpu_time";
}

absl::StatusOr<BenchmarkOutput> ParseBenchmarkJson(absl::string_view text,
                                                   TimeKind time) {
  // `allow_exceptions = false`: bad text yields a discarded value, no throw.
  const std::string strict = NullNonFiniteNumbers(text);
  const json root = json::parse(strict.begin(), strict.end(), nullptr, false);
  if (root.is_discarded()) {
    return absl::InvalidArgumentError(
        "benchmark output is not valid JSON (did the binary crash before "
        "finishing?)");
  }
  if (!root.is_object() || !root.contains("benchmarks") ||
      !root["benchmarks"].is_array()) {
    return absl::InvalidArgumentError(
        "benchmark output has no \"benchmarks\" array");
  }
  BenchmarkOutput out;
  if (root.contains("context") && root["context"].is_object()) {
    out.context = root["context"];
  }
  const char* time_key = time == TimeKind::kReal ? "real_time" : "cpu_time";
  std::vector<std::string> order;
  std::map<std::string, Accumulator> by_name;
  for (const json& entry : root["benchmarks"]) {
    if (!entry.is_object()) {
      return absl::InvalidArgumentError(
          "a \"benchmarks\" entry is not an object");
    }
    std::string name = StringField(entry, "name");
    std::string run_name = StringField(entry, "run_name");
    if (run_name.empty()) run_name = name;
    if (run_name.empty()) {
      return absl::InvalidArgumentError("a \"benchmarks\" entry has no name");
    }
    auto [it, inserted] = by_name.try_emplace(run_name);
    if (inserted) order.push_back(run_name);
    Accumulator& acc = it->second;
    if (auto reps = NumberField(entry, "repetitions")) {
      acc.repetitions = static_cast<int>(*reps);
    }
    if (auto threads = NumberField(entry, "threads")) {
      acc.threads = static_cast<int>(*threads);
    }
    if (entry.value("error_occurred", false)) {
      acc.error = StringField(entry, "error_message");
      if (acc.error.empty()) acc.error = "benchmark reported an error";
      continue;
    }
    std::optional<double> value = NumberField(entry, time_key);
    if (!value) {
      return absl::InvalidArgumentError(
          absl::StrCat("benchmark \"", name, "\" has no ", time_key));
    }
    const std::string aggregate = StringField(entry, "aggregate_name");
    if (aggregate == "cv" ||
        StringField(entry, "aggregate_unit") == "percentage") {
      if (aggregate == "cv") acc.cv = *value;  // a fraction, no unit
      continue;
    }
    std::optional<double> scale = UnitToNs(StringField(entry, "time_unit"));
    if (!scale) {
      return absl::InvalidArgumentError(
          absl::StrCat("benchmark \"", name, "\" has an unknown time_unit \"",
                       StringField(entry, "time_unit"), "\""));
    }
    const double ns = *value * *scale;
    const std::optional<double> ips = NumberField(entry, "items_per_second");
    if (StringField(entry, "run_type") == "aggregate") {
      if (aggregate == "median") {
        acc.median_ns = ns;
        acc.median_items_per_second = ips;
      } else if (aggregate == "mean") {
        acc.mean_ns = ns;
      } else if (aggregate == "stddev") {
        acc.stddev_ns = ns;
      }
      // Other aggregates (user-defined statistics) are not used.
    } else {
      acc.iteration_ns.push_back(ns);
      if (ips) acc.iteration_items_per_second.push_back(*ips);
    }
  }

  for (const std::string& run_name : order) {
    const Accumulator& acc = by_name[run_name];
    CaseResult r;
    r.name = run_name;
    BenchmarkName parsed = ParseBenchmarkName(run_name);
    r.case_name = std::move(parsed.case_name);
    r.impl = std::move(parsed.impl);
    r.variant = std::move(parsed.variant);
    r.threads = acc.threads;
    r.error = acc.error;
    r.repetitions = acc.repetitions > 0
                        ? acc.repetitions
                        : static_cast<int>(acc.iteration_ns.size());
    if (acc.median_ns) {
      r.median_ns = acc.median_ns;
    } else if (!acc.iteration_ns.empty()) {
      r.median_ns = Median(acc.iteration_ns);
    }
    if (acc.cv) {
      r.cv = acc.cv;
    } else if (acc.mean_ns && acc.stddev_ns && *acc.mean_ns > 0) {
      r.cv = *acc.stddev_ns / *acc.mean_ns;
    } else if (acc.iteration_ns.size() >= 2) {
      double mean = 0;
      for (double x : acc.iteration_ns) mean += x;
      mean /= acc.iteration_ns.size();
      double var = 0;
      for (double x : acc.iteration_ns) var += (x - mean) * (x - mean);
      var /=
          acc.iteration_ns.size() - 1;  // sample variance, as Google Benchmark
      if (mean > 0) r.cv = std::sqrt(var) / mean;
    }
    std::optional<double> ips = acc.median_items_per_second;
    if (!ips && !acc.iteration_items_per_second.empty()) {
      ips = Median(acc.iteration_items_per_second);
    }
    if (ips && *ips > 0) r.ns_per_item = 1e9 / *ips;
    if (!r.error.empty()) {
      // A run that failed in any repetition has no trustworthy time.
      r.median_ns.reset();
      r.cv.reset();
      r.ns_per_item.reset();
    }
    out.results.push_back(std::move(r));
  }
  return out;
}

}  // namespace moirai::cli
