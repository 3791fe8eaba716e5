#!/usr/bin/env bash
# Installs the Debian 12 packages atoms-cpp builds with; only those that are missing.
set -euo pipefail
pkgs=(g++ clang clang-format clang-tidy libclang-rt-14-dev cmake ninja-build ccache pkg-config git
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev doctest-dev
      # scripts/docs.sh: the API reference (HTML only, no graphviz)
      doxygen
      # benchmarks/run.sh: the server, the peers and the chart
      nginx-light wrk openssl python3-requests python3-httpx libcurl4-openssl-dev nlohmann-json3-dev
      libbenchmark-dev gnuplot-nox
      # tests/proxy_test.cpp: a real HTTP proxy
      tinyproxy)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
