#!/bin/sh
# Compile time and compiler memory of a user's translation unit that calls every public
# operation of the client (compile/user.cpp): header-only; and with ATOMS_SEPARATE_COMPILATION,
# the user's TU alone and the library's src.hpp (compile/src.cpp), compiled once for the whole
# program; next to a baseline, a minimal Beast HTTPS GET with a Boost.JSON parse
# (compile/baseline.cpp). One JSON line per TU on stdout:
#
#     {"tu":"user_header_only","seconds":57.8,"cpu_seconds":55.1,"peak_rss_kib":1982448,
#      "flags":"-O2 -std=c++20"}
#
# and the ratios to the baseline on stderr. Each TU is compiled alone, one after another,
# with the compiler run directly (no ccache); from /usr/bin/time: seconds of wall time,
# cpu_seconds (user + system: less sensitive to other work on the machine) and the
# compiler's (cc1plus's) peak RSS. With --runs N, each TU's compilation with the least wall time
# of N, the runs interleaved.
#
#     benchmarks/compile_time.sh [--runs N] [--link] [--quick]
#
#   --link   also link each program (untimed), to show the TUs are whole programs
#   --quick  the user's TU alone, both ways, -fsyntax-only -O0, one run: for CI, so it keeps
#            compiling as the API changes (src.hpp is built by the tests' consumer project)
# The compiler is $CXX (default g++).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
include="$here/../include"
cxx=${CXX:-g++}
runs=1
link=0
flags="-O2 -std=c++20"
output="-c"
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --link) link=1; shift ;;
    --quick) flags="-O0 -std=c++20" output="-fsyntax-only" runs=1; shift ;;
    *) echo "usage: compile_time.sh [--runs N] [--link] [--quick]" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "compile_time.sh: needs /usr/bin/time (Debian's package time)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CCACHE_DISABLE=1

# measure NAME SOURCE [extra flags...]: compiles once; keeps, in $work/NAME.*, the figures of
# the fastest compilation so far.
measure() {
  name=$1 source=$2
  shift 2
  if [ "$output" = "-c" ]; then
    out="-c -o $work/$name.o"
  else
    out="-fsyntax-only"
  fi
  # shellcheck disable=SC2086 # $flags and $out are lists of words
  if ! /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$cxx" $flags -I"$include" "$@" $out "$source"; then
    echo "compile_time.sh: $name did not compile" >&2
    exit 1
  fi
  read -r seconds rss user sys <"$work/time"
  if [ ! -f "$work/$name.seconds" ] || awk "BEGIN { exit !($seconds < $(cat "$work/$name.seconds")) }"; then
    echo "$seconds" >"$work/$name.seconds"
    awk "BEGIN { print $user + $sys }" >"$work/$name.cpu"
    echo "$rss" >"$work/$name.rss"
    extra=""
    [ $# -gt 0 ] && extra=" $*"
    echo "$flags$extra" >"$work/$name.flags"
  fi
}
# report NAME...: one JSON line per TU, its fastest compilation.
report() {
  for name in "$@"; do
    printf '{"tu":"%s","seconds":%s,"cpu_seconds":%s,"peak_rss_kib":%s,"flags":"%s"}\n' "$name" \
      "$(cat "$work/$name.seconds")" "$(cat "$work/$name.cpu")" "$(cat "$work/$name.rss")" "$(cat "$work/$name.flags")"
  done
}

if [ "$output" != "-c" ]; then
  measure user_header_only "$here/compile/user.cpp"
  measure user_separate "$here/compile/user.cpp" -DATOMS_SEPARATE_COMPILATION
  report user_header_only user_separate
  exit 0
fi
# The runs are interleaved (every TU once, then again), so that a slow spell of the machine
# does not fall on one TU's runs alone.
i=0
while [ $i -lt "$runs" ]; do
  measure baseline "$here/compile/baseline.cpp"
  measure user_header_only "$here/compile/user.cpp"
  measure user_separate "$here/compile/user.cpp" -DATOMS_SEPARATE_COMPILATION
  measure src_once "$here/compile/src.cpp" -DATOMS_SEPARATE_COMPILATION
  i=$((i + 1))
done
report baseline user_header_only user_separate src_once

# ratio NAME: NAME's wall and CPU time over the baseline's.
ratio() {
  awk "BEGIN { printf \"%.2fx (CPU %.2fx)\", $(cat "$work/$1.seconds") / $(cat "$work/baseline.seconds"), \
               $(cat "$work/$1.cpu") / $(cat "$work/baseline.cpu") }"
}
{
  echo "compile_time.sh: wall time against the baseline's ($(cat "$work/baseline.seconds") s):"
  echo "  header-only user TU:          $(ratio user_header_only) (goal: at most 1.5)"
  echo "  separately compiled user TU:  $(ratio user_separate) (goal: at most 0.6)"
  echo "  src.hpp, once for a program:  $(ratio src_once)"
} >&2

if [ "$link" = 1 ]; then
  "$cxx" -o "$work/baseline" "$work/baseline.o" -lboost_json -lssl -lcrypto -pthread
  "$cxx" -o "$work/user_header_only" "$work/user_header_only.o" -lboost_json -lboost_url -lssl -lcrypto -pthread
  "$cxx" -o "$work/user_separate" "$work/user_separate.o" "$work/src_once.o" -lssl -lcrypto -pthread
  echo "compile_time.sh: the three programs link" >&2
fi
