// Copyright 2026 The Moirai Authors.
//
// tools/cli/report.cc
// -----------------------------------------------------------------------------
//
// The report model, its JSON form and the terminal table. The HTML page is in
// report_html.cc.

#include "moirai/tools/cli/report.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace moirai::cli {
namespace {

using nlohmann::json;

json OptionalToJson(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

// Reads fields out of the JSON objects ReportToJson() writes. The first
// problem is kept in `status`; later reads return defaults.
class Reader {
 public:
  const json& Field(const json& obj, const char* key) {
    static const json* const kNull = new json(nullptr);
    if (!obj.is_object()) {
      Fail(absl::StrCat("expected an object holding \"", key, "\""));
      return *kNull;
    }
    auto it = obj.find(key);
    if (it == obj.end()) {
      Fail(absl::StrCat("missing field \"", key, "\""));
      return *kNull;
    }
    return *it;
  }
  std::string Str(const json& obj, const char* key) {
    const json& v = Field(obj, key);
    if (v.is_string()) return v.get<std::string>();
    Fail(absl::StrCat("field \"", key, "\" is not a string"));
    return "";
  }
  double Num(const json& obj, const char* key) {
    const json& v = Field(obj, key);
    if (v.is_number()) return v.get<double>();
    Fail(absl::StrCat("field \"", key, "\" is not a number"));
    return 0;
  }
  int Int(const json& obj, const char* key) {
    const json& v = Field(obj, key);
    if (v.is_number_integer()) return v.get<int>();
    Fail(absl::StrCat("field \"", key, "\" is not an integer"));
    return 0;
  }
  std::optional<double> OptNum(const json& obj, const char* key) {
    const json& v = Field(obj, key);
    if (v.is_null()) return std::nullopt;
    if (v.is_number()) return v.get<double>();
    Fail(absl::StrCat("field \"", key, "\" is not a number or null"));
    return std::nullopt;
  }
  bool Bool(const json& obj, const char* key) {
    const json& v = Field(obj, key);
    if (v.is_boolean()) return v.get<bool>();
    Fail(absl::StrCat("field \"", key, "\" is not a boolean"));
    return false;
  }
  std::optional<bool> OptBool(const json& obj, const char* key) {
    const json& v = Field(obj, key);
    if (v.is_null()) return std::nullopt;
    return Bool(obj, key);
  }
  const json& Array(const json& obj, const char* key) {
    const json& v = Field(obj, key);
    if (!v.is_array() && status_.ok()) {
      Fail(absl::StrCat("field \"", key, "\" is not an array"));
    }
    return v.is_array() ? v : EmptyArray();
  }
  const json& Object(const json& obj, const char* key) {
    const json& v = Field(obj, key);
    if (!v.is_object()) {
      Fail(absl::StrCat("field \"", key, "\" is not an object"));
    }
    return v;
  }
  std::vector<std::string> Strings(const json& obj, const char* key) {
    std::vector<std::string> out;
    for (const json& v : Array(obj, key)) {
      if (!v.is_string()) {
        Fail(absl::StrCat("field \"", key, "\" holds a non-string"));
        break;
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }
  void Fail(std::string message) {
    if (status_.ok()) {
      status_ = absl::InvalidArgumentError(
          absl::StrCat("not a moirai bench report: ", message));
    }
  }
  const absl::Status& status() const { return status_; }

 private:
  static const json& EmptyArray() {
    static const json* const kEmpty = new json(json::array());
    return *kEmpty;
  }
  absl::Status status_;
};

std::string Pad(absl::string_view s, size_t width, bool right) {
  if (s.size() >= width) return std::string(s);
  std::string fill(width - s.size(), ' ');
  return right ? absl::StrCat(fill, s) : absl::StrCat(s, fill);
}

}  // namespace

std::string FormatNs(double ns) {
  struct Unit {
    double scale;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{1e9, "s"}, {1e6, "ms"}, {1e3, "us"}};
  for (const Unit& u : kUnits) {
    if (ns >= u.scale) {
      return absl::StrFormat("%.3g %s", ns / u.scale, u.name);
    }
  }
  return absl::StrFormat("%.3g ns", ns);
}

void ComputeComparisons(Report& report) {
  report.comparisons.clear();
  report.unpaired.clear();
  report.failed.clear();
  std::vector<PackageResults> results;
  for (const PackageRun& run : report.packages) {
    PairingResult paired = PairResults(run.package, run.output.results);
    for (Comparison& c : paired.comparisons) {
      report.comparisons.push_back(std::move(c));
    }
    for (const std::string& name : paired.unpaired) {
      report.unpaired.push_back(absl::StrCat(run.package, ": ", name));
    }
    for (const CaseResult& r : run.output.results) {
      if (!r.median_ns) {
        report.failed.push_back(
            absl::StrCat(run.package, ": ", r.name, ": ",
                         r.error.empty() ? "no time reported" : r.error));
      }
    }
    results.push_back(PackageResults{run.package, &run.output.results});
  }
  report.goals = EvaluateGoals(PerformanceGoals(), results, report.comparisons);
}

std::string ReportToJson(const Report& report) {
  json root;
  root["moirai_version"] = report.moirai_version;
  root["generated_at"] = report.generated_at;
  root["time"] = std::string(TimeKindName(report.time));
  root["machine"] = report.machine;
  root["options"] = report.options;
  json packages = json::array();
  for (const PackageRun& run : report.packages) {
    json results = json::array();
    for (const CaseResult& r : run.output.results) {
      results.push_back({{"name", r.name},
                         {"case", r.case_name},
                         {"impl", r.impl},
                         {"variant", r.variant},
                         {"repetitions", r.repetitions},
                         {"threads", r.threads},
                         {"median_ns", OptionalToJson(r.median_ns)},
                         {"cv", OptionalToJson(r.cv)},
                         {"ns_per_item", OptionalToJson(r.ns_per_item)},
                         {"error", r.error}});
    }
    packages.push_back({{"package", run.package},
                        {"target", run.target},
                        {"ok", run.ok},
                        {"error", run.error},
                        {"log_tail", run.log_tail},
                        {"seconds", run.seconds},
                        {"context", run.output.context},
                        {"results", std::move(results)}});
  }
  root["packages"] = std::move(packages);
  json comparisons = json::array();
  for (const Comparison& c : report.comparisons) {
    comparisons.push_back(
        {{"package", c.package},
         {"case", c.case_name},
         {"variant", c.variant},
         {"moirai_impl", c.moirai_impl},
         {"peer", c.peer},
         {"moirai_ns", c.moirai_ns},
         {"peer_ns", c.peer_ns},
         {"ratio", c.ratio},
         {"moirai_cv", OptionalToJson(c.moirai_cv)},
         {"peer_cv", OptionalToJson(c.peer_cv)},
         {"spread", OptionalToJson(c.spread)},
         {"goal_ratio", OptionalToJson(c.goal_ratio)},
         {"goal_met", c.goal_met ? json(*c.goal_met) : json(nullptr)}});
  }
  root["comparisons"] = std::move(comparisons);
  root["unpaired"] = report.unpaired;
  root["failed"] = report.failed;
  json goals = json::array();
  for (const GoalResult& g : report.goals) {
    goals.push_back({{"kind", std::string(GoalKindName(g.kind))},
                     {"case", g.case_name},
                     {"against", g.against},
                     {"target", g.target},
                     {"text", g.text},
                     {"status", std::string(GoalStatusName(g.status))},
                     {"package", g.package},
                     {"moirai_impl", g.moirai_impl},
                     {"measured", OptionalToJson(g.measured)},
                     {"note", g.note}});
  }
  root["goals"] = std::move(goals);
  // Invalid UTF-8 in a benchmark's log is replaced, not thrown about.
  return root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

absl::StatusOr<Report> ReportFromJson(absl::string_view text) {
  const json root = json::parse(text.begin(), text.end(), nullptr, false);
  if (root.is_discarded()) {
    return absl::InvalidArgumentError("bench report is not valid JSON");
  }
  Reader in;
  Report report;
  report.moirai_version = in.Str(root, "moirai_version");
  report.generated_at = in.Str(root, "generated_at");
  const std::string time = in.Str(root, "time");
  if (time == TimeKindName(TimeKind::kReal)) {
    report.time = TimeKind::kReal;
  } else if (time == TimeKindName(TimeKind::kCpu)) {
    report.time = TimeKind::kCpu;
  } else {
    in.Fail(absl::StrCat("unknown time \"", time, "\""));
  }
  report.machine = in.Object(root, "machine");
  report.options = in.Object(root, "options");
  for (const json& p : in.Array(root, "packages")) {
    PackageRun run;
    run.package = in.Str(p, "package");
    run.target = in.Str(p, "target");
    run.ok = in.Bool(p, "ok");
    run.error = in.Str(p, "error");
    run.log_tail = in.Str(p, "log_tail");
    run.seconds = in.Num(p, "seconds");
    run.output.context = in.Object(p, "context");
    for (const json& r : in.Array(p, "results")) {
      CaseResult cr;
      cr.name = in.Str(r, "name");
      cr.case_name = in.Str(r, "case");
      cr.impl = in.Str(r, "impl");
      cr.variant = in.Str(r, "variant");
      cr.repetitions = in.Int(r, "repetitions");
      cr.threads = in.Int(r, "threads");
      cr.median_ns = in.OptNum(r, "median_ns");
      cr.cv = in.OptNum(r, "cv");
      cr.ns_per_item = in.OptNum(r, "ns_per_item");
      cr.error = in.Str(r, "error");
      run.output.results.push_back(std::move(cr));
    }
    report.packages.push_back(std::move(run));
  }
  for (const json& j : in.Array(root, "comparisons")) {
    Comparison c;
    c.package = in.Str(j, "package");
    c.case_name = in.Str(j, "case");
    c.variant = in.Str(j, "variant");
    c.moirai_impl = in.Str(j, "moirai_impl");
    c.peer = in.Str(j, "peer");
    c.moirai_ns = in.Num(j, "moirai_ns");
    c.peer_ns = in.Num(j, "peer_ns");
    c.ratio = in.Num(j, "ratio");
    c.moirai_cv = in.OptNum(j, "moirai_cv");
    c.peer_cv = in.OptNum(j, "peer_cv");
    c.spread = in.OptNum(j, "spread");
    c.goal_ratio = in.OptNum(j, "goal_ratio");
    c.goal_met = in.OptBool(j, "goal_met");
    report.comparisons.push_back(std::move(c));
  }
  report.unpaired = in.Strings(root, "unpaired");
  report.failed = in.Strings(root, "failed");
  for (const json& j : in.Array(root, "goals")) {
    GoalResult g;
    const std::string kind = in.Str(j, "kind");
    if (auto k = ParseGoalKind(kind)) {
      g.kind = *k;
    } else {
      in.Fail(absl::StrCat("unknown goal kind \"", kind, "\""));
    }
    g.case_name = in.Str(j, "case");
    g.against = in.Str(j, "against");
    g.target = in.Num(j, "target");
    g.text = in.Str(j, "text");
    const std::string status = in.Str(j, "status");
    if (auto s = ParseGoalStatus(status)) {
      g.status = *s;
    } else {
      in.Fail(absl::StrCat("unknown goal status \"", status, "\""));
    }
    g.package = in.Str(j, "package");
    g.moirai_impl = in.Str(j, "moirai_impl");
    g.measured = in.OptNum(j, "measured");
    g.note = in.Str(j, "note");
    report.goals.push_back(std::move(g));
  }
  if (!in.status().ok()) return in.status();
  return report;
}

std::string RenderTable(const Report& report, bool color) {
  const char* green = color ? "\033[32m" : "";
  const char* red = color ? "\033[31m" : "";
  const char* bold = color ? "\033[1m" : "";
  const char* reset = color ? "\033[0m" : "";
  std::vector<std::vector<std::string>> rows;
  rows.push_back(
      {"package", "case", "vs", "moirai", "peer", "ratio", "spread", "goal"});
  std::vector<int> sign;  // -1 faster, +1 slower, 0 header
  sign.push_back(0);
  for (const Comparison& c : report.comparisons) {
    std::string case_label = c.case_name;
    if (!c.variant.empty()) absl::StrAppend(&case_label, " [", c.variant, "]");
    if (c.moirai_impl != "moirai") {
      absl::StrAppend(&case_label, " (", c.moirai_impl, ")");
    }
    std::string goal = "-";
    if (c.goal_ratio) {
      goal = absl::StrFormat("<=%.2fx %s", *c.goal_ratio,
                             *c.goal_met ? "met" : "NOT MET");
    }
    rows.push_back({c.package, case_label, c.peer, FormatNs(c.moirai_ns),
                    FormatNs(c.peer_ns), absl::StrFormat("%.2fx", c.ratio),
                    c.spread ? absl::StrFormat("±%.0f%%", *c.spread * 100)
                             : std::string("-"),
                    goal});
    sign.push_back(c.ratio < 1 ? -1 : 1);
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      // Multi-byte "±" counts as one column.
      size_t w = row[i].size();
      if (row[i].rfind("±", 0) == 0) w -= 1;
      width[i] = std::max(width[i], w);
    }
  }
  std::string out;
  if (report.comparisons.empty()) {
    absl::StrAppend(&out, "No Moirai/peer pairs were measured.\n");
  } else {
    for (size_t r = 0; r < rows.size(); ++r) {
      std::string line;
      for (size_t i = 0; i < rows[r].size(); ++i) {
        const bool right = i >= 3 && i <= 6;
        size_t w = width[i];
        if (rows[r][i].rfind("±", 0) == 0) w += 1;
        std::string cell = Pad(rows[r][i], w, right);
        if (i == 5 && sign[r] != 0) {
          cell = absl::StrCat(sign[r] < 0 ? green : red, cell, reset);
        }
        if (r == 0) cell = absl::StrCat(bold, cell, reset);
        absl::StrAppend(&line, i ? "  " : "", cell);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      absl::StrAppend(&out, line, "\n");
    }
    absl::StrAppend(&out,
                    "ratio = Moirai median time / peer median time (lower = "
                    "Moirai faster); spread = combined coefficient of "
                    "variation.\n");
  }
  int met = 0, not_met = 0, not_measured = 0;
  for (const GoalResult& g : report.goals) {
    switch (g.status) {
      case GoalStatus::kMet:
        ++met;
        break;
      case GoalStatus::kNotMet:
        ++not_met;
        break;
      case GoalStatus::kNotMeasured:
        ++not_measured;
        break;
    }
  }
  absl::StrAppend(&out, "Goals (PERFORMANCE.md): ", met, " met, ", not_met,
                  " not met, ", not_measured, " not measured.\n");
  for (const GoalResult& g : report.goals) {
    if (g.status != GoalStatus::kNotMet || g.kind == GoalKind::kRatio) continue;
    absl::StrAppend(&out, "  ", red, "NOT MET", reset, " ", g.text,
                    ": measured ", absl::StrFormat("%.3g", *g.measured), "\n");
  }
  for (const std::string& f : report.failed) {
    absl::StrAppend(&out, red, "failed", reset, " ", f, "\n");
  }
  if (!report.unpaired.empty()) {
    absl::StrAppend(
        &out, report.unpaired.size(),
        " result(s) without a Moirai/peer pair (see the report).\n");
  }
  for (const PackageRun& run : report.packages) {
    if (!run.ok) {
      absl::StrAppend(&out, red, "FAILED", reset, " ", run.target, ": ",
                      run.error, "\n");
    }
  }
  return out;
}

}  // namespace moirai::cli
