#!/usr/bin/env bash
# Runs every test: the layout and self-contained headers (lint.sh), the API reference without a
# doxygen warning (docs.sh), clang-tidy on the headers (tidy.sh), the test program built
# with g++ 12 and with clang++ 14 (both with -Wall -Wextra -Werror), again under
# AddressSanitizer + LeakSanitizer + UBSan (g++) and ThreadSanitizer (clang), the two libFuzzer
# targets for 60 s each under ASan + LSan + UBSan (clang; scripts/fuzz.sh, ATOMS_FUZZ_SECONDS to
# change, 0 to skip), and the consumers outside the tree (scripts/consumers.sh: add_subdirectory,
# FetchContent, find_package from a header-only and a separately compiled install, pkg-config,
# plain g++ with src.hpp, separate compilation).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs="${ATOMS_JOBS:-2}"
echo "=== lint"
scripts/lint.sh
echo "=== docs: the API reference, doxygen warnings as errors"
scripts/docs.sh
echo "=== tidy: clang-tidy 14 on the headers"
scripts/tidy.sh
for preset in ${ATOMS_PRESETS:-gcc clang sanitize tsan}; do
  echo "=== $preset: build"
  # Unity batches: each test file would otherwise generate the same client and emulator code
  # again (80% of a test file's compile time is code generation); about half the build time.
  cmake --preset "$preset" -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=7 >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  if [ "$preset" = gcc ]; then
    # The examples carry the product pages over; each must run to the end on the emulator.
    echo "=== gcc: examples against the emulator"
    for example in get_call post_call_analytics call_metrics sales_call_analytics; do
      build/gcc/examples/$example --emulator >/dev/null
      echo "$example: ok"
    done
    # The main job: atoms-calls against atoms-emulator, as separate processes.
    echo "=== gcc: the main job (scripts/main.sh, first lines)"
    ATOMS_MAIN_CALLS=1000 scripts/main.sh | sed -n '1,12p'
    # The walk benchmark, small: every call seen, and memory bounded as the data set grows.
    echo "=== gcc: benchmarks/walk (quick)"
    build/gcc/benchmarks/walk --calls 5000 --small 1000
  fi
  echo "=== $preset: test"
  ctest --preset "$preset"
done
fuzz_seconds="${ATOMS_FUZZ_SECONDS:-60}"
if [ "$fuzz_seconds" != 0 ]; then
  echo "=== fuzz: fuzz_decode and fuzz_request, ${fuzz_seconds} s each"
  scripts/fuzz.sh "$fuzz_seconds"
fi
echo "=== consumers outside the tree"
scripts/consumers.sh
echo "=== all tests passed"
