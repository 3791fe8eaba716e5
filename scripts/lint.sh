#!/usr/bin/env bash
# Fast checks before the builds: the layout (.clang-format, clang-format 14) and that every
# header compiles on its own, in a translation unit of its own, with -Werror.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "--- clang-format"
git ls-files '*.hpp' '*.ipp' '*.cpp' | xargs clang-format --dry-run -Werror
echo "--- each header on its own"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export work
find include -name '*.hpp' ! -name src.hpp | sort | xargs -P "${ATOMS_JOBS:-2}" -I{} sh -c '
  h="${1#include/}"; tu="$work/$(echo "$h" | tr / _).cpp"
  printf "#include <%s>\n#include <%s>\n" "$h" "$h" > "$tu"
  g++ -std=c++20 -Wall -Wextra -Werror -fsyntax-only -Iinclude "$tu" || { echo "not self-contained: $h"; exit 255; }' _ {}
echo "headers: $(find include -name '*.hpp' ! -name src.hpp | wc -l) compile alone"
