// Copyright 2026 The Moirai Authors.
//
// tools/testing/deterministic_schedule.cc
// -----------------------------------------------------------------------------
//
// The turn is handed from thread to thread through one binary semaphore per
// thread: a thread runs only after its own semaphore was released by the
// previous turn holder, so every piece of schedule state below (PRNG, step
// counter, priorities) is touched by one thread at a time and each hand-off
// (release -> acquire) orders those touches. That is also the happens-before
// edge ThreadSanitizer sees between consecutive steps.

#include "moirai/tools/testing/deterministic_schedule.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <semaphore>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"

namespace moirai::testing {
namespace {

// The schedule the calling thread runs under, and its index in Run()'s
// vector. Per thread, set only on the threads Run() starts.
thread_local DeterministicSchedule* tls_schedule = nullptr;
thread_local int tls_index = -1;

constexpr int64_t kDefaultPctExpectedSteps = 64;

}  // namespace

struct DeterministicSchedule::ThreadSlot {
  std::binary_semaphore turn{0};
  bool finished = false;
};

const char* SchedulePolicyName(SchedulePolicy policy) {
  switch (policy) {
    case SchedulePolicy::kUniform:
      return "uniform";
    case SchedulePolicy::kPct:
      return "pct";
  }
  return "unknown";
}

DeterministicSchedule::DeterministicSchedule(const ScheduleOptions& options)
    : options_(options),
      // Mix the seed so that neighbouring seeds give unrelated streams.
      rng_state_(options.seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL) {
}

DeterministicSchedule::~DeterministicSchedule() = default;

uint64_t DeterministicSchedule::NextRandom() {
  // splitmix64: tiny, fast, and identical on every platform, so a seed
  // replays the same interleaving everywhere.
  uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void DeterministicSchedule::InitPct() {
  const int n = static_cast<int>(slots_.size());
  priorities_.assign(n, 0);
  // Distinct initial priorities above every demoted priority (demotions go
  // to 0, -1, -2, ...).
  for (int i = 0; i < n; ++i) priorities_[i] = options_.pct_depth + i + 1;
  for (int i = n - 1; i > 0; --i) {
    const int j = static_cast<int>(NextRandom() % static_cast<uint64_t>(i + 1));
    std::swap(priorities_[i], priorities_[j]);
  }
  lowest_priority_ = 1;
  change_points_.clear();
  const int64_t span = options_.pct_expected_steps > 0
                           ? options_.pct_expected_steps
                           : kDefaultPctExpectedSteps;
  for (int i = 0; i + 1 < options_.pct_depth; ++i) {
    change_points_.push_back(steps_ +
                             static_cast<int64_t>(NextRandom() % span));
  }
  std::sort(change_points_.begin(), change_points_.end());
  last_thread_ = -1;
  consecutive_steps_ = 0;
}

int DeterministicSchedule::PickNext(int current) {
  const int n = static_cast<int>(slots_.size());
  int runnable = 0;
  for (int i = 0; i < n; ++i) runnable += slots_[i]->finished ? 0 : 1;
  if (runnable == 0) return -1;

  if (options_.policy == SchedulePolicy::kUniform) {
    int k = static_cast<int>(NextRandom() % static_cast<uint64_t>(runnable));
    for (int i = 0; i < n; ++i) {
      if (slots_[i]->finished) continue;
      if (k-- == 0) return i;
    }
    return -1;  // unreachable
  }

  // kPct.
  if (current >= 0 && !slots_[current]->finished) {
    bool demote = false;
    while (!change_points_.empty() && change_points_.front() <= steps_) {
      change_points_.erase(change_points_.begin());
      demote = true;
    }
    consecutive_steps_ = current == last_thread_ ? consecutive_steps_ + 1 : 1;
    if (runnable > 1 && consecutive_steps_ >= options_.pct_spin_limit) {
      demote = true;
    }
    if (demote) {
      priorities_[current] = --lowest_priority_;
      consecutive_steps_ = 0;
    }
  }
  int best = -1;
  for (int i = 0; i < n; ++i) {
    if (slots_[i]->finished) continue;
    if (best < 0 || priorities_[i] > priorities_[best]) best = i;
  }
  if (best != last_thread_) consecutive_steps_ = 0;
  last_thread_ = best;
  return best;
}

void DeterministicSchedule::HandOff(int current, int next,
                                    bool current_finished) {
  if (next == current) return;
  if (next >= 0) slots_[next]->turn.release();
  if (!current_finished && current >= 0) slots_[current]->turn.acquire();
}

void DeterministicSchedule::BeforeSharedAccess() {
  DeterministicSchedule* const self = tls_schedule;
  if (self == nullptr) return;
  const int me = tls_index;
  if (++self->steps_ > self->options_.max_steps) {
    std::fprintf(stderr,
                 "DeterministicSchedule: more than %lld scheduling points "
                 "(livelock?) with seed=%llu policy=%s\n",
                 static_cast<long long>(self->options_.max_steps),
                 static_cast<unsigned long long>(self->options_.seed),
                 SchedulePolicyName(self->options_.policy));
    std::abort();
  }
  self->HandOff(me, self->PickNext(me), /*current_finished=*/false);
}

int DeterministicSchedule::ThreadIndex() { return tls_index; }

void DeterministicSchedule::Run(std::vector<std::function<void()>> threads) {
  if (tls_schedule != nullptr) {
    std::fprintf(stderr,
                 "DeterministicSchedule::Run() called from a scheduled "
                 "thread\n");
    std::abort();
  }
  const int n = static_cast<int>(threads.size());
  if (n == 0) return;
  slots_.clear();
  for (int i = 0; i < n; ++i) slots_.push_back(std::make_unique<ThreadSlot>());
  if (options_.policy == SchedulePolicy::kPct) InitPct();

  std::binary_semaphore all_done{0};
  std::vector<std::thread> os_threads;
  os_threads.reserve(n);
  for (int i = 0; i < n; ++i) {
    os_threads.emplace_back([this, i, &threads, &all_done] {
      slots_[i]->turn.acquire();  // wait for the first turn
      tls_schedule = this;
      tls_index = i;
      threads[i]();
      tls_schedule = nullptr;
      tls_index = -1;
      slots_[i]->finished = true;
      const int next = PickNext(i);
      if (next < 0) {
        all_done.release();
      } else {
        HandOff(i, next, /*current_finished=*/true);
      }
    });
  }
  // The first turn: Run() holds it until now (no thread has started work).
  slots_[PickNext(-1)]->turn.release();
  all_done.acquire();
  for (std::thread& t : os_threads) t.join();
  slots_.clear();
}

ExploreResult ExploreSchedules(
    const ExploreOptions& options,
    absl::FunctionRef<absl::Status(DeterministicSchedule&)> trial) {
  ExploreResult result;
  int64_t last_trial_steps = 0;
  for (int s = 0; s < options.num_seeds; ++s) {
    const uint64_t seed = options.first_seed + static_cast<uint64_t>(s);
    for (SchedulePolicy policy : options.policies) {
      ScheduleOptions schedule_options = options.schedule;
      schedule_options.seed = seed;
      schedule_options.policy = policy;
      if (schedule_options.pct_expected_steps <= 0 && last_trial_steps > 0) {
        schedule_options.pct_expected_steps = last_trial_steps;
      }
      DeterministicSchedule schedule(schedule_options);
      absl::Status status = trial(schedule);
      last_trial_steps = schedule.steps();
      ++result.trials_run;
      if (!status.ok()) {
        result.failed = true;
        result.seed = seed;
        result.policy = policy;
        result.failing_options = schedule_options;
        result.message = absl::StrCat(
            "seed=", seed, " policy=", SchedulePolicyName(policy),
            " pct_expected_steps=", schedule_options.pct_expected_steps, ": ",
            status.ToString());
        if (options.print_failure) {
          std::fprintf(stderr,
                       "ExploreSchedules: failing interleaving after %d "
                       "trials (replay with these options): %s\n",
                       result.trials_run, result.message.c_str());
        }
        return result;
      }
    }
  }
  return result;
}

void AbortIfCaught(
    const ExploreOptions& options,
    absl::FunctionRef<absl::Status(DeterministicSchedule&)> trial) {
  ExploreResult r = ExploreSchedules(options, trial);
  if (r.failed) {
    std::fprintf(stderr, "caught: %s\n", r.message.c_str());
    std::abort();
  }
}

absl::Status ReplaySchedule(
    const ScheduleOptions& options,
    absl::FunctionRef<absl::Status(DeterministicSchedule&)> trial) {
  DeterministicSchedule schedule(options);
  return trial(schedule);
}

}  // namespace moirai::testing
