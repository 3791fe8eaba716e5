#!/usr/bin/env bash
# Builds the `fuzz` preset (clang++ 14, libFuzzer with ASan + LSan + UBSan) and runs each
# target over a copy of its seed corpus, fuzz/corpus/<target>/, with its dictionary, for
# [seconds] each (default 60). Fails on any crash, leak, timeout or out-of-memory; prints one
# line per target. The repository is never written to: libFuzzer adds what it finds to the
# copy. A failing input is kept in build/fuzz/findings/<target>/ and printed in base64.
#
#   scripts/fuzz.sh            # 60 s a target
#   scripts/fuzz.sh 600        # longer, to look for bugs
#   build/fuzz/fuzz/fuzz_decode build/fuzz/findings/fuzz_decode/crash-…   # replay one
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
jobs="${ATOMS_JOBS:-2}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/fuzz.sh [seconds per target]" >&2; exit 2; }

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
findings=build/fuzz/findings
# Leaks are checked after every input; UBSan stops at the first report (-fno-sanitize-recover).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

failed=0
# target  largest input (bytes): response bodies are larger than filters and URLs
for spec in "fuzz_decode 16384" "fuzz_request 2048"; do
  read -r target max_len <<<"$spec"
  corpus="$work/$target/corpus"
  mkdir -p "$corpus" "$work/$target/artifacts"
  cp fuzz/corpus/"$target"/* "$corpus"/
  seeds=$(find "$corpus" -type f | wc -l)
  log="$work/$target/log"
  result=ok
  # -timeout: one input running this long is a hang; -rss_limit_mb also caps any single
  # allocation (malloc_limit_mb defaults to it): a small body must never ask for that much.
  if ! build/fuzz/fuzz/"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len="$max_len" \
      -dict=fuzz/"$target".dict -print_final_stats=1 -artifact_prefix="$work/$target/artifacts/" \
      "$corpus" >"$log" 2>&1; then
    result=FAILED
    if grep -q "ERROR: libFuzzer: timeout" "$log"; then result="FAILED (timeout)";
    elif grep -q "ERROR: LeakSanitizer" "$log"; then result="FAILED (leak)";
    elif grep -q -E "ERROR: libFuzzer: (out-of-memory|malloc)" "$log"; then result="FAILED (out of memory)";
    elif grep -q "runtime error:" "$log"; then result="FAILED (undefined behaviour)";
    elif grep -q "invariant broken" "$log"; then result="FAILED (invariant)";
    else result="FAILED (crash)"; fi
    failed=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  done_line=$(grep -E '^#[0-9]+[[:space:]].* cov: ' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
  size=$(find "$corpus" -type f | wc -l)
  printf '%-13s %9s runs in %ss (%s/s), corpus %s -> %s inputs, cov %s ft %s: %s\n' \
    "$target" "${runs:-?}" "$seconds" "${rate:-?}" "$seeds" "$size" "${cov:-?}" "${ft:-?}" "$result"
  if [ "$result" != ok ]; then
    mkdir -p "$findings/$target"
    cp "$work/$target"/artifacts/* "$findings/$target"/ 2>/dev/null || true
    cp "$log" "$findings/$target/log"
    echo "--- $target: the end of its log ($findings/$target/log)"
    grep -v -E '^#[0-9]+[[:space:]]' "$log" | tail -40
    for f in "$work/$target"/artifacts/*; do
      [ -f "$f" ] || continue
      echo "--- input $findings/$target/$(basename "$f") (base64):"
      base64 -w0 "$f"
      echo
    done
  fi
done
exit "$failed"
