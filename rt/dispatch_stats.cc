// Copyright 2026 The Moirai Authors.
//
// rt/dispatch_stats.cc
// -----------------------------------------------------------------------------

#include "moirai/rt/dispatch_stats.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace moirai::rt {

absl::string_view MissCauseName(MissCause cause) {
  switch (cause) {
    case MissCause::kOverrun:
      return "overrun";
    case MissCause::kNotAdmitted:
      return "not-admitted";
    case MissCause::kInterference:
      return "interference";
    case MissCause::kBlocking:
      return "blocking";
    case MissCause::kUnexplained:
      return "unexplained";
  }
  return "?";
}

int LogHistogram::BucketOf(Nanos v) noexcept {
  if (v < (Nanos{1} << kSubBits)) return v < 0 ? 0 : static_cast<int>(v);
  const int e = 63 - __builtin_clzll(static_cast<std::uint64_t>(v));
  const int sub =
      static_cast<int>((v >> (e - kSubBits)) & ((Nanos{1} << kSubBits) - 1));
  // Octaves below kSubBits use buckets 0..3 directly.
  return ((e - kSubBits + 1) << kSubBits) + sub;
}

Nanos LogHistogram::BucketUpperBound(int bucket) noexcept {
  if (bucket < (1 << kSubBits)) return bucket;
  const int e = (bucket >> kSubBits) + kSubBits - 1;
  const Nanos sub = bucket & ((1 << kSubBits) - 1);
  const Nanos width = Nanos{1} << (e - kSubBits);
  // The largest value of the bucket: 2^e + (sub + 1) * width - 1.
  if (e >= 62 && sub == (1 << kSubBits) - 1) {
    return std::numeric_limits<Nanos>::max();
  }
  return (Nanos{1} << e) + (sub + 1) * width - 1;
}

void LogHistogram::Record(Nanos v) noexcept {
  if (v < 0) v = 0;
  ++counts_[BucketOf(v)];
  ++count_;
  if (v > max_) max_ = v;
}

Nanos LogHistogram::Quantile(double q) const noexcept {
  if (count_ == 0) return 0;
  // The rank of the q-quantile, 1-based: ceil(q * count).
  auto rank = static_cast<std::int64_t>(q * static_cast<double>(count_));
  if (static_cast<double>(rank) < q * static_cast<double>(count_)) ++rank;
  if (rank < 1) rank = 1;
  std::int64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen >= rank) {
      const Nanos ub = BucketUpperBound(b);
      return ub < max_ ? ub : max_;
    }
  }
  return max_;
}

const TaskStats* DispatcherStats::Find(absl::string_view name) const {
  for (const TaskStats& t : tasks) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

namespace {
std::string Time(Nanos v) {
  if (v == kNoValue) return "-";
  return v < 0 ? absl::StrCat("-", FormatNanos(-v)) : FormatNanos(v);
}
}  // namespace

std::string FormatStats(const DispatcherStats& stats) {
  std::string out = absl::StrCat(
      "core: ", stats.admitted ? "admitted" : "NOT admitted",
      " dispatches=", stats.dispatches, " preemptions=", stats.preemptions,
      " busy=", Time(stats.busy_time),
      " interference=", Time(stats.interference_time), "\n");
  for (const TaskStats& t : stats.tasks) {
    absl::StrAppend(&out, "  ", t.name, " released=", t.released,
                    " completed=", t.completed, " missed=", t.missed);
    if (t.missed > 0) {
      absl::StrAppend(&out, " (");
      bool first = true;
      for (int c = 0; c < kMissCauses; ++c) {
        if (t.misses_by_cause[c] == 0) continue;
        absl::StrAppend(&out, first ? "" : " ",
                        MissCauseName(static_cast<MissCause>(c)), "=",
                        t.misses_by_cause[c]);
        first = false;
      }
      absl::StrAppend(&out, ")");
    }
    absl::StrAppend(&out, " max_late=", Time(t.max_lateness),
                    " resp p50=", Time(t.response.Quantile(0.5)),
                    " p99=", Time(t.response.Quantile(0.99)),
                    " max=", Time(t.response.max()),
                    " exec min/avg/max=", Time(t.exec_min), "/",
                    Time(static_cast<Nanos>(t.exec_avg())), "/",
                    Time(t.exec_max), " overruns=", t.overruns);
    if (t.aborted) absl::StrAppend(&out, " aborted=", t.aborted);
    if (t.demoted) absl::StrAppend(&out, " demoted=", t.demoted);
    if (t.skipped) absl::StrAppend(&out, " skipped=", t.skipped);
    if (t.dropped) absl::StrAppend(&out, " dropped=", t.dropped);
    if (t.throttles) absl::StrAppend(&out, " throttles=", t.throttles);
    if (t.slice_overruns) {
      absl::StrAppend(&out, " slice_overruns=", t.slice_overruns);
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace moirai::rt
