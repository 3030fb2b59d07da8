// Copyright 2026 The Moirai Authors.
//
// tools/cli/version.h
// -----------------------------------------------------------------------------
//
// This header defines `MOIRAI_VERSION`, the version of Moirai that `moirai
// info` prints and that every benchmark report records.

#ifndef MOIRAI_TOOLS_CLI_VERSION_H_
#define MOIRAI_TOOLS_CLI_VERSION_H_

// MOIRAI_VERSION
//
// Semantic version of the Moirai source tree, as a string literal.
#define MOIRAI_VERSION "0.1.0"

#endif  // MOIRAI_TOOLS_CLI_VERSION_H_
