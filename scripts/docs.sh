#!/usr/bin/env bash
# The API reference: doxygen with docs/Doxyfile writes HTML to build/docs/html (open
# index.html). Any doxygen warning fails it (WARN_AS_ERROR = FAIL_ON_WARNINGS).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf build/docs
mkdir -p build/docs
doxygen docs/Doxyfile
echo "reference: build/docs/html/index.html"
