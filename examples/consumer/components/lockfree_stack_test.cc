// @moirai//lockfree:stack alone.
#include "expect.h"
#include "moirai/lockfree/stack.h"

int main() {
  moirai::lockfree::Stack<int> stack;  // Treiber stack, epoch reclamation
  for (int i = 0; i < 10; ++i) stack.Push(i);
  for (int i = 9; i >= 0; --i) EXPECT(stack.TryPop() == i);
  EXPECT(stack.empty());
  return 0;
}
