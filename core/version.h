// Copyright 2026 The Moirai Authors.
//
// core/version.h
// -----------------------------------------------------------------------------
//
// The version of Moirai, in one place. Everything else that prints or records
// a version (`moirai --version`, `moirai info`, benchmark reports, the
// CHANGELOG's newest heading) takes it from here.
//
// Moirai follows Semantic Versioning 2.0.0 (docs/API_STABILITY.md): MAJOR
// changes when a public API changes incompatibly, MINOR when one is added,
// PATCH for fixes. While MAJOR is 0 any MINOR may break the public API, and
// the CHANGELOG says how.
//
//   #if MOIRAI_VERSION_NUMBER >= 10000   // 1.0.0 or later
//   ...
//   #endif
//   std::printf("built against Moirai %s\n", MOIRAI_VERSION);

#ifndef MOIRAI_CORE_VERSION_H_
#define MOIRAI_CORE_VERSION_H_

// MOIRAI_VERSION_MAJOR, MOIRAI_VERSION_MINOR, MOIRAI_VERSION_PATCH
//
// The three numbers of the version. Change them here and add a CHANGELOG.md
// section with the same version; //core:version_test checks both agree.
#define MOIRAI_VERSION_MAJOR 0
#define MOIRAI_VERSION_MINOR 1
#define MOIRAI_VERSION_PATCH 0

// MOIRAI_VERSION_NUMBER
//
// MAJOR * 10000 + MINOR * 100 + PATCH, for preprocessor comparisons (MINOR and
// PATCH stay below 100).
#define MOIRAI_VERSION_NUMBER                                  \
  (MOIRAI_VERSION_MAJOR * 10000 + MOIRAI_VERSION_MINOR * 100 + \
   MOIRAI_VERSION_PATCH)

#define MOIRAI_VERSION_STR_(x) #x
#define MOIRAI_VERSION_STR(x) MOIRAI_VERSION_STR_(x)

// MOIRAI_VERSION
//
// The version as a string literal, "MAJOR.MINOR.PATCH".
#define MOIRAI_VERSION                                                 \
  MOIRAI_VERSION_STR(MOIRAI_VERSION_MAJOR)                             \
  "." MOIRAI_VERSION_STR(MOIRAI_VERSION_MINOR) "." MOIRAI_VERSION_STR( \
      MOIRAI_VERSION_PATCH)

namespace moirai {

// moirai::Version()
//
// The version of the Moirai headers this code was compiled against.
inline constexpr const char* Version() noexcept { return MOIRAI_VERSION; }

}  // namespace moirai

#endif  // MOIRAI_CORE_VERSION_H_
