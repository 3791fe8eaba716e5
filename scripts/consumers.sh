#!/usr/bin/env bash
# Builds and runs a program outside the tree that uses atoms-cpp in each supported way:
#  1. CMake add_subdirectory (header-only; links Debian's Boost.JSON and Boost.URL);
#  2. plain g++ -Iinclude with src.hpp in one .cpp, linking only OpenSSL;
#  3. the same with ATOMS_SEPARATE_COMPILATION (the library's own code compiled once).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root"/tests/consumer/* "$work"/
cd "$work"
launcher=""
command -v ccache >/dev/null && launcher="ccache"
flags=(-std=c++20 -Wall -Wextra -Werror -O1 -I"$root/include")

echo "--- add_subdirectory"
cmake -S . -B build -G Ninja -DATOMS_SOURCE_DIR="$root" -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" >/dev/null
cmake --build build -j 2 >/dev/null &
cmake_pid=$!
echo "--- g++ -Iinclude + src.hpp"
$launcher g++ "${flags[@]}" main.cpp src.cpp -o bare -lssl -lcrypto -pthread &
bare_pid=$!
wait $cmake_pid
wait $bare_pid
echo "--- g++ -DATOMS_SEPARATE_COMPILATION + src.hpp"
$launcher g++ "${flags[@]}" -DATOMS_SEPARATE_COMPILATION -c main.cpp -o main.o &
$launcher g++ "${flags[@]}" -DATOMS_SEPARATE_COMPILATION -c src.cpp -o src.o &
wait
g++ main.o src.o -o separate -lssl -lcrypto -pthread
./build/consumer
./bare
./separate
if ldd ./bare | grep -q boost; then echo "bare build links a Boost library" >&2; exit 1; fi
echo "consumers: 3 passed"
