// Copyright 2026 The Moirai Authors.
//
// tools/testing/linearizability_test.cc
// -----------------------------------------------------------------------------
//
// The checker must accept linearizable histories and reject the rest: tested
// on hand-written histories (with stamps chosen to make operations overlap or
// not), on histories recorded from a correct lock-based queue, and on
// histories recorded from a deliberately broken one.

#include "moirai/tools/testing/linearizability.h"

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moirai/core/internal/annotated_mutex.h"
#include "moirai/tools/testing/deterministic_schedule.h"
#include "moirai/tools/testing/sequential_specs.h"

namespace moirai::testing {
namespace {

using IntStack = StackSpec<int>;
using IntQueue = QueueSpec<int>;
using COp = ContainerOp<int>;
using CRet = ContainerRet<int>;

template <typename Spec>
Operation<Spec> Op(int thread, typename Spec::Op op, typename Spec::Ret ret,
                   uint64_t invoke, uint64_t respond) {
  Operation<Spec> o;
  o.thread = thread;
  o.op = op;
  o.ret = ret;
  o.invoke = invoke;
  o.respond = respond;
  return o;
}

TEST(LinearizabilityTest, SequentialStackHistories) {
  IntStack spec;
  History<IntStack> good = {
      Op<IntStack>(0, COp::Push(1), CRet::Pushed(), 1, 2),
      Op<IntStack>(0, COp::Push(2), CRet::Pushed(), 3, 4),
      Op<IntStack>(1, COp::Pop(), CRet::Popped(2), 5, 6),
      Op<IntStack>(1, COp::Pop(), CRet::Popped(1), 7, 8),
      Op<IntStack>(1, COp::Pop(), CRet::Popped(std::nullopt), 9, 10),
  };
  EXPECT_TRUE(CheckLinearizable(spec, good).linearizable());

  History<IntStack> fifo_order = good;
  fifo_order[2].ret = CRet::Popped(1);
  fifo_order[3].ret = CRet::Popped(2);
  LinearizabilityResult r = CheckLinearizable(spec, fifo_order);
  EXPECT_EQ(r.verdict, LinearizabilityResult::Verdict::kNotLinearizable);
  EXPECT_NE(r.explanation.find("pop() -> 1"), std::string::npos)
      << r.explanation;
}

TEST(LinearizabilityTest, OverlapAllowsEitherOrder) {
  IntStack spec;
  // pop() overlaps push(1): it may take effect after the push.
  History<IntStack> overlap = {
      Op<IntStack>(0, COp::Push(1), CRet::Pushed(), 1, 4),
      Op<IntStack>(1, COp::Pop(), CRet::Popped(1), 2, 3),
  };
  EXPECT_TRUE(CheckLinearizable(spec, overlap).linearizable());
  // ... or before it.
  overlap[1].ret = CRet::Popped(std::nullopt);
  EXPECT_TRUE(CheckLinearizable(spec, overlap).linearizable());
  // But once push returned, a later pop cannot find the stack empty.
  History<IntStack> after = {
      Op<IntStack>(0, COp::Push(1), CRet::Pushed(), 1, 2),
      Op<IntStack>(1, COp::Pop(), CRet::Popped(std::nullopt), 3, 4),
  };
  EXPECT_FALSE(CheckLinearizable(spec, after).linearizable());
  // Nor return a value nobody pushed.
  History<IntStack> invented = {
      Op<IntStack>(0, COp::Push(1), CRet::Pushed(), 1, 4),
      Op<IntStack>(1, COp::Pop(), CRet::Popped(7), 2, 3),
  };
  EXPECT_FALSE(CheckLinearizable(spec, invented).linearizable());
}

TEST(LinearizabilityTest, QueueHistories) {
  IntQueue spec;
  // push(1) then push(2) in real time: pop must return 1 first.
  History<IntQueue> bad = {
      Op<IntQueue>(0, COp::Push(1), CRet::Pushed(), 1, 2),
      Op<IntQueue>(0, COp::Push(2), CRet::Pushed(), 3, 4),
      Op<IntQueue>(1, COp::Pop(), CRet::Popped(2), 5, 6),
  };
  EXPECT_FALSE(CheckLinearizable(spec, bad).linearizable());
  // Overlapping pushes may be ordered either way.
  History<IntQueue> ok = {
      Op<IntQueue>(0, COp::Push(1), CRet::Pushed(), 1, 5),
      Op<IntQueue>(1, COp::Push(2), CRet::Pushed(), 2, 3),
      Op<IntQueue>(1, COp::Pop(), CRet::Popped(2), 6, 7),
      Op<IntQueue>(0, COp::Pop(), CRet::Popped(1), 8, 9),
  };
  EXPECT_TRUE(CheckLinearizable(spec, ok).linearizable());
  // Two pops cannot both get the single item.
  History<IntQueue> duplicate = {
      Op<IntQueue>(0, COp::Push(1), CRet::Pushed(), 1, 2),
      Op<IntQueue>(0, COp::Pop(), CRet::Popped(1), 3, 6),
      Op<IntQueue>(1, COp::Pop(), CRet::Popped(1), 4, 5),
  };
  EXPECT_FALSE(CheckLinearizable(spec, duplicate).linearizable());
}

TEST(LinearizabilityTest, BoundedQueueCapacity) {
  IntQueue spec{.capacity = 1};
  History<IntQueue> h = {
      Op<IntQueue>(0, COp::Push(1), CRet::Pushed(true), 1, 2),
      Op<IntQueue>(0, COp::Push(2), CRet::Pushed(false), 3, 4),
      Op<IntQueue>(0, COp::Pop(), CRet::Popped(1), 5, 6),
  };
  EXPECT_TRUE(CheckLinearizable(spec, h).linearizable());
  h[1].ret = CRet::Pushed(true);  // over capacity
  EXPECT_FALSE(CheckLinearizable(spec, h).linearizable());
}

using IntMap = MapKeySpec<int, int>;
using MOp = MapOp<int, int>;
using MRet = MapRet<int, int>;
using MKind = MOp::Kind;

TEST(LinearizabilityTest, PartitionedMapHistories) {
  IntMap spec;
  History<IntMap> good = {
      Op<IntMap>(0, {MKind::kInsert, 1, 10}, {true, 0}, 1, 2),
      Op<IntMap>(1, {MKind::kInsert, 2, 20}, {true, 0}, 3, 6),
      Op<IntMap>(0, {MKind::kFind, 2, 0}, {false, 0}, 4, 5),  // overlaps
      Op<IntMap>(0, {MKind::kFind, 1, 0}, {true, 10}, 7, 8),
      Op<IntMap>(1, {MKind::kInsertOrAssign, 1, 11}, {false, 0}, 9, 10),
      Op<IntMap>(1, {MKind::kUpdateAdd, 1, 5}, {true, 0}, 11, 12),
      Op<IntMap>(0, {MKind::kComputeIfAbsent, 1, 99}, {false, 16}, 13, 14),
      Op<IntMap>(0, {MKind::kErase, 2, 0}, {true, 0}, 15, 16),
      Op<IntMap>(0, {MKind::kComputeIfAbsent, 2, 3}, {true, 3}, 17, 18),
  };
  EXPECT_TRUE(CheckLinearizablePartitioned(spec, good, MapKeyOf<int, int>)
                  .linearizable());

  // Key 1 is inserted and then, strictly later, not found.
  History<IntMap> lost = good;
  lost[3].ret = {false, 0};
  LinearizabilityResult r =
      CheckLinearizablePartitioned(spec, lost, MapKeyOf<int, int>);
  EXPECT_FALSE(r.linearizable());
  EXPECT_NE(r.explanation.find("find(1) -> absent"), std::string::npos)
      << r.explanation;

  // Two inserts of the same key cannot both succeed without an erase.
  History<IntMap> twice = {
      Op<IntMap>(0, {MKind::kInsert, 3, 1}, {true, 0}, 1, 4),
      Op<IntMap>(1, {MKind::kInsert, 3, 2}, {true, 0}, 2, 3),
  };
  EXPECT_FALSE(CheckLinearizablePartitioned(spec, twice, MapKeyOf<int, int>)
                   .linearizable());

  // A lost update: two concurrent +1s, then the value is 1 more, not 2.
  History<IntMap> lost_update = {
      Op<IntMap>(0, {MKind::kInsert, 4, 0}, {true, 0}, 1, 2),
      Op<IntMap>(0, {MKind::kUpdateAdd, 4, 1}, {true, 0}, 3, 6),
      Op<IntMap>(1, {MKind::kUpdateAdd, 4, 1}, {true, 0}, 4, 5),
      Op<IntMap>(1, {MKind::kFind, 4, 0}, {true, 1}, 7, 8),
  };
  EXPECT_FALSE(
      CheckLinearizablePartitioned(spec, lost_update, MapKeyOf<int, int>)
          .linearizable());
  lost_update[3].ret = {true, 2};
  EXPECT_TRUE(
      CheckLinearizablePartitioned(spec, lost_update, MapKeyOf<int, int>)
          .linearizable());
}

TEST(LinearizabilityTest, BudgetExceededIsNeitherVerdict) {
  IntQueue spec;
  // Many fully concurrent pushes followed by pops in an order that no
  // interleaving allows: the search must explore many configurations.
  History<IntQueue> h;
  for (int i = 0; i < 6; ++i) {
    h.push_back(Op<IntQueue>(i, COp::Push(i), CRet::Pushed(), 1 + i, 100 + i));
  }
  for (int i = 0; i < 6; ++i) {
    h.push_back(Op<IntQueue>(0, COp::Pop(), CRet::Popped(i == 5 ? 99 : i),
                             200 + 2 * i, 201 + 2 * i));
  }
  LinearizabilityResult r = CheckLinearizable(spec, h, /*budget=*/50);
  EXPECT_EQ(r.verdict, LinearizabilityResult::Verdict::kBudgetExceeded)
      << r.configurations << r.explanation;
  r = CheckLinearizable(spec, h);
  EXPECT_EQ(r.verdict, LinearizabilityResult::Verdict::kNotLinearizable);
}

TEST(LinearizabilityTest, MalformedHistoryIsRejected) {
  IntQueue spec;
  History<IntQueue> h = {
      Op<IntQueue>(0, COp::Pop(), CRet::Popped(std::nullopt), 5, 5)};
  EXPECT_FALSE(CheckLinearizable(spec, h).linearizable());
}

// A queue protected by a mutex; `kBroken` makes Pop take from the back.
template <bool kBroken>
class LockedQueue {
 public:
  void Push(int v) {
    core::internal::AnnotatedMutexLock lock(&mu_);
    items_.push_back(v);
  }
  std::optional<int> Pop() {
    core::internal::AnnotatedMutexLock lock(&mu_);
    if (items_.empty()) return std::nullopt;
    int v;
    if (kBroken && items_.size() > 1) {
      v = items_.back();
      items_.pop_back();
    } else {
      v = items_.front();
      items_.pop_front();
    }
    return v;
  }

 private:
  core::internal::AnnotatedMutex mu_;
  std::deque<int> items_ ABSL_GUARDED_BY(mu_);
};

// Runs 2 threads x 4 operations on real threads and checks the history.
template <bool kBroken>
bool RecordedRunIsLinearizable(int run) {
  LockedQueue<kBroken> queue;
  HistoryRecorder<IntQueue> recorder(2);
  std::atomic<int> ready{0};
  auto body = [&](int t) {
    ready.fetch_add(1);
    while (ready.load() < 2) {
    }
    for (int i = 0; i < 4; ++i) {
      if ((i + t + run) % 2 == 0) {
        const int v = t * 100 + i;
        recorder.Call(t, COp::Push(v), [&] {
          queue.Push(v);
          return CRet::Pushed();
        });
      } else {
        recorder.Call(t, COp::Pop(), [&] { return CRet::Popped(queue.Pop()); });
      }
    }
  };
  std::thread a(body, 0), b(body, 1);
  a.join();
  b.join();
  LinearizabilityResult r =
      CheckLinearizable(IntQueue{}, recorder.TakeHistory());
  EXPECT_NE(r.verdict, LinearizabilityResult::Verdict::kBudgetExceeded);
  return r.linearizable();
}

TEST(LinearizabilityTest, RecordedHistoriesOfACorrectQueueAreAccepted) {
  for (int run = 0; run < 200; ++run) {
    ASSERT_TRUE(RecordedRunIsLinearizable<false>(run)) << "run " << run;
  }
}

TEST(LinearizabilityTest, RecordedHistoriesOfALifoQueueAreRejected) {
  int rejected = 0;
  for (int run = 0; run < 200 && rejected == 0; ++run) {
    if (!RecordedRunIsLinearizable<true>(run)) ++rejected;
  }
  EXPECT_GT(rejected, 0);
}

// Under a deterministic schedule the recorder works unchanged (its clock is a
// plain std::atomic: no scheduling point, but only one thread runs anyway).
TEST(LinearizabilityTest, RecordsUnderADeterministicSchedule) {
  ExploreResult r = ExploreSchedules(
      {.num_seeds = 50}, [](DeterministicSchedule& sched) -> absl::Status {
        DeterministicAtomic<int> cell(0);
        HistoryRecorder<IntMap> recorder(2);
        // A one-key "map" whose insert is a CAS from 0 (absent).
        auto insert = [&](int t, int v) {
          recorder.Call(t, MOp{MKind::kInsert, 0, v}, [&] {
            int expected = 0;
            return MRet{cell.compare_exchange_strong(expected, v), 0};
          });
        };
        auto find = [&](int t) {
          recorder.Call(t, MOp{MKind::kFind, 0, 0}, [&] {
            const int v = cell.load();
            return MRet{v != 0, v};
          });
        };
        sched.Run({[&] {
                     insert(0, 1);
                     find(0);
                   },
                   [&] {
                     find(1);
                     insert(1, 2);
                     find(1);
                   }});
        LinearizabilityResult lr = CheckLinearizablePartitioned(
            IntMap{}, recorder.TakeHistory(), MapKeyOf<int, int>);
        if (!lr.linearizable()) return absl::InternalError(lr.explanation);
        return absl::OkStatus();
      });
  EXPECT_FALSE(r.failed) << r.message;
}

}  // namespace
}  // namespace moirai::testing
