// @moirai//rt:kernel_class alone: bad options are refused by name, and
// applying a class on a thread reports the truth (applied, or a fallback
// with its reason), never an error or a crash.
#include <thread>

#include "expect.h"
#include "moirai/core/log.h"
#include "moirai/rt/kernel_class.h"

int main() {
  moirai::rt::KernelClassOptions o;
  o.requested = moirai::rt::KernelClass::kFifo;
  o.fifo_priority = 0;
  EXPECT(!moirai::rt::ValidateKernelClassOptions(o).ok());
  o.fifo_priority = 5;
  EXPECT(moirai::rt::ValidateKernelClassOptions(o).ok());
  moirai::core::NullLogSink quiet;
  o.log_sink = &quiet;
  moirai::rt::KernelClassState st;
  std::thread t([&] { st = moirai::rt::ApplyKernelClassToCurrentThread(o); });
  t.join();
  EXPECT(st.applied == moirai::rt::KernelClass::kFifo ? !st.fell_back()
                                                      : st.fell_back());
  return 0;
}
