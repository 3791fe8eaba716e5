#!/usr/bin/env bash
# clang-tidy 14 with .clang-tidy over the headers: one translation unit that includes every
# header under include/ (header-only, so each impl/*.ipp is checked too, once). Findings in
# include/smallest/ only (HeaderFilterRegex); every enabled check is an error.
#
# The static analyzer looks only at the functions of the main file unless told to analyze
# headers too (-analyzer-opt-analyze-headers); here every function is in a header. It then
# analyzes each function on its own (ipa=none: no inlining of callees), which keeps it to
# about a minute; ATOMS_TIDY_DEEP=1 lets it follow calls (much slower, for a look by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tu="$work/all_headers.cpp"
find include -name '*.hpp' ! -name src.hpp | sort | sed 's|^include/\(.*\)$|#include <\1>|' > "$tu"
analyzer=(-Xclang -analyzer-opt-analyze-headers)
[ "${ATOMS_TIDY_DEEP:-0}" = 1 ] || analyzer+=(-Xclang -analyzer-config -Xclang ipa=none)
extra=()
for a in "${analyzer[@]}"; do extra+=(--extra-arg="$a"); done
echo "--- clang-tidy-14: $(wc -l < "$tu") headers in one translation unit"
# .clang-tidy is named: clang-tidy would look for it beside the translation unit, in $work.
clang-tidy-14 --quiet --config-file=.clang-tidy "${extra[@]}" "$tu" -- -std=c++20 -Wall -Wextra -Iinclude
