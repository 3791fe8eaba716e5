"""What the Python peers of the benchmarks share (see README, "Benchmarks"): the command line,
the ids read as URLs, and the one JSON result line, so that run.sh treats every peer alike."""
import argparse
import json
import os
import resource
import sys


def parse_args(doc, more=None):
    """--base-url, --ca-file, --ids, --concurrency, --requests, --api-key (and what `more(p)`
    adds), checked; exits 2 on a bad command line."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("--base-url", required=True)
    p.add_argument("--ca-file", required=True)
    p.add_argument("--ids", required=True)
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--requests", type=int, required=True)
    p.add_argument("--api-key", default=os.environ.get("SMALLEST_API_KEY", "bench-key"))
    if more:
        more(p)
    a = p.parse_args()
    if a.concurrency < 1 or a.requests < 0:
        p.error("--concurrency must be at least 1 and --requests not negative")
    for f in (a.ca_file, a.ids):
        if not os.path.isfile(f):
            p.error(f"no such file: {f}")
    return a


def call_urls(a, peer):
    """GET /conversation/<id> for each id of --ids (one a line)."""
    with open(a.ids) as f:
        ids = [line.strip() for line in f if line.strip()]
    if not ids:
        sys.exit(f"{peer}: no ids in {a.ids}")
    base = a.base_url.rstrip("/")
    return [f"{base}/conversation/{i}" for i in ids]


def report(peer, concurrency, a, errors, seconds, received):
    """The result line: this process's CPU time and peak RSS, from getrusage."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"peer": peer, "concurrency": concurrency, "requests": a.requests, "errors": errors,
                      "seconds": seconds, "cpu_seconds": ru.ru_utime + ru.ru_stime,
                      "peak_rss_kib": ru.ru_maxrss, "bytes": received}), flush=True)
