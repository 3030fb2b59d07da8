// `@moirai//lockfree` alone: the README's lockfree example (Queue,
// BoundedQueue, HashMap), plus the Stack and the work-stealing deque.
#include <memory>
#include <optional>
#include <string>

#include "expect.h"
#include "moirai/lockfree/bounded_queue.h"
#include "moirai/lockfree/hash_map.h"
#include "moirai/lockfree/queue.h"
#include "moirai/lockfree/stack.h"
#include "moirai/lockfree/work_stealing_deque.h"

namespace {
struct Job {
  void Run() { ++runs; }
  int runs = 0;
};
}  // namespace

int main() {
  moirai::lockfree::Queue<std::unique_ptr<Job>> q;
  q.Push(std::make_unique<Job>());
  if (auto job = q.TryPop()) (*job)->Run();
  EXPECT(!q.TryPop().has_value());

  auto bq = moirai::lockfree::BoundedQueue<std::string>::Create(1024);
  EXPECT(bq.ok());
  EXPECT(!moirai::lockfree::BoundedQueue<std::string>::Create(1000).ok());
  (*bq)->Push("x");
  std::string s = (*bq)->Pop();
  EXPECT(s == "x");

  moirai::lockfree::HashMap<std::string, int> map;
  map.InsertOrAssign("a", 2);
  map.Update("a", [](int& v) { v += 40; });
  std::optional<int> v = map.Find("a");
  EXPECT(v == 42);

  moirai::lockfree::Stack<int> stack;
  stack.Push(1);
  EXPECT(stack.TryPop() == 1);

  moirai::lockfree::WorkStealingDeque<int> deque;
  deque.Push(7);
  EXPECT(deque.Steal().value == 7);
  return 0;
}
