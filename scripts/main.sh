#!/usr/bin/env bash
# The main job on the local emulator: builds atoms-calls and atoms-emulator, starts the
# emulator (300 calls over TLS, with a CA of its own), and asks atoms-calls for the account's
# statistics and for the newest completed call in full: transcript, summary, and each
# disposition metric with its confidence and reasoning. Stops the emulator on the way out.
# The same atoms-calls commands work against the service with SMALLEST_API_KEY set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset gcc >/dev/null
cmake --build --preset gcc -j "${ATOMS_JOBS:-2}" --target atoms-calls atoms-emulator >/dev/null
calls=build/gcc/tools/atoms_calls/atoms-calls
emulator=build/gcc/tools/atoms_emulator/atoms-emulator

work=$(mktemp -d)
emulator_pid=
stop() {
  if [ -n "$emulator_pid" ]; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT

"$emulator" --calls "${ATOMS_MAIN_CALLS:-300}" >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 100); do
  grep -q '^SMALLEST_API_KEY=' "$work/emulator.out" 2>/dev/null && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.err" >&2; exit 1; }
  sleep 0.1
done
# Only these three lines of what it printed, whatever this shell's environment holds.
unset SMALLEST_BASE_URL SMALLEST_API_KEY ATOMS_CA_FILE
while IFS='=' read -r name value; do
  case "$name" in SMALLEST_BASE_URL | SMALLEST_API_KEY | ATOMS_CA_FILE) export "$name=$value" ;; esac
done <"$work/emulator.out"
: "${SMALLEST_API_KEY:?atoms-emulator did not start}"

echo "atoms-emulator: ${SMALLEST_BASE_URL} ($(head -n 1 "$work/emulator.out" | sed 's/^# atoms-emulator: //; s/; stop it.*//'))"
echo
echo "\$ atoms-calls stats"
"$calls" --ca-file "$ATOMS_CA_FILE" stats
newest=$("$calls" --ca-file "$ATOMS_CA_FILE" --format csv list --status completed --limit 1 | sed -n '2s/,.*//p')
echo
echo "\$ atoms-calls get $newest"
"$calls" --ca-file "$ATOMS_CA_FILE" get "$newest"
echo
echo "Against the service: SMALLEST_API_KEY=... $calls stats"
