// Copyright 2026 The Moirai Authors.
//
// tools/cli/report_html.cc
// -----------------------------------------------------------------------------
//
// RenderHtml(): the benchmark report as one self-contained page. Charts are
// inline SVG drawn here; there is no script and nothing is fetched.

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "moirai/tools/cli/report.h"

namespace moirai::cli {
namespace {

using nlohmann::json;

constexpr const char* kFaster = "#2f9e5b";
constexpr const char* kSlower = "#d1493f";
constexpr const char* kFasterNoise = "#a9dbbd";
constexpr const char* kSlowerNoise = "#f0b7b2";

std::string Escape(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Ratio(double r) {
  return r >= 100  ? absl::StrFormat("%.0f×", r)
         : r >= 10 ? absl::StrFormat("%.1f×", r)
                   : absl::StrFormat("%.2f×", r);
}

std::string Percent(const std::optional<double>& v) {
  return v ? absl::StrFormat("%.1f%%", *v * 100) : std::string("–");
}

std::string JsonText(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "–";
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The log-scale axis shared by one chart.
struct LogAxis {
  double lo, hi;  // domain (ratios)
  double x0, x1;  // pixel range
  double X(double r) const {
    r = std::clamp(r, lo, hi);
    return x0 + (std::log(r) - std::log(lo)) / (std::log(hi) - std::log(lo)) *
                    (x1 - x0);
  }
};

std::vector<double> Ticks(double lo, double hi) {
  for (const std::vector<double>& mantissas :
       {std::vector<double>{1, 2, 5}, {1, 3}, {1}}) {
    std::vector<double> ticks;
    for (int e = -4; e <= 4; ++e) {
      for (double m : mantissas) {
        const double t = m * std::pow(10.0, e);
        if (t >= lo * 0.999 && t <= hi * 1.001) ticks.push_back(t);
      }
    }
    if (ticks.size() <= 9) return ticks;
  }
  return {1};
}

std::string TickLabel(double t) {
  if (t >= 1) return absl::StrFormat("%g×", t);
  return absl::StrFormat("%g×", t);
}

// One package's chart: a row per comparison, bar from 1.0 to the ratio.
std::string Chart(const std::vector<const Comparison*>& rows) {
  // Row labels first: the label column is as wide as the longest one needs
  // (about 8 px per character at 13 px; the peer part is included).
  std::vector<std::string> labels;
  size_t longest = 0;
  for (const Comparison* c : rows) {
    std::string label = c->case_name;
    if (!c->variant.empty()) absl::StrAppend(&label, " [", c->variant, "]");
    if (c->moirai_impl != "moirai") {
      absl::StrAppend(&label, " (", c->moirai_impl, ")");
    }
    longest = std::max(longest, label.size() + 4 + c->peer.size());
    labels.push_back(std::move(label));
  }
  constexpr double kWidth = 1100, kPlotRight = 860, kRowH = 28, kTop = 46,
                   kBottom = 14;
  const double kLabelRight = std::clamp(8.0 * longest + 8, 160.0, 460.0);
  const double kPlotLeft = kLabelRight + 16;
  double lo = 0.5, hi = 2.0;
  for (const Comparison* c : rows) {
    const double s = 1 + c->spread.value_or(0);
    lo = std::min(lo, c->ratio / s);
    hi = std::max(hi, c->ratio * s);
    if (c->goal_ratio) {
      lo = std::min(lo, *c->goal_ratio);
      hi = std::max(hi, *c->goal_ratio);
    }
  }
  lo = std::max(lo / 1.15, 1e-4);
  hi = std::min(hi * 1.15, 1e4);
  const LogAxis axis{lo, hi, kPlotLeft, kPlotRight};
  const double height = kTop + kRowH * rows.size() + kBottom;
  std::string svg = absl::StrFormat(
      "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" "
      "role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" "
      "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\" "
      "font-size=\"13\">\n",
      kWidth, height);
  // Direction hints above the 1.0 line.
  const double one = axis.X(1.0);
  absl::StrAppendFormat(
      &svg,
      "<text x=\"%.1f\" y=\"14\" text-anchor=\"end\" fill=\"%s\" "
      "font-weight=\"600\">◀ Moirai faster</text>\n"
      "<text x=\"%.1f\" y=\"14\" fill=\"%s\" font-weight=\"600\">Moirai "
      "slower ▶</text>\n",
      one - 8, kFaster, one + 8, kSlower);
  // Row stripes.
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i % 2 == 0) {
      absl::StrAppendFormat(&svg,
                            "<rect x=\"0\" y=\"%.1f\" width=\"%.0f\" "
                            "height=\"%.0f\" fill=\"#f5f6f8\"/>\n",
                            kTop + i * kRowH, kWidth, kRowH);
    }
  }
  // Grid and tick labels.
  for (double t : Ticks(lo, hi)) {
    const double x = axis.X(t);
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.1f\" "
        "stroke=\"#d9dce1\"/>\n<text x=\"%.1f\" y=\"%.0f\" "
        "text-anchor=\"middle\" fill=\"#6b7280\" font-size=\"11\">%s</text>\n",
        x, kTop - 6, x, height - kBottom, x, kTop - 10, TickLabel(t));
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    const Comparison& c = *rows[i];
    const double mid = kTop + i * kRowH + kRowH / 2;
    const std::string& label = labels[i];
    absl::StrAppendFormat(
        &svg,
        "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" "
        "dominant-baseline=\"middle\"><tspan fill=\"#111827\">%s</tspan>"
        "<tspan fill=\"#6b7280\"> vs %s</tspan></text>\n",
        kLabelRight, mid, Escape(label), Escape(c.peer));
    const double x = axis.X(c.ratio);
    // Within the spread of 1.0 the sign of the difference is noise: paler.
    const bool noise =
        c.spread && std::abs(std::log(c.ratio)) < std::log(1 + *c.spread);
    const char* fill = c.ratio < 1 ? (noise ? kFasterNoise : kFaster)
                                   : (noise ? kSlowerNoise : kSlower);
    absl::StrAppendFormat(
        &svg,
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" rx=\"2\" "
        "fill=\"%s\"><title>%s vs %s: %s / %s = %s</title></rect>\n",
        std::min(x, one), mid - 7, std::max(std::abs(x - one), 1.5), fill,
        Escape(label), Escape(c.peer), FormatNs(c.moirai_ns),
        FormatNs(c.peer_ns), Ratio(c.ratio));
    if (c.spread) {
      const double a = axis.X(c.ratio / (1 + *c.spread));
      const double b = axis.X(c.ratio * (1 + *c.spread));
      absl::StrAppendFormat(
          &svg,
          "<path d=\"M%.1f %.1fv8M%.1f %.1fH%.1fM%.1f %.1fv8\" "
          "stroke=\"#374151\" stroke-width=\"1.2\" fill=\"none\"/>\n",
          a, mid - 4, a, mid, b, b, mid - 4);
    }
    std::string value = Ratio(c.ratio);
    if (c.spread) {
      absl::StrAppend(&value, absl::StrFormat(" ±%.0f%%", *c.spread * 100));
    }
    absl::StrAppendFormat(&svg,
                          "<text x=\"%.0f\" y=\"%.1f\" "
                          "dominant-baseline=\"middle\" font-weight=\"600\" "
                          "fill=\"%s\">%s</text>\n",
                          kPlotRight + 10, mid, c.ratio < 1 ? kFaster : kSlower,
                          value);
    if (c.goal_ratio) {
      const double g = axis.X(*c.goal_ratio);
      const bool met = c.goal_met.value_or(false);
      absl::StrAppendFormat(
          &svg,
          "<path d=\"M%.1f %.1fl-5 -6h10z\" fill=\"#1f2937\"/>"
          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
          "stroke=\"#1f2937\" stroke-width=\"2\" stroke-dasharray=\"3 2\">"
          "<title>goal ≤ %s</title></line>\n"
          "<text x=\"%.0f\" y=\"%.1f\" dominant-baseline=\"middle\" "
          "font-size=\"12\" fill=\"%s\">%s goal ≤%s</text>\n",
          g, mid - 8, g, mid - 8, g, mid + 11, Ratio(*c.goal_ratio),
          kPlotRight + 112, mid, met ? kFaster : kSlower, met ? "✓" : "✗",
          Ratio(*c.goal_ratio));
    }
  }
  // The 1.0 line on top of the bars.
  absl::StrAppendFormat(&svg,
                        "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.1f\" "
                        "stroke=\"#111827\" stroke-width=\"1.5\"/>\n",
                        one, kTop - 6, one, height - kBottom + 4);
  svg += "</svg>\n";
  svg +=
      "<p class=\"legend\">Bar: Moirai/peer ratio of median times, log "
      "scale. Whisker: ± the combined coefficient of variation. Pale bar: "
      "the ratio is within that spread of 1×. ▼ dashed: the goal from "
      "PERFORMANCE.md (✓ met, ✗ not met in this run).</p>\n";
  return svg;
}

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0;
  background: #eef0f3; color: #111827; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 4px 0 2px; }
h2 { font-size: 19px; margin: 0 0 4px; }
.sub { color: #6b7280; margin: 0 0 18px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 18px; }
.card { background: #fff; border-radius: 10px; padding: 12px 16px; min-width: 120px;
  box-shadow: 0 1px 2px rgba(0,0,0,.06); }
.card .n { font-size: 26px; font-weight: 700; }
.card .l { color: #6b7280; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
section { background: #fff; border-radius: 12px; padding: 16px 20px; margin-bottom: 18px;
  box-shadow: 0 1px 2px rgba(0,0,0,.06); }
.meta { color: #6b7280; font-size: 13px; margin-bottom: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eceef1; }
th { color: #6b7280; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 9px; font-size: 12px;
  font-weight: 600; }
.met { background: #d6f1e0; color: #1b6e3d; }
.not_met { background: #fbdcd9; color: #9b2c23; }
.not_measured { background: #eceef1; color: #6b7280; }
.failed { background: #fff4f2; border-left: 4px solid #d1493f; }
pre { background: #f5f6f8; padding: 8px; overflow-x: auto; font-size: 12px; }
details summary { cursor: pointer; color: #374151; margin-top: 8px; }
.legend { color: #6b7280; font-size: 12px; margin: 6px 0 0; }
.warn { background: #fff8e6; border-left: 4px solid #e0a100; }
.faster { color: #2f9e5b; font-weight: 600; } .slower { color: #d1493f; font-weight: 600; }
)css";

void Card(std::string& out, const std::string& n, absl::string_view label,
          const char* color = "#111827") {
  absl::StrAppend(
      &out, "<div class=\"card\"><div class=\"n\" style=\"color:", color, "\">",
      Escape(n), "</div><div class=\"l\">", Escape(label), "</div></div>\n");
}

}  // namespace

std::string RenderHtml(const Report& report) {
  std::string out;
  absl::StrAppend(&out,
                  "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
                  "charset=\"utf-8\">\n<meta name=\"viewport\" "
                  "content=\"width=device-width, initial-scale=1\">\n"
                  "<title>Moirai benchmark report</title>\n<style>",
                  kStyle, "</style></head>\n<body><main>\n");
  absl::StrAppend(
      &out, "<h1>Moirai benchmark report</h1>\n<p class=\"sub\">", "Moirai ",
      Escape(report.moirai_version), " · ", Escape(report.generated_at),
      " · ratio = Moirai median ",
      TimeKindName(report.time) == "real_time" ? "wall-clock" : "CPU",
      " time ÷ peer median time, lower is better · ",
      Escape(JsonText(report.options.value("repetitions", json()))),
      " repetitions</p>\n");

  // Summary cards.
  int faster = 0, slower = 0;
  for (const Comparison& c : report.comparisons)
    (c.ratio < 1 ? faster : slower)++;
  int met = 0, not_met = 0, not_measured = 0;
  for (const GoalResult& g : report.goals) {
    if (g.status == GoalStatus::kMet) ++met;
    if (g.status == GoalStatus::kNotMet) ++not_met;
    if (g.status == GoalStatus::kNotMeasured) ++not_measured;
  }
  int failed_binaries = 0;
  for (const PackageRun& run : report.packages) failed_binaries += !run.ok;
  out += "<div class=\"cards\">\n";
  Card(out, absl::StrCat(report.comparisons.size()), "comparisons");
  Card(out, absl::StrCat(faster), "Moirai faster", kFaster);
  Card(out, absl::StrCat(slower), "Moirai slower", kSlower);
  Card(out, absl::StrCat(met, " / ", met + not_met), "goals met (measured)",
       not_met ? kSlower : kFaster);
  Card(out, absl::StrCat(not_measured), "goals not measured yet");
  Card(out, absl::StrCat(failed_binaries), "failed binaries",
       failed_binaries ? kSlower : "#111827");
  out += "</div>\n";

  // A loaded machine makes every number suspect: say so up front.
  const json& load = report.machine.value("load_avg", json());
  const double cpus = report.machine.value("affinity_cpus", 0.0);
  if (load.is_array() && !load.empty() && load[0].is_number() && cpus > 0 &&
      load[0].get<double>() > 0.5 * cpus) {
    absl::StrAppendFormat(
        &out,
        "<section class=\"warn\"><b>Noisy machine.</b> The 1-minute load "
        "average was %.2f on %d CPUs when the run started; other work shared "
        "the cores, so absolute times and ratios are noisy. Compare the spread "
        "column before trusting a small difference.</section>\n",
        load[0].get<double>(), static_cast<int>(cpus));
  }

  // Failures first: they are what needs attention.
  for (const PackageRun& run : report.packages) {
    if (run.ok) continue;
    absl::StrAppend(&out, "<section class=\"failed\"><h2>", Escape(run.target),
                    " failed</h2><p>", Escape(run.error), "</p>");
    if (!run.log_tail.empty()) {
      absl::StrAppend(&out, "<pre>", Escape(run.log_tail), "</pre>");
    }
    out += "</section>\n";
  }

  // One section per package with comparisons.
  for (const PackageRun& run : report.packages) {
    // A failed binary without results is fully described by its box above.
    if (!run.ok && run.output.results.empty()) continue;
    std::vector<const Comparison*> rows;
    for (const Comparison& c : report.comparisons) {
      if (c.package == run.package) rows.push_back(&c);
    }
    absl::StrAppend(&out, "<section><h2>", Escape(run.package), "</h2>");
    double log_sum = 0;
    for (const Comparison* c : rows) log_sum += std::log(c->ratio);
    absl::StrAppend(&out, "<div class=\"meta\">", Escape(run.target), " · ",
                    absl::StrFormat("%.1f s", run.seconds), " · ",
                    run.output.results.size(), " results · ", rows.size(),
                    " comparisons");
    if (!rows.empty()) {
      absl::StrAppend(&out, " · geometric mean ratio ",
                      Ratio(std::exp(log_sum / rows.size())));
    }
    out += "</div>\n";
    if (!rows.empty()) {
      out += Chart(rows);
    } else {
      out += "<p class=\"meta\">No Moirai/peer pairs in this package.</p>\n";
    }
    // Raw medians.
    absl::StrAppend(
        &out, "<details><summary>Raw medians (", run.output.results.size(),
        " results)</summary><table><tr><th>benchmark</th><th>impl</th>"
        "<th class=\"num\">median</th><th class=\"num\">cv</th>"
        "<th class=\"num\">ns/item</th><th class=\"num\">reps</th>"
        "<th>error</th></tr>\n");
    for (const CaseResult& r : run.output.results) {
      absl::StrAppend(&out, "<tr><td>", Escape(r.name), "</td><td>",
                      Escape(r.impl), "</td><td class=\"num\">",
                      r.median_ns ? FormatNs(*r.median_ns) : std::string("–"),
                      "</td><td class=\"num\">", Percent(r.cv),
                      "</td><td class=\"num\">",
                      r.ns_per_item ? absl::StrFormat("%.3g", *r.ns_per_item)
                                    : std::string("–"),
                      "</td><td class=\"num\">", r.repetitions, "</td><td>",
                      Escape(r.error), "</td></tr>\n");
    }
    out += "</table></details></section>\n";
  }

  // Goals.
  absl::StrAppend(&out,
                  "<section><h2>Goals from PERFORMANCE.md</h2>"
                  "<table><tr><th>goal</th><th>case</th><th>against</th>"
                  "<th class=\"num\">target</th><th class=\"num\">measured</th>"
                  "<th>status</th></tr>\n");
  for (const GoalResult& g : report.goals) {
    const bool speedup = g.kind == GoalKind::kSpeedup;
    const std::string target =
        g.kind == GoalKind::kNsPerItem
            ? absl::StrFormat("≤ %g ns", g.target)
            : absl::StrFormat("%s %s", speedup ? "≥" : "≤", Ratio(g.target));
    std::string measured = "–";
    if (g.measured) {
      measured = g.kind == GoalKind::kNsPerItem
                     ? absl::StrFormat("%.3g ns", *g.measured)
                     : Ratio(*g.measured);
    }
    std::string status(GoalStatusName(g.status));
    std::string status_text = status == "not_met"        ? "not met"
                              : status == "not_measured" ? "not measured"
                                                         : "met";
    std::string note = g.note;
    if (!g.moirai_impl.empty() && g.moirai_impl != "moirai") {
      note = absl::StrCat(g.moirai_impl, note.empty() ? "" : "; ", note);
    }
    absl::StrAppend(
        &out, "<tr><td>", Escape(g.text), note.empty() ? "" : "<br><small>",
        Escape(note), note.empty() ? "" : "</small>", "</td><td>",
        Escape(g.case_name), "</td><td>", Escape(g.against),
        "</td><td class=\"num\">", target, "</td><td class=\"num\">", measured,
        "</td><td><span class=\"badge ", status, "\">", status_text,
        "</span></td></tr>\n");
  }
  out += "</table></section>\n";

  if (!report.failed.empty() || !report.unpaired.empty()) {
    out += "<section><h2>Not compared</h2>";
    if (!report.failed.empty()) {
      out += "<p>Benchmarks that reported an error:</p><ul>";
      for (const std::string& f : report.failed) {
        absl::StrAppend(&out, "<li>", Escape(f), "</li>");
      }
      out += "</ul>";
    }
    if (!report.unpaired.empty()) {
      out +=
          "<p>Results without a Moirai/peer pair (a name not of the form "
          "<code>case/impl</code>, or only one side measured):</p><ul>";
      for (const std::string& u : report.unpaired) {
        absl::StrAppend(&out, "<li>", Escape(u), "</li>");
      }
      out += "</ul>";
    }
    out += "</section>\n";
  }

  // Machine and options.
  out += "<section><h2>Machine and options</h2><table>\n";
  for (const json* obj : {&report.machine, &report.options}) {
    for (auto it = obj->begin(); it != obj->end(); ++it) {
      absl::StrAppend(&out, "<tr><th>", Escape(it.key()), "</th><td>",
                      Escape(JsonText(it.value())), "</td></tr>\n");
    }
  }
  out += "</table></section>\n</main></body></html>\n";
  return out;
}

}  // namespace moirai::cli
