// Copyright 2026 The Moirai Authors.
//
// tools/hardening_fixture.cc
// -----------------------------------------------------------------------------
//
// A program with a local array (which -fstack-protector-strong would guard),
// built with hardening turned off: //tools:hardening_test_teeth checks that
// the hardening test notices.

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  char buf[64];
  std::strncpy(buf, argc > 1 ? argv[1] : "moirai", sizeof(buf) - 1);
  buf[sizeof(buf) - 1] = '\0';
  std::printf("%s\n", buf);
  return 0;
}
