// Copyright 2026 The Moirai Authors.
//
// examples/consumer/expect.h
// -----------------------------------------------------------------------------
//
// EXPECT(cond): the one assertion the consumer programs use. They are plain
// cc_test binaries with their own main() so that each depends on exactly one
// Moirai target and nothing else (no GoogleTest).

#ifndef MOIRAI_CONSUMER_EXPECT_H_
#define MOIRAI_CONSUMER_EXPECT_H_

#include <cstdio>
#include <cstdlib>

#define EXPECT(cond)                                                         \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "%s:%d: EXPECT(%s) failed\n", __FILE__, __LINE__, \
                   #cond);                                                   \
      std::exit(1);                                                          \
    }                                                                        \
  } while (0)

#endif  // MOIRAI_CONSUMER_EXPECT_H_
