// Copyright 2026 The Moirai Authors.
//
// tools/cli/bench_command.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/bench_command.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "moirai/tools/cli/info.h"
#include "moirai/tools/cli/report.h"
#include "moirai/tools/cli/subprocess.h"
#include "moirai/core/version.h"

namespace moirai::cli {
namespace {

namespace fs = std::filesystem;

// Progress on stderr: one rewritten line on a terminal, plain lines otherwise.
class Progress {
 public:
  Progress() : tty_(isatty(2)), start_(absl::Now()) {}

  // Progress::Update()
  //
  // Shows `what` with the time since the command started (terminal only).
  void Update(absl::string_view what) {
    if (!tty_) return;
    std::cerr << "\r\033[K" << what << "  " << Elapsed() << std::flush;
  }
  // Progress::Line()
  //
  // Prints a permanent line (clearing a pending Update() line).
  void Line(absl::string_view text) {
    if (tty_) std::cerr << "\r\033[K";
    std::cerr << text << "\n" << std::flush;
  }
  std::string Elapsed() const {
    const int64_t s = absl::ToInt64Seconds(absl::Now() - start_);
    return absl::StrFormat("%d:%02d elapsed", s / 60, s % 60);
  }

 private:
  bool tty_;
  absl::Time start_;
};

void NoTick(absl::string_view) {}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::Status WriteFile(const std::string& path, absl::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out)
    return absl::PermissionDeniedError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// The workspace root: where `bazel run` was started for (it sets
// BUILD_WORKSPACE_DIRECTORY), else the current directory if it holds a
// WORKSPACE file (the binary run by hand from the root).
absl::StatusOr<std::string> WorkspaceDir() {
  if (const char* ws = getenv("BUILD_WORKSPACE_DIRECTORY"); ws && *ws) {
    return std::string(ws);
  }
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (!ec && fs::exists(cwd / "WORKSPACE")) return cwd.string();
  return absl::FailedPreconditionError(
      "cannot find the Moirai workspace: run `./moirai bench` (or `bazel run "
      "//tools/cli:moirai -- bench`) from the repository");
}

// Resolves --out: relative paths are relative to where the user ran the
// command (BUILD_WORKING_DIRECTORY under `bazel run`).
absl::StatusOr<std::string> OutputDir(const BenchOptions& opts,
                                      const std::string& workspace) {
  fs::path dir =
      opts.out_dir.empty() ? fs::path(workspace) : fs::path(opts.out_dir);
  if (dir.is_relative()) {
    const char* wd = getenv("BUILD_WORKING_DIRECTORY");
    dir = fs::path(wd && *wd ? wd : workspace) / dir;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--out: cannot create directory ", dir.string(), ": ", ec.message()));
  }
  return dir.string();
}

bool HasBuildFile(const std::string& workspace, const std::string& pkg) {
  const fs::path dir = fs::path(workspace) / pkg;
  return fs::exists(dir / "BUILD.bazel") || fs::exists(dir / "BUILD");
}

std::string BenchmarkLabel(const std::string& pkg) {
  return absl::StrCat("//", pkg, ":", pkg, "_benchmark");
}

// The `<pkg>_benchmark` cc_binary labels that exist in `packages`, found with
// one `bazel query`. A package whose BUILD file does not load (another
// engineer mid-edit) is reported in `warnings`, and the others still count.
absl::StatusOr<std::set<std::string>> QueryBenchmarks(
    const std::string& workspace, const std::vector<std::string>& packages,
    Progress& progress, std::vector<std::string>& warnings) {
  std::vector<std::string> patterns;
  for (const std::string& p : packages)
    patterns.push_back(absl::StrCat("//", p, ":all"));
  const std::string expr =
      absl::StrCat("filter(\"_benchmark$\", kind(\"cc_binary\", ",
                   absl::StrJoin(patterns, " + "), "))");
  absl::StatusOr<CommandResult> r =
      RunCommand({"bazel", "query", "--keep_going", "--noshow_progress",
                  "--output=label", expr},
                 workspace, [&](absl::string_view) {
                   progress.Update("finding benchmark binaries (bazel query)");
                 });
  if (!r.ok()) return r.status();
  // 0: complete; 3: partial (some package failed to load, --keep_going).
  if (r->exit_code != 0 && r->exit_code != 3) {
    return absl::InternalError(
        absl::StrCat("bazel query ", r->Describe(), ":\n",
                     TailLines(r->err, 20, "linux-sandbox")));
  }
  if (r->exit_code == 3) {
    warnings.push_back(
        absl::StrCat("bazel query could not load every package:\n",
                     TailLines(r->err, 10, "linux-sandbox")));
  }
  std::set<std::string> labels;
  for (absl::string_view line : absl::StrSplit(r->out, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) labels.insert(std::string(line));
  }
  return labels;
}

// `bazel info --config=opt bazel-bin`: where the opt binaries are. Asking
// Bazel (rather than following the bazel-bin symlink, which the last build
// of any configuration moves) keeps this right while others build too.
absl::StatusOr<std::string> OptBinDir(const std::string& workspace,
                                      Progress& progress) {
  absl::StatusOr<CommandResult> r =
      RunCommand({"bazel", "info", "--config=opt", "bazel-bin"}, workspace,
                 [&](absl::string_view) {
                   progress.Update("locating binaries (bazel info)");
                 });
  if (!r.ok()) return r.status();
  if (!r->ok()) {
    return absl::InternalError(
        absl::StrCat("bazel info ", r->Describe(), ":\n",
                     TailLines(r->err, 20, "linux-sandbox")));
  }
  return std::string(absl::StripAsciiWhitespace(r->out));
}

std::string Now() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(),
                          absl::UTCTimeZone());
}

// Git commit of the workspace, with "-dirty" for uncommitted changes to
// tracked files; empty when git is not available.
std::string GitDescription(const std::string& workspace) {
  absl::StatusOr<CommandResult> head =
      RunCommand({"git", "rev-parse", "--short", "HEAD"}, workspace, NoTick);
  if (!head.ok() || !head->ok()) return "";
  std::string out(absl::StripAsciiWhitespace(head->out));
  absl::StatusOr<CommandResult> dirty =
      RunCommand({"git", "status", "--porcelain", "--untracked-files=no"},
                 workspace, NoTick);
  if (dirty.ok() && dirty->ok() && !dirty->out.empty()) out += "-dirty";
  return out;
}

// Counts the results a running benchmark binary has printed so far (its
// stdout is JSON): one "median" aggregate per benchmark, or one iteration
// run per repetition when there are no aggregates.
int CountResults(absl::string_view out, int repetitions) {
  auto count = [&](absl::string_view needle) {
    int n = 0;
    for (size_t pos = out.find(needle); pos != absl::string_view::npos;
         pos = out.find(needle, pos + 1)) {
      ++n;
    }
    return n;
  };
  return count("\"aggregate_name\": \"median\"") +
         count("\"run_type\": \"iteration\"") / std::max(repetitions, 1);
}

// What to show of a failed benchmark binary: the end of its stderr, and the
// last benchmark it completed (its stdout is the JSON stream), since the
// failure happened in the one after.
std::string FailureLog(const CommandResult& r) {
  std::string log;
  static constexpr char kKey[] = "\"run_name\": \"";
  const size_t at = r.out.rfind(kKey);
  if (at != std::string::npos) {
    const size_t begin = at + sizeof(kKey) - 1;
    const size_t end = r.out.find('"', begin);
    if (end != std::string::npos) {
      absl::StrAppend(&log, "(last benchmark completed: ",
                      r.out.substr(begin, end - begin), ")\n");
    }
  } else {
    absl::StrAppend(&log, "(no benchmark completed)\n");
  }
  absl::StrAppend(&log, TailLines(r.err, 30, ""));
  return log;
}

}  // namespace

int RunBench(const BenchOptions& opts) {
  Progress progress;
  absl::StatusOr<std::string> workspace = WorkspaceDir();
  if (!workspace.ok()) {
    std::cerr << "moirai bench: " << workspace.status() << "\n";
    return 2;
  }
  absl::StatusOr<std::string> out_dir = OutputDir(opts, *workspace);
  if (!out_dir.ok()) {
    std::cerr << "moirai bench: " << out_dir.status() << "\n";
    return 2;
  }

  // Which packages: the ones asked for must exist; by default, every known
  // package that exists so far.
  const bool explicit_packages = !opts.packages.empty();
  std::vector<std::string> packages;
  for (const std::string& p :
       explicit_packages ? opts.packages : KnownPackages()) {
    if (HasBuildFile(*workspace, p)) {
      packages.push_back(p);
    } else if (explicit_packages) {
      std::cerr << "moirai bench: "
                << absl::NotFoundError(
                       absl::StrCat("package \"", p, "\" does not exist (no ",
                                    p, "/BUILD.bazel in ", *workspace, ")"))
                << "\n";
      return 2;
    }
  }
  std::vector<std::string> warnings;
  std::set<std::string> found;
  if (!packages.empty()) {
    absl::StatusOr<std::set<std::string>> q =
        QueryBenchmarks(*workspace, packages, progress, warnings);
    if (!q.ok()) {
      progress.Line(absl::StrCat("moirai bench: ", q.status().ToString()));
      return 2;
    }
    found = *std::move(q);
  }
  std::vector<std::string> to_run;  // packages with a benchmark target
  std::vector<std::string> skipped;
  for (const std::string& p : packages) {
    if (found.count(BenchmarkLabel(p))) {
      to_run.push_back(p);
    } else if (explicit_packages) {
      progress.Line(absl::StrCat(
          "moirai bench: ",
          absl::NotFoundError(absl::StrCat("package \"", p, "\" has no ",
                                           BenchmarkLabel(p), " target"))
              .ToString()));
      return 2;
    } else {
      skipped.push_back(p);
    }
  }
  for (const std::string& w : warnings)
    progress.Line(absl::StrCat("warning: ", w));
  if (!skipped.empty()) {
    progress.Line(absl::StrCat("no benchmark binary (yet) in: ",
                               absl::StrJoin(skipped, ", ")));
  }
  if (to_run.empty()) {
    progress.Line("moirai bench: no //<pkg>:<pkg>_benchmark targets found");
    return 2;
  }

  Report report;
  report.moirai_version = MOIRAI_VERSION;
  report.generated_at = Now();
  report.time = opts.time;
  report.machine = MachineInfoJson();
  report.machine["git"] = GitDescription(*workspace);
  report.options = opts.ToJson();
  report.options["packages_run"] = to_run;

  // Build everything in one command; if that fails, build each target alone
  // to learn which ones fail (the others come from Bazel's cache).
  std::set<std::string> build_failed;
  std::map<std::string, std::string> build_logs;
  if (opts.build) {
    std::vector<std::string> cmd = {"bazel", "build", "--config=opt",
                                    "--keep_going", "--noshow_progress"};
    for (const std::string& p : to_run) cmd.push_back(BenchmarkLabel(p));
    absl::StatusOr<CommandResult> r =
        RunCommand(cmd, *workspace, [&](absl::string_view) {
          progress.Update(
              absl::StrCat("building ", to_run.size(),
                           " benchmark binaries (bazel build --config=opt)"));
        });
    if (!r.ok()) {
      progress.Line(absl::StrCat("moirai bench: ", r.status().ToString()));
      return 2;
    }
    if (!r->ok()) {
      for (const std::string& p : to_run) {
        absl::StatusOr<CommandResult> one = RunCommand(
            {"bazel", "build", "--config=opt", "--noshow_progress",
             BenchmarkLabel(p)},
            *workspace, [&](absl::string_view) {
              progress.Update(absl::StrCat("finding which build failed: ",
                                           BenchmarkLabel(p)));
            });
        if (!one.ok() || !one->ok()) {
          build_failed.insert(p);
          build_logs[p] = one.ok() ? TailLines(one->err, 30, "linux-sandbox")
                                   : one.status().ToString();
        }
      }
      if (build_failed.empty()) {
        // The combined build failed but each alone built (a concurrent edit
        // fixed it meanwhile); go on with what is built.
        progress.Line(
            "warning: the first build failed, each target alone built");
      }
    }
    progress.Line(absl::StrCat("built ", to_run.size() - build_failed.size(),
                               " of ", to_run.size(), " benchmark binaries (",
                               progress.Elapsed(), ")"));
  }
  absl::StatusOr<std::string> bin_dir = OptBinDir(*workspace, progress);
  if (!bin_dir.ok()) {
    progress.Line(absl::StrCat("moirai bench: ", bin_dir.status().ToString()));
    return 2;
  }

  char tmpl[] = "/tmp/moirai-bench-XXXXXX";
  const char* tmp = mkdtemp(tmpl);
  if (tmp == nullptr) {
    progress.Line("moirai bench: cannot create a temporary directory in /tmp");
    return 2;
  }

  for (size_t i = 0; i < to_run.size(); ++i) {
    const std::string& pkg = to_run[i];
    PackageRun run;
    run.package = pkg;
    run.target = BenchmarkLabel(pkg);
    const std::string counter =
        absl::StrFormat("[%d/%d]", i + 1, to_run.size());
    if (build_failed.count(pkg)) {
      run.ok = false;
      run.error = "the benchmark binary did not build";
      run.log_tail = build_logs[pkg];
      progress.Line(
          absl::StrCat(counter, " ", run.target, ": FAILED TO BUILD"));
      report.packages.push_back(std::move(run));
      continue;
    }
    const std::string binary =
        absl::StrCat(*bin_dir, "/", pkg, "/", pkg, "_benchmark");
    if (access(binary.c_str(), X_OK) != 0) {
      run.ok = false;
      run.error = absl::StrCat(binary, " is not built",
                               opts.build ? "" : " (run without --no-build)");
      progress.Line(absl::StrCat(counter, " ", run.target, ": ", run.error));
      report.packages.push_back(std::move(run));
      continue;
    }
    const std::string json_path = absl::StrCat(tmp, "/", pkg, ".json");
    std::vector<std::string> argv = {
        binary,
        "--benchmark_format=json",
        absl::StrCat("--benchmark_out=", json_path),
        "--benchmark_out_format=json",
        absl::StrCat("--benchmark_repetitions=", opts.repetitions),
        "--benchmark_report_aggregates_only=true"};
    if (!opts.filter.empty()) {
      argv.push_back(absl::StrCat("--benchmark_filter=", opts.filter));
    }
    progress.Line(absl::StrCat(counter, " running ", run.target));
    const absl::Time started = absl::Now();
    absl::StatusOr<CommandResult> r =
        RunCommand(argv, *workspace, [&](absl::string_view out) {
          progress.Update(
              absl::StrFormat("%s %s: %d results, %.0f s", counter, run.target,
                              CountResults(out, opts.repetitions),
                              absl::ToDoubleSeconds(absl::Now() - started)));
        });
    run.seconds = absl::ToDoubleSeconds(absl::Now() - started);
    if (!r.ok()) {
      run.ok = false;
      run.error = r.status().ToString();
    } else {
      if (!r->ok()) {
        run.ok = false;
        run.error = absl::StrCat("the benchmark binary ", r->Describe());
        run.log_tail = FailureLog(*r);
      }
      absl::StatusOr<std::string> text = ReadFile(json_path);
      // Google Benchmark exits 0 with an empty output file when --filter
      // matches nothing in this binary: that is no results, not a failure.
      if (r->ok() && text.ok() && absl::StripAsciiWhitespace(*text).empty() &&
          absl::StrContains(r->err, "Failed to match any benchmarks")) {
        text = std::string(R"({"benchmarks": []})");
      }
      absl::StatusOr<BenchmarkOutput> parsed =
          text.ok() ? ParseBenchmarkJson(*text, opts.time)
                    : absl::StatusOr<BenchmarkOutput>(text.status());
      if (parsed.ok()) {
        run.output = *std::move(parsed);
      } else if (run.ok) {
        run.ok = false;
        run.error = parsed.status().ToString();
        run.log_tail = TailLines(r->err, 30, "");
      }
    }
    progress.Line(absl::StrFormat(
        "%s %s: %s, %d results in %.1f s", counter, run.target,
        run.ok ? "done" : absl::StrCat("FAILED (", run.error, ")"),
        run.output.results.size(), run.seconds));
    report.packages.push_back(std::move(run));
  }
  std::error_code ec;
  fs::remove_all(tmp, ec);

  ComputeComparisons(report);
  std::cout << "\n" << RenderTable(report, isatty(1)) << std::flush;

  const std::string json_path =
      (fs::path(*out_dir) / "bench-report.json").string();
  const std::string html_path =
      (fs::path(*out_dir) / "bench-report.html").string();
  int status = 0;
  for (const auto& [path, text] : {std::pair{json_path, ReportToJson(report)},
                                   std::pair{html_path, RenderHtml(report)}}) {
    if (absl::Status s = WriteFile(path, text); !s.ok()) {
      std::cerr << "moirai bench: " << s << "\n";
      status = 1;
    }
  }
  std::cout << "wrote " << json_path << "\n      " << html_path << "\n";
  for (const PackageRun& run : report.packages) {
    if (!run.ok) status = 1;
  }
  if (!report.failed.empty()) status = 1;
  return status;
}

int RerenderReport(const std::string& json_path) {
  // Relative paths are relative to where the user ran `./moirai`.
  fs::path path(json_path);
  if (const char* wd = getenv("BUILD_WORKING_DIRECTORY");
      path.is_relative() && wd && *wd) {
    path = fs::path(wd) / path;
  }
  absl::StatusOr<std::string> text = ReadFile(path.string());
  absl::StatusOr<Report> report =
      text.ok() ? ReportFromJson(*text) : absl::StatusOr<Report>(text.status());
  if (!report.ok()) {
    std::cerr << "moirai report: " << path.string() << ": " << report.status()
              << "\n";
    return 1;
  }
  // Pairs and goals are derived data: recompute them with this version's
  // rules and goals table.
  ComputeComparisons(*report);
  std::cout << RenderTable(*report, isatty(1));
  const std::string html = path.replace_extension(".html").string();
  if (absl::Status s = WriteFile(html, RenderHtml(*report)); !s.ok()) {
    std::cerr << "moirai report: " << s << "\n";
    return 1;
  }
  std::cout << "wrote " << html << "\n";
  return 0;
}

}  // namespace moirai::cli
