// @moirai//async:boost_fiber alone: Boost.Fiber code on Moirai's workers.
#include <boost/fiber/all.hpp>

#include "expect.h"
#include "moirai/async/boost_fiber.h"

int main() {
  auto sched = moirai::sched::Scheduler::Create({.num_workers = 2}).value();
  auto pool = moirai::async::BoostFiberPool::Create(*sched, 2).value();
  int result = 0;
  {
    moirai::async::BoostFiberPool::SubmitScope scope(*pool);
    boost::fibers::buffered_channel<int> ch(8);
    boost::fibers::fiber producer([&] {
      for (int i = 1; i <= 10; ++i) ch.push(i);
      ch.close();
    });
    producer.properties<moirai::async::MoiraiFiberProps>().set_priority(
        moirai::core::Priority::kHigh);
    boost::fibers::fiber consumer([&] {
      for (int v : ch) result += v;
    });
    producer.join();
    consumer.join();
  }
  EXPECT(result == 55);
  return 0;
}
