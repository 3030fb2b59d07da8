#!/usr/bin/env bash
# Installs the Debian bookworm packages Moirai builds with, if any are missing.
# The one setup step behind both quick-start commands and CI. Idempotent: when
# everything is present it only checks and returns.
set -euo pipefail

PACKAGES=(
  # Build system, offline: Bazel 4.2.3 and the rule sets it would download.
  bazel-bootstrap bazel-rules-java bazel-rules-cc bazel-platforms
  # Toolchains: g++ 12 (default), clang 14 (thread-safety analysis).
  g++ clang libclang-rt-14-dev clang-format
  # Libraries Moirai uses.
  libabsl-dev libboost-dev libboost-context-dev libboost-fiber-dev
  libboost-system-dev libprotobuf-dev protobuf-compiler
  # Tests and benchmarks.
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # The `moirai` CLI (reads and writes benchmark JSON, reads TOML configs).
  nlohmann-json3-dev libtoml11-dev
  # Peer libraries measured side by side.
  libtbb-dev libconcurrentqueue-dev libcuckoo-dev libmimalloc-dev
  libjemalloc-dev libgoogle-perftools-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "moirai setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
