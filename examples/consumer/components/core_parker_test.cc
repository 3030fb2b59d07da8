// @moirai//core:parker alone: a runtime's own Parker, the seam a layered
// runtime implements so that a task waits without blocking its worker.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "expect.h"
#include "moirai/core/parker.h"

namespace {

class ThreadParker final : public moirai::core::Parker {
 public:
  void Park() noexcept override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return permit_; });
    permit_ = false;
  }
  void Unpark() noexcept override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      permit_ = true;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool permit_ = false;
};

}  // namespace

int main() {
  ThreadParker parker;
  moirai::core::Parker& p = parker;
  std::thread waker([&p] { p.Unpark(); });
  p.Park();
  waker.join();
  p.Unpark();  // a permit given before Park() is not lost
  p.Park();
  EXPECT(true);
  return 0;
}
