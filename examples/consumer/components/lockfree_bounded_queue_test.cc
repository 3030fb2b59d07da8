// @moirai//lockfree:bounded_queue alone.
#include <string>
#include <thread>

#include "expect.h"
#include "moirai/lockfree/bounded_queue.h"

int main() {
  using Q = moirai::lockfree::BoundedQueue<std::string>;
  EXPECT(!Q::Create(1000).ok());  // power of two, else an error
  auto bq = Q::Create(4);
  EXPECT(bq.ok());
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i)
      (*bq)->Push(std::to_string(i));  // parks while full
  });
  int got = 0;
  for (int i = 0; i < 100; ++i) got += (*bq)->Pop() == std::to_string(i);
  producer.join();
  EXPECT(got == 100);
  EXPECT(!(*bq)->TryPop().has_value());
  return 0;
}
