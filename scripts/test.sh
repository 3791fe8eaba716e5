#!/usr/bin/env bash
# Runs every test: the test program built with g++ 12 and with clang++ 14 (both with
# -Wall -Wextra -Werror), again under AddressSanitizer + LeakSanitizer + UBSan, and the
# consumers outside the tree (add_subdirectory, and plain g++ with src.hpp).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs="${ATOMS_JOBS:-2}"
for preset in ${ATOMS_PRESETS:-gcc clang sanitize}; do
  echo "=== $preset: build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== $preset: test"
  ctest --preset "$preset"
done
echo "=== consumers outside the tree"
scripts/consumers.sh
echo "=== all tests passed"
