#!/usr/bin/env bash
# The main job on the local emulator: builds the examples and fetches the product page's
# example call, with its transcript and post-call analytics, from an in-process emulator of
# the Atoms API over TLS.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset gcc >/dev/null
cmake --build --preset gcc -j "${ATOMS_JOBS:-2}" --target get_call
exec build/gcc/examples/get_call --emulator "$@"
