#!/usr/bin/env bash
# Builds and runs, outside the tree, a program that uses atoms-cpp as a user would
# (tests/consumer/main.cpp: it fetches a call from the emulator), in each supported way:
#   add_subdirectory            CMake, the source tree added as a subdirectory (header-only)
#   fetch_content               CMake FetchContent from a local path (no network)
#   find_package                CMake, from `cmake --install` to a prefix (header-only)
#   find_package_separate       the same from an install built with ATOMS_SEPARATE_COMPILATION
#   package_version             find_package's version rule: 0.1 and 0.1.0 found, 0.0, 0.1.1, 0.2, 1.0 not
#   gxx_src_hpp                 plain g++ -Iinclude, src.hpp in one .cpp, linking only OpenSSL
#   gxx_separate                the same with -DATOMS_SEPARATE_COMPILATION
#   pkg_config                  src.hpp compiled, and the program linked, with the header-only
#                               install's `pkg-config --cflags --libs atoms-cpp`
#   pkg_config_separate         the program linked with the separately compiled install's library
#                               through its atoms-cpp.pc (which must define ATOMS_SEPARATE_COMPILATION)
# The jobs run ATOMS_JOBS at a time (2 by default) through ccache, in build/consumers/ (a fixed
# place, so that ccache hits when nothing changed); a failing job prints its log.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${ATOMS_CONSUMERS_DIR:-$root/build/consumers}"
launcher=""
command -v ccache >/dev/null && launcher="ccache"
# The plain g++ consumers: what a Makefile would do.
gxx=(${launcher} g++ -std=c++20 -Wall -Wextra -Werror -O1)
# The CMake consumers: no build type (no optimisation), so they build quickly.
cmake_args=(-G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
# atoms-cpp's own configure for an install: the library alone.
install_args=("${cmake_args[@]}" -DATOMS_BUILD_TESTS=OFF -DATOMS_BUILD_EXAMPLES=OFF -DATOMS_BUILD_TOOLS=OFF)

# Runs "$@" with its output in the log of consumer $name; records the result.
step() {
  local name="$1"
  shift
  local start=$SECONDS
  echo "+ $*" >>"$work/logs/$name.log"
  if "$@" >>"$work/logs/$name.log" 2>&1; then
    echo "($((SECONDS - start)) s)" >>"$work/logs/$name.log"
    echo "$name" >>"$work/passed"
  else
    echo "$name" >>"$work/failed"
    echo "FAILED: $name ($work/logs/$name.log):" >&2
    tail -n 40 "$work/logs/$name.log" >&2
    return 1
  fi
}

# The program must not link a Boost library (src.hpp compiled Boost.JSON and Boost.URL).
no_boost_library() {
  if ldd "$1" | grep -i boost; then
    echo "$1 links a Boost library" >&2
    return 1
  fi
}

cmake_consumer() {  # project directory, build directory, cmake arguments...
  local project="$1" build="$2"
  shift 2
  cmake -S "$work/consumer/$project" -B "$work/build/$build" "${cmake_args[@]}" "$@" &&
    cmake --build "$work/build/$build" -j 1 &&
    "$work/build/$build/consumer"
}

install_atoms() {  # build directory, prefix, cmake arguments...
  local build="$1" prefix="$2"
  shift 2
  cmake -S "$root" -B "$work/build/$build" "${install_args[@]}" "$@" &&
    cmake --build "$work/build/$build" -j 1 &&
    cmake --install "$work/build/$build" --prefix "$prefix"
}

package_version() {
  local dir="$work/build/package_version"
  mkdir -p "$dir/src"
  cat >"$dir/src/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.25)
project(package_version LANGUAGES CXX)
foreach(refused 0.0 0.1.1 0.2 1.0)
  find_package(atoms-cpp ${refused} CONFIG QUIET)
  if(atoms-cpp_FOUND)
    message(FATAL_ERROR "find_package(atoms-cpp ${refused}) accepted ${atoms-cpp_VERSION}")
  endif()
endforeach()
foreach(accepted 0.1 0.1.0)
  find_package(atoms-cpp ${accepted} CONFIG REQUIRED)
endforeach()
if(NOT TARGET smallest::atoms OR NOT atoms-cpp_VERSION STREQUAL "0.1.0")
  message(FATAL_ERROR "atoms-cpp ${atoms-cpp_VERSION} without smallest::atoms")
endif()
EOF
  cmake -S "$dir/src" -B "$dir/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix"
}

pc() {  # prefix, pkg-config arguments...: pkg-config on that install's atoms-cpp.pc
  local dir
  dir="$(dirname "$(find "$1" -name atoms-cpp.pc)")"
  shift
  PKG_CONFIG_PATH="$dir" pkg-config --print-errors "$@"
}

# One job: consumers that must run in order (an install before its users; FetchContent after
# add_subdirectory, whose object file ccache then gives it).
job() {
  cd "$work/consumer"
  case "$1" in
    cmake_tree)
      step add_subdirectory cmake_consumer add_subdirectory add_subdirectory -DATOMS_SOURCE_DIR="$root"
      step fetch_content cmake_consumer fetch_content fetch_content -DATOMS_SOURCE_DIR="$root"
      ;;
    header_only_install)
      step package_version package_version
      step find_package cmake_consumer find_package find_package -DCMAKE_PREFIX_PATH="$work/prefix"
      ;;
    separate_install)
      step find_package_separate install_atoms install_separate "$work/prefix_separate" \
        -DATOMS_SEPARATE_COMPILATION=ON || { touch "$work/prefix_separate.done" && exit 1; }
      touch "$work/prefix_separate.done"
      step find_package_separate cmake_consumer find_package find_package_separate \
        -DCMAKE_PREFIX_PATH="$work/prefix_separate"
      step find_package_separate no_boost_library "$work/build/find_package_separate/consumer"
      ;;
    gxx_src_hpp)
      local o="$work/build/gxx"
      mkdir -p "$o"
      step gxx_src_hpp "${gxx[@]}" -I"$root/include" -c main.cpp -o "$o/main.o"
      step gxx_src_hpp "${gxx[@]}" -I"$root/include" -c src.cpp -o "$o/src.o"
      step gxx_src_hpp g++ "$o/main.o" "$o/src.o" -o "$o/bare" -lssl -lcrypto -pthread
      step gxx_src_hpp "$o/bare"
      step gxx_src_hpp no_boost_library "$o/bare"
      # pkg-config on the header-only install: src.hpp compiled with the .pc's flags and linked
      # with its libraries to the user's object above (same headers, so not compiled again).
      local p="$work/prefix"
      step pkg_config pc "$p" --exists 'atoms-cpp >= 0.1'
      step pkg_config "${gxx[@]}" -c src.cpp $(pc "$p" --cflags atoms-cpp) -o "$o/pkg_config_src.o"
      step pkg_config g++ "$o/main.o" "$o/pkg_config_src.o" $(pc "$p" --libs atoms-cpp) -o "$o/pkg_config"
      step pkg_config "$o/pkg_config"
      step pkg_config no_boost_library "$o/pkg_config"
      ;;
    gxx_separate)
      local o="$work/build/gxx_separate"
      mkdir -p "$o"
      step gxx_separate "${gxx[@]}" -DATOMS_SEPARATE_COMPILATION -I"$root/include" -c main.cpp -o "$o/main.o"
      step gxx_separate "${gxx[@]}" -DATOMS_SEPARATE_COMPILATION -I"$root/include" -c src.cpp -o "$o/src.o"
      step gxx_separate g++ "$o/main.o" "$o/src.o" -o "$o/separate" -lssl -lcrypto -pthread
      step gxx_separate "$o/separate"
      # pkg-config on the separately compiled install: its flags must define
      # ATOMS_SEPARATE_COMPILATION and find the headers, and its libraries must link the user's
      # object above (same headers, so not compiled again) with no src.cpp.
      for ((i = 0; i < 3600; i++)); do [ -e "$work/prefix_separate.done" ] && break || sleep 1; done
      local p="$work/prefix_separate"
      printf '#include <smallest/atoms/version.hpp>\n#ifndef ATOMS_SEPARATE_COMPILATION\n#error\n#endif\n' >"$o/flags.cpp"
      step pkg_config_separate pc "$p" --exists 'atoms-cpp >= 0.1'
      step pkg_config_separate "${gxx[@]}" -fsyntax-only "$o/flags.cpp" $(pc "$p" --cflags atoms-cpp)
      step pkg_config_separate g++ "$o/main.o" $(pc "$p" --libs atoms-cpp) -o "$o/pkg_config"
      step pkg_config_separate "$o/pkg_config"
      step pkg_config_separate no_boost_library "$o/pkg_config"
      ;;
  esac
}

if [ "${1:-}" = --job ]; then
  job "$2"
  exit
fi

expected=(add_subdirectory fetch_content find_package package_version find_package_separate
  gxx_src_hpp gxx_separate pkg_config pkg_config_separate)
rm -rf "$work"
mkdir -p "$work/logs" "$work/build"
cp -r "$root/tests/consumer" "$work/consumer"
touch "$work/passed" "$work/failed"
started=$SECONDS
# The header-only install copies files only: done first, for the jobs that use it.
step find_package install_atoms install "$work/prefix" || true
# The longest jobs first (the separately compiled install first: gxx_separate waits for it).
printf '%s\n' separate_install gxx_separate gxx_src_hpp header_only_install cmake_tree |
  xargs -P "${ATOMS_JOBS:-2}" -I{} "$0" --job {} || true
passed="$(sort -u "$work/passed" | comm -23 - <(sort -u "$work/failed"))"
failed="$(printf '%s\n' "${expected[@]}" | sort | comm -23 - <(echo "$passed"))"
if [ -n "$failed" ]; then
  echo "consumers: $(echo "$passed" | grep -c .) passed, failed: $(echo $failed)" >&2
  exit 1
fi
echo "consumers: $(echo "$passed" | grep -c .) passed ($(echo $passed)) in $((SECONDS - started)) s"
