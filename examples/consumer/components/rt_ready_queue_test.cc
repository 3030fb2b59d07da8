// @moirai//rt:ready_queue alone: EDF order with a FIFO tie-break and a
// deadline change; the bitmap queue's levels.
#include "expect.h"
#include "moirai/rt/ready_queue.h"

int main() {
  moirai::rt::EdfReadyQueue edf;
  EXPECT(edf.Reserve(4).ok());
  EXPECT(edf.Push(0, 30, 1).ok());
  EXPECT(edf.Push(1, 20, 2).ok());
  EXPECT(edf.Push(2, 20, 3).ok());
  EXPECT(edf.Update(0, 10, 4).ok());  // decrease-key
  EXPECT(edf.Pop() == 0 && edf.Pop() == 1 && edf.Pop() == 2);
  moirai::rt::FixedPriorityReadyQueue fp;
  EXPECT(fp.Reserve(4, 100).ok());
  EXPECT(fp.PushBack(0, 50).ok() && fp.PushBack(1, 3).ok());
  EXPECT(fp.Top() == 1 && fp.TopLevel() == 3);
  EXPECT(!fp.PushBack(2, 100).ok());  // level out of range
  return 0;
}
