#!/usr/bin/env bash
# The peer benchmarks of the README's "Benchmarks" section, in one command: builds the `bench`
# preset, generates the data set (benchmarks/make_data), makes a CA and a certificate, starts
# nginx on 127.0.0.1 over TLS serving the data at the service's paths, runs wrk and every peer
# program at the same concurrency on the same data, the pagination walks, the decoding and
# compile-time programs, and prints one table with the Goals' ratios (PASS/MISS, reported,
# never asserted). Writes the table as Markdown and CSV, and a chart (gnuplot).
#
#     benchmarks/run.sh [--quick] [--rounds N] [--no-build] [--build-dir DIR] [--out DIR] [--work DIR]
#
#   --quick      tiny data, one short run of each thing (CI: about a minute after the build);
#                writes to WORK/docs unless --out is given, so it never replaces the real figures
#   --rounds N   the bulk peers, the decoding and the compilations measured N times, interleaved
#                (every peer once, then again), each figure the best of its N: a machine shared
#                with other work only ever slows a run down (3; 1 with --quick)
#   --no-build   use the programs already in the build directory
#   --build-dir  where the bench preset builds (build/bench)
#   --out        where benchmarks.md, benchmarks.csv and benchmarks.png go (docs/)
#   --work       data, certificates, nginx and raw results (${TMPDIR:-/tmp}/atoms-bench)
#
# A peer whose program is missing (not built: its packages were not found) is skipped with a
# note. The Python peers run on /usr/bin/python3 (ATOMS_BENCH_PYTHON overrides it).
# ATOMS_BENCH_COMPILE=0 skips the compile-time measurement (with --quick it is a syntax check).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
quick=0
rounds=
build=1
build_dir=$root/build/bench
out=
work=${TMPDIR:-/tmp}/atoms-bench
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --rounds) rounds=$2; shift ;;
    --no-build) build=0 ;;
    --build-dir) build_dir=$(realpath -m "$2"); shift ;;
    --out) out=$(realpath -m "$2"); shift ;;
    --work) work=$(realpath -m "$2"); shift ;;
    -h | --help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if ((quick)); then
  logs_large=2000 small=100 details_large=500       # calls in each data set
  native_requests=500 python_requests=50 sdk_requests=10
  wrk_seconds=1 concurrencies="1 32"
  compile=${ATOMS_BENCH_COMPILE:-1}
  out=${out:-$work/docs}
  rounds=${rounds:-1}
else
  logs_large=100000 small=1000 details_large=20000
  native_requests=20000 python_requests=2000 sdk_requests=200
  wrk_seconds=5 concurrencies="1 8 32"
  compile=${ATOMS_BENCH_COMPILE:-1}
  out=${out:-$root/docs}
  rounds=${rounds:-3}
fi
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --rounds wants a positive number" >&2; exit 2; }
details_concurrency=16
bin=$build_dir/benchmarks

note() { printf '%s\n' "run.sh [${SECONDS}s]: $*" >&2; }
# The peers run on Debian's Python, whose python3-requests and python3-httpx the issue names
# (a python3 earlier in PATH, pyenv's say, may lack them).
python=${ATOMS_BENCH_PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}

# --- build -------------------------------------------------------------------------------------
if ((build)); then
  if [[ $build_dir == "$root/build/bench" ]]; then
    (cd "$root" && cmake --preset bench >/dev/null && cmake --build --preset bench -j2)
  else
    cmake --build "$build_dir" -j2
  fi
fi
for p in make_data range; do
  [[ -x $bin/$p ]] || { note "$bin/$p is missing: build the bench preset first"; exit 1; }
done
for tool in nginx wrk openssl python3; do
  command -v $tool >/dev/null || { note "needs $tool (Debian: nginx-light, wrk, openssl, python3)"; exit 1; }
done

mkdir -p "$work" "$out"
# Cores kept busy by other programs just before the run (over one second): a busy machine
# makes every rate lower and noisier, and the report says so.
busy=$(python3 -c 'import time
def sample():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(v), v[3] + v[4]
t0, i0 = sample(); time.sleep(1); t1, i1 = sample()
import os; print(round(os.cpu_count() * (1 - (i1 - i0) / max(1, t1 - t0)), 2))')
results=$work/results.jsonl
: >"$results"
echo "{\"machine\":{\"cpus\":$(nproc),\"cpu\":\"$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)\",\"os\":\"$(. /etc/os-release && echo "$PRETTY_NAME")\",\"compiler\":\"$(g++ -dumpfullversion 2>/dev/null || echo ?)\",\"quick\":$quick,\"rounds\":$rounds,\"load\":$busy}}" >>"$results"

# --- data: one directory per set, each under its own URL prefix ---------------------------------
# logs:    list pages only (the range over many logs)
# details: list pages and every call's details (the details pipeline; the bulk peers' ids)
# small:   the same at 1,000 calls, next to which the large walks' memory is judged
data=$work/data
make_set() { # name calls [--details]
  local dir=$data/$1 stamp="calls=$2 ${3:-} $(md5sum <"$bin/make_data" | cut -c1-32)"
  if [[ -f $dir/.stamp && $(cat "$dir/.stamp") == "$stamp" ]]; then return; fi
  rm -rf "$dir"
  note "generating $1: $2 calls ${3:-}"
  "$bin/make_data" --out "$dir" --calls "$2" ${3:-} >&2
  echo "$stamp" >"$dir/.stamp"
}
make_set logs "$logs_large"
make_set details "$details_large" --details
make_set small "$small" --details
ids=$data/details/ids.txt
detail_bytes=$(find "$data/details/atoms/v1/conversation" -type f -printf '%s\n' |
  awk '{s+=$1; n++} END {printf "%.0f", s/n}')

# --- TLS: a CA and a certificate for localhost and 127.0.0.1 ---------------------------------
tls=$work/tls
if [[ ! -f $tls/server.pem ]] || ! openssl x509 -checkend 3600 -noout -in "$tls/server.pem" >/dev/null; then
  mkdir -p "$tls"
  openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 30 \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" -subj "/CN=atoms-cpp benchmark CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=localhost" 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
    -days 30 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
fi
ca=$tls/ca.pem

# --- nginx -----------------------------------------------------------------------------------
ngx=$work/nginx
mkdir -p "$ngx/tmp"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s|@PORT@|$port|g" -e "s|@WORK@|$ngx|g" -e "s|@DATA@|$data|g" -e "s|@CERT@|$tls/server.pem|g" \
  -e "s|@KEY@|$tls/server.key|g" -e "s|@WORKERS@|${ATOMS_BENCH_NGINX_WORKERS:-1}|g" \
  "$root/benchmarks/nginx.conf.in" >"$ngx/nginx.conf"
: >"$ngx/error.log"
nginx -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/error.log" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null || true' EXIT
origin=https://localhost:$port
for _ in $(seq 50); do
  curl -sf --cacert "$ca" -o /dev/null "$origin/small/atoms/v1/conversation/$(head -1 "$data/small/ids.txt")" && break
  sleep 0.1
done
curl -sf --cacert "$ca" -o /dev/null "$origin/details/atoms/v1/conversation?page=1&limit=100" ||
  { note "nginx does not answer on $origin (see $ngx/error.log)"; exit 1; }

# Appends a result line: the program's own JSON line, with what run.sh knows added.
record() { # json section [extra-json]
  local extra=${3:-}
  python3 -c 'import json, sys
r = json.loads(sys.argv[1]); r.update(json.loads(sys.argv[3] or "{}")); r["section"] = sys.argv[2]
print(json.dumps(r))' "$1" "$2" "$extra" >>"$results"
}
skip() { # section peer concurrency why
  note "skipping $2${3:+ at c=$3}: $4"
  echo "{\"section\":\"$1\",\"peer\":\"$2\",\"concurrency\":${3:-0},\"skipped\":\"$4\"}" >>"$results"
}

# Runs a peer program; its last line of output must be its JSON line.
run_peer() { # name concurrency requests command...
  local name=$1 c=$2 m=$3 line
  shift 3
  note "$name c=$c: $m requests (round $round of $rounds)"
  if ! line=$("$@" --base-url "$origin/details/atoms/v1" --ca-file "$ca" --ids "$ids" \
    --concurrency "$c" --requests "$m" | tail -1) || [[ $line != "{"* ]]; then
    skip bulk "$name" "$c" "the program failed (exit status or no JSON line)"
    return
  fi
  record "$line" bulk
}

# wrk, under a parent that reads its CPU time and peak RSS as it is reaped (wait4).
run_wrk() { # concurrency
  local c=$1
  note "wrk c=$c: ${wrk_seconds}s (round $round of $rounds)"
  python3 - "$c" "$wrk_seconds" "$root/benchmarks/wrk_ids.lua" "$origin" "$ids" >>"$results" <<'EOF'
import json, os, subprocess, sys
c, seconds, script, origin, ids = sys.argv[1:]
p = subprocess.Popen(["wrk", "-t1", "-c" + c, "-d" + seconds + "s", "--timeout", "10s", "-s", script, origin,
                      "--", "/details/atoms/v1", ids], stdout=subprocess.PIPE, text=True)
text = p.stdout.read()
_, status, ru = os.wait4(p.pid, 0)
line = [l for l in text.splitlines() if l.startswith("{")]
if status != 0 or not line:
    print(json.dumps({"section": "bulk", "peer": "wrk", "concurrency": int(c), "skipped": "wrk failed"}))
    sys.exit(0)
r = json.loads(line[-1])
r.update({"section": "bulk", "peer": "wrk", "concurrency": int(c), "cpu_seconds": ru.ru_utime + ru.ru_stime,
          "peak_rss_kib": ru.ru_maxrss})
print(json.dumps(r))
EOF
}

# --- bulk GET /conversation/<id> at each concurrency -------------------------------------------
# Each round runs every peer at every concurrency once; the table keeps each peer's best round.
for round in $(seq "$rounds"); do
  for c in $concurrencies; do
    run_wrk "$c"
    for p in atoms_bulk beast_raw curl_nlohmann; do
      if [[ -x $bin/$p ]]; then run_peer "${p%_bulk}" "$c" "$native_requests" "$bin/$p"; else skip bulk "${p%_bulk}" "$c" "$bin/$p not built"; fi
    done
    for p in python_session httpx_async; do
      if [[ -f $root/benchmarks/peers/$p.py ]]; then
        run_peer "$p" "$c" "$python_requests" "$python" "$root/benchmarks/peers/$p.py"
      else
        skip bulk "$p" "$c" "benchmarks/peers/$p.py not found"
      fi
    done
  done
  # The official SDK's way is sequential: one connection, one request at a time. requests.get
  # loads the trust store again for every call: with our one-certificate CA file alone, and, as a
  # real user's SDK does, with the system's store as well (--system-cas: the goal's peer).
  if [[ -f $root/benchmarks/peers/python_sdk.py ]]; then
    run_peer python_sdk 1 "$sdk_requests" "$python" "$root/benchmarks/peers/python_sdk.py"
    run_peer python_sdk_system_cas 1 "$sdk_requests" "$python" "$root/benchmarks/peers/python_sdk.py" --system-cas
  else
    skip bulk python_sdk 1 "benchmarks/peers/python_sdk.py not found"
  fi
done

# --- the pagination range and the details pipeline, large next to small --------------------------
walk() { # section set calls [--details]
  local line
  note "walk $1 over $3 calls"
  if line=$("$bin/range" --base-url "$origin/$2/atoms/v1" --ca-file "$ca" --page-size 500 \
    --concurrency "$details_concurrency" --expect "$3" ${4:-} | tail -1) && [[ $line == "{"* ]]; then
    record "$line" "$1" "{\"calls\":$3}"
  else
    skip "$1" atoms "" "the walk over $3 calls failed"
  fi
}
walk range logs "$logs_large"
walk range small "$small"
walk pipeline details "$details_large" --details
walk pipeline small "$small" --details

# --- decoding alone (Google Benchmark) ----------------------------------------------------------
if [[ -x $bin/decode ]]; then
  note "decode"
  min_time=$( ((quick)) && echo 0.01 || echo 0.5)
  # Each benchmark $rounds times, in a random order (the table keeps each one's best).
  if "$bin/decode" --benchmark_format=json --benchmark_min_time="$min_time" --benchmark_repetitions="$rounds" \
    --benchmark_enable_random_interleaving=true >"$work/decode.json" 2>"$work/decode.err"; then
    python3 -c 'import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("run_type", "iteration") == "iteration" and "bytes_per_second" in b:
        print(json.dumps({"section": "decode", "name": b.get("run_name", b["name"]), "mb_per_second": b["bytes_per_second"] / 1e6,
                          "ns": b.get("real_time"), "time_unit": b.get("time_unit")}))' "$work/decode.json" >>"$results"
  else
    skip decode decode "" "the decode program failed (see $work/decode.err)"
  fi
else
  skip decode decode "" "$bin/decode not built (libbenchmark-dev missing?)"
fi

# --- compile time and memory of one translation unit --------------------------------------------
if ((compile)) && [[ -x $root/benchmarks/compile_time.sh ]]; then
  note "compile time (a few minutes; with --quick, a syntax check of each TU)"
  compile_args=(--runs "$rounds")
  ((quick)) && compile_args=(--quick)
  if "$root/benchmarks/compile_time.sh" "${compile_args[@]}" >"$work/compile.jsonl" 2>"$work/compile.err"; then
    python3 -c 'import json, sys
for l in open(sys.argv[1]):
    if l.startswith("{"):
        r = json.loads(l); r["section"] = "compile"; print(json.dumps(r))' "$work/compile.jsonl" >>"$results"
  else
    skip compile compile_time.sh "" "it failed (see $work/compile.err)"
  fi
elif ((compile)); then
  skip compile compile_time.sh "" "benchmarks/compile_time.sh not found"
else
  skip compile compile_time.sh "" "not run (ATOMS_BENCH_COMPILE=0)"
fi

kill $nginx_pid 2>/dev/null || true
wait $nginx_pid 2>/dev/null || true
trap - EXIT
if grep -q '\[\(error\|crit\|alert\|emerg\)\]' "$ngx/error.log"; then
  note "nginx logged errors during the run: see $ngx/error.log"
  echo "{\"section\":\"note\",\"note\":\"nginx logged errors during the run (see $ngx/error.log)\"}" >>"$results"
fi

# --- the table, the goals, the files -------------------------------------------------------------
python3 - "$results" "$out" "$detail_bytes" "$work/benchmarks.dat" <<'EOF'
import csv, json, sys

results, out, detail_bytes, chart_data = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = [json.loads(l) for l in open(results) if l.strip()]
machine = rows[0]["machine"]
rows = rows[1:]

def fmt(v, digits=0):
    if v is None: return "–"
    return f"{v:,.{digits}f}"

def cpu_per_1000(r):
    n = r.get("requests", 0) - r.get("errors", 0)
    return 1000 * r["cpu_seconds"] / n if n > 0 else None

def rate(r):
    return r["requests"] / r["seconds"] if r.get("seconds") else None

# The best of a thing's rounds: of the measured rows of `section`, by key(row), the one with
# the highest score(row) (the rest of that row, CPU time and RSS, comes with it).
def best_rounds(section, key, score):
    best = {}
    for r in rows:
        if r["section"] == section and "skipped" not in r and score(r):
            k = key(r)
            if k not in best or score(r) > score(best[k]):
                best[k] = r
    return best

bulk = best_rounds("bulk", lambda r: (r["peer"], r["concurrency"]), rate)

table, csv_rows, notes = [], [], []
def add(section, name, c, count, rate_, unit, cpu, rss, extra=""):
    table.append((section, name, "" if c in (None, 0) else str(c), fmt(count), fmt(rate_, 1 if unit == "s" else 0), unit,
                  fmt(cpu, 3) if cpu is not None else "–", fmt(rss / 1024, 1) if rss else "–", extra))
    csv_rows.append({"section": section, "name": name, "concurrency": c or "", "count": count if count is not None else "",
                     "rate": round(rate_, 1) if rate_ is not None else "", "unit": unit,
                     "cpu_s_per_1000": round(cpu, 4) if cpu is not None else "", "peak_rss_kib": rss or "",
                     "note": extra})

order = ["wrk", "beast_raw", "atoms", "curl_nlohmann", "httpx_async", "python_session", "python_sdk",
         "python_sdk_system_cas"]
for c in sorted({k[1] for k in bulk}):
    for peer in order:
        r = bulk.get((peer, c))
        if not r: continue
        wrk = bulk.get(("wrk", c))
        vs = f"{rate(r) / rate(wrk):.2f}× wrk" if wrk and peer != "wrk" else ""
        if r.get("errors"): vs += f" ({r['errors']} errors)"
        add("bulk get", peer, c, r["requests"], rate(r), "req/s", cpu_per_1000(r), r.get("peak_rss_kib"), vs.strip())
for r in rows:
    if r["section"] == "note":
        notes.append(r["note"])
    if r.get("skipped") and r["section"] == "bulk" and (r["peer"], r["concurrency"]) in bulk:
        continue  # a round that failed, next to one that did not
    if r.get("skipped"):
        notes.append(f"{r['peer']}{' at c=' + str(r['concurrency']) if r.get('concurrency') else ''}: {r['skipped']}")

walks = {}
for r in rows:
    if r["section"] in ("range", "pipeline") and "skipped" not in r:
        walks.setdefault(r["section"], []).append(r)
for section, label in (("range", "pagination range (pages of 500)"), ("pipeline", f"details pipeline ({{}} at once)")):
    rs = sorted(walks.get(section, []), key=lambda r: r["calls"])
    for r in rs:
        ratio = r["peak_rss_kib"] / rs[0]["peak_rss_kib"] if rs else None
        extra = f"RSS {ratio:.2f}× of {rs[0]['calls']:,}" if r is not rs[0] else ""
        if not r.get("complete", True): extra += " (incomplete)"
        add(label.format(r.get("concurrency")), "atoms", None, r["items"], r["items_per_second"], "items/s",
            1000 * r["cpu_seconds"] / r["items"] if r["items"] else None, r["peak_rss_kib"], extra)

decode = sorted(best_rounds("decode", lambda r: r["name"], lambda r: r["mb_per_second"]).values(),
                key=lambda r: r["name"])
for r in decode:
    add("decoding", r["name"], None, None, r["mb_per_second"], "MB/s", None, None)
compile_rows = [r for r in rows if r["section"] == "compile" and "skipped" not in r]
for r in compile_rows:
    add("compile (g++)", r["tu"], None, None, r["seconds"], "s", None, r.get("peak_rss_kib"), r.get("flags", ""))

# --- the Goals section's ratios --------------------------------------------------------------
goals = []
def goal(text, value, ok, measured):
    goals.append((text, measured, "PASS" if ok else "MISS") if value is not None else (text, "not measured", "–"))

def bulk_rate(peer, c):
    r = bulk.get((peer, c))
    return rate(r) if r else None

top = max((k[1] for k in bulk), default=None)
us, wrk = bulk_rate("atoms", top), bulk_rate("wrk", top)
def ratio_goal(text, other, least, c=top):
    o = bulk_rate(other, c)
    v = us / o if us and o else None
    goal(text, v, v is not None and v >= least, f"{v:.2f}×" if v else "")
if top is not None:
    ratio_goal(f"bulk at c={top}: ≥ 0.8 of wrk's rate", "wrk", 0.8)
    a, w = bulk.get(("atoms", top)), bulk.get(("wrk", top))
    v = cpu_per_1000(a) / cpu_per_1000(w) if a and w and cpu_per_1000(w) else None
    goal(f"bulk at c={top}: CPU per 1,000 calls ≤ 2.5× wrk's", v, v is not None and v <= 2.5, f"{v:.2f}×" if v else "")
    ratio_goal(f"bulk at c={top}: ≥ 25× requests + threads", "python_session", 25)
    ratio_goal(f"bulk at c={top}: ≥ 25× httpx async", "httpx_async", 25)
    ratio_goal(f"bulk at c={top}: ≥ 300× the SDK-style loop (system trust store, as the SDK's users have)",
               "python_sdk_system_cas", 300, 1)
    ratio_goal(f"bulk at c={top}: ≥ 1.5× curl multi + nlohmann", "curl_nlohmann", 1.5)

# decode's benchmarks are named "<input>/parse", "<input>/parse+decode" (typed: parse and
# value_to, what the client does with a body) and "<input>/decode" (value_to alone).
def kind(name):
    n = name.lower()
    return "page" if ("page" in n or "list" in n or "log" in n) else "details"
def stage(name):
    return name.lower().rsplit("/", 1)[-1]
for k in ("page", "details"):
    t = [r["mb_per_second"] for r in decode if kind(r["name"]) == k and stage(r["name"]) == "parse+decode"]
    p = [r["mb_per_second"] for r in decode if kind(r["name"]) == k and stage(r["name"]) == "parse"]
    v = t[0] / p[0] if t and p else None
    goal(f"decoding {'a page of 500 logs' if k == 'page' else 'a call’s details'}: parse + typed ≥ 0.7 of parse alone (MB/s)",
         v, v is not None and v >= 0.7, f"{v:.2f}" if v else "")
for section, least in (("range", 1.5), ("pipeline", None)):
    rs = sorted(walks.get(section, []), key=lambda r: r["calls"])
    if len(rs) >= 2:
        v = rs[-1]["peak_rss_kib"] / rs[0]["peak_rss_kib"]
        if least:
            goal(f"pagination: peak RSS for {rs[-1]['calls']:,} logs ≤ 1.5× that for {rs[0]['calls']:,}", v, v <= least, f"{v:.2f}×")
        else:
            notes.append(f"details pipeline: peak RSS for {rs[-1]['calls']:,} calls is {v:.2f}× that for {rs[0]['calls']:,} (no goal; reported)")
    elif least:
        goal("pagination: peak RSS for 100,000 logs ≤ 1.5× that for 1,000", None, False, "")

def tu(*words):
    for r in compile_rows:
        n = r["tu"].lower()
        if all(w in n for w in words): return r
base = tu("baseline") or tu("beast")
header = tu("header")
separate = tu("separate") or tu("user", "src")
for text, r, most in (("compile: user TU, header-only ≤ 1.5× the baseline", header, 1.5),
                      ("compile: user TU, separately compiled ≤ 0.6× the baseline", separate, 0.6)):
    v = r["seconds"] / base["seconds"] if r and base else None
    goal(text, v, v is not None and v <= most, f"{v:.2f}×" if v else "")

# --- out ---------------------------------------------------------------------------------------
head = ("scenario", "peer / program", "c", "count", "rate", "unit", "CPU s / 1,000", "peak RSS MiB", "")
widths = [max(len(str(x[i])) for x in [head] + table) for i in range(len(head))]
right = {2, 3, 4, 6, 7}
def line(cells):
    return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
print()
print(line(head))
for row in table: print(line(row))
print()
if machine.get("load", 0) > 0.5:
    print(f"note: the machine was busy when the run began ({machine['load']} cores in use by other programs): rates are noisy")
for text, measured, verdict in goals: print(f"{verdict:4}  {text}: {measured}")
notes = list(dict.fromkeys(notes))  # a note each round would repeat, once
for n in notes: print(f"note: {n}")

md = [f"Measured on {machine['cpus']} cores ({machine['cpu']}), {machine['os']}, g++ {machine['compiler']} -O2; "
      f"nginx over TLS on 127.0.0.1 (one worker), call details of {detail_bytes:,} bytes on average."
      + (f" Each figure is the best of {machine['rounds']} rounds, interleaved." if machine.get("rounds", 1) > 1 else "")
      + (f" The machine was busy when the run began ({machine['load']} cores in use by other programs): the rates are lower and noisier than on a quiet one." if machine.get("load", 0) > 0.5 else "")
      + (" **Quick run: tiny sizes, not representative.**" if machine["quick"] else ""), "",
      "| scenario | peer / program | c | count | rate | unit | CPU s / 1,000 | peak RSS MiB | |",
      "|---|---|---:|---:|---:|---|---:|---:|---|"]
md += ["| " + " | ".join(str(c) for c in row) + " |" for row in table]
md += ["", "| goal | measured | |", "|---|---:|---|"]
md += [f"| {t} | {m} | {'**' + v + '**' if v == 'MISS' else v} |" for t, m, v in goals]
if notes: md += [""] + [f"- {n}" for n in notes]
open(f"{out}/benchmarks.md", "w").write("\n".join(md) + "\n")
with open(f"{out}/benchmarks.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["section", "name", "concurrency", "count", "rate", "unit", "cpu_s_per_1000", "peak_rss_kib", "note"])
    w.writeheader(); w.writerows(csv_rows)
# The chart's data: requests per second, a row per peer, a column per concurrency.
cs = sorted({k[1] for k in bulk})
with open(chart_data, "w") as f:
    f.write("peer " + " ".join(f"c={c}" for c in cs) + "\n")
    for peer in order:
        if any((peer, c) in bulk for c in cs):
            f.write(peer + " " + " ".join(f"{rate(bulk[(peer, c)]):.1f}" if (peer, c) in bulk else "NaN" for c in cs) + "\n")
EOF

if command -v gnuplot >/dev/null; then
  gnuplot -e "datafile='$work/benchmarks.dat'; outfile='$out/benchmarks.png'" "$root/benchmarks/chart.gp" &&
    note "wrote $out/benchmarks.md, benchmarks.csv, benchmarks.png" || note "gnuplot failed: no chart"
else
  note "wrote $out/benchmarks.md and benchmarks.csv (no gnuplot: no chart)"
fi
