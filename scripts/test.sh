#!/usr/bin/env bash
# Runs every test: the layout and self-contained headers (lint.sh), the API reference without a
# doxygen warning (docs.sh), clang-tidy on the headers (tidy.sh), the test program built with
# g++ 12 -O1 (with the examples, tools and benchmarks), again under AddressSanitizer +
# LeakSanitizer + UBSan (g++) and under ThreadSanitizer (clang++ 14), all with -Wall -Wextra
# -Werror, and all with ATOMS_SEPARATE_COMPILATION (the client and the emulator compiled once,
# not in every program: the gcc build takes 40% of the time; header-only is what lint.sh,
# tidy.sh and the consumers build); the examples checked by clang++ 14 too (-fsyntax-only: its
# warnings, without a second code generation); the two libFuzzer targets under ASan + LSan +
# UBSan (clang; scripts/fuzz.sh, 30 s each, ATOMS_FUZZ_SECONDS to change, 0 to skip); and the
# consumers outside the tree (scripts/consumers.sh). Each stage prints how long it took.
#
# ATOMS_PRESETS chooses the presets (default "gcc sanitize tsan"; "clang" is the plain clang++
# build, for a look by hand). ATOMS_JOBS sets the parallelism (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs="${ATOMS_JOBS:-2}"
started=$SECONDS
stage_start=$SECONDS
stage() {  # the next stage's title; prints how long the one before took
  if [ -n "${stage_name:-}" ]; then
    echo "--- $stage_name: $((SECONDS - stage_start)) s"
  fi
  stage_name="$1"
  stage_start=$SECONDS
  echo "=== $1"
}
stage "lint"
scripts/lint.sh
stage "docs: the API reference, doxygen warnings as errors"
scripts/docs.sh
stage "tidy: clang-tidy 14 on the headers"
scripts/tidy.sh
for preset in ${ATOMS_PRESETS:-gcc sanitize tsan}; do
  stage "$preset: build"
  # Unity batches: each test file would otherwise generate the same client and emulator code
  # again (most of a test file's compile time is code generation); tests/CMakeLists.txt makes
  # the test program two batches.
  cmake --preset "$preset" -DCMAKE_UNITY_BUILD=ON >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  if [ "$preset" = gcc ]; then
    # The examples carry the product pages over; each must run to the end on the emulator.
    stage "gcc: examples against the emulator"
    for example in get_call post_call_analytics call_metrics sales_call_analytics; do
      build/gcc/examples/$example --emulator >/dev/null
      echo "$example: ok"
    done
    # The main job: atoms-calls against atoms-emulator, as separate processes.
    stage "gcc: the main job (scripts/main.sh, first lines)"
    ATOMS_MAIN_CALLS=1000 scripts/main.sh | sed -n '1,12p'
    # The walk benchmark, small: every call seen, and memory bounded as the data set grows.
    stage "gcc: benchmarks/walk (quick)"
    build/gcc/benchmarks/walk --calls 5000 --small 1000
    # clang++ 14 on the examples, with the gcc build's flags: its warnings are errors too.
    stage "clang: the examples, -fsyntax-only -Wall -Wextra -Werror"
    python3 - build/gcc/compile_commands.json <<'PY' | xargs -0 -n 1 -P "$jobs" sh -c
import json, shlex, sys
for e in json.load(open(sys.argv[1])):
    if "/examples/" not in e["file"]:
        continue
    args = shlex.split(e["command"])
    flags = [a for i, a in enumerate(args[1:], 1) if a not in ("-o", "-c") and args[i - 1] not in ("-o", "-c")]
    cmd = ["clang++"] + flags + ["-fsyntax-only", e["file"]]
    name = e["file"].split("CMakeFiles/")[-1].split(".dir/")[0]
    sys.stdout.write(f"cd {shlex.quote(e['directory'])} && {shlex.join(cmd)} && echo 'clang: {name} ok'\0")
PY
  fi
  stage "$preset: test"
  ctest --preset "$preset"
done
fuzz_seconds="${ATOMS_FUZZ_SECONDS:-30}"
if [ "$fuzz_seconds" != 0 ]; then
  stage "fuzz: fuzz_decode and fuzz_request, ${fuzz_seconds} s each"
  scripts/fuzz.sh "$fuzz_seconds"
fi
stage "consumers outside the tree"
scripts/consumers.sh
stage "done"
echo "=== all tests passed in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s"
