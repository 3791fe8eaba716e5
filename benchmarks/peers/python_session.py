#!/usr/bin/python3
"""Call details with Python `requests` done well: one `requests.Session` per worker thread (so
each thread keeps one keep-alive TLS connection), N threads in a
`concurrent.futures.ThreadPoolExecutor`, `.json()` on every body. A peer of the benchmarks
(see README, "Benchmarks"):

    python_session.py --base-url https://localhost:PORT/atoms/v1 --ca-file CA.pem --ids IDS
                      --concurrency N --requests M

GETs /conversation/<id> M times, cycling through the ids of IDS (one a line), and prints one
JSON line: peer, concurrency, requests, errors, seconds, cpu_seconds, peak_rss_kib, bytes.
TLS is verified against --ca-file.

Runs with Debian's python3 (python3-requests); /usr/bin/python3 in the first line on purpose,
since a python3 of pyenv's or a virtualenv's may lack the package.
"""
import argparse
import json
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base-url", required=True)
    p.add_argument("--ca-file", required=True)
    p.add_argument("--ids", required=True)
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--requests", type=int, required=True)
    p.add_argument("--api-key", default=os.environ.get("SMALLEST_API_KEY", "bench-key"))
    a = p.parse_args()
    if a.concurrency < 1 or a.requests < 0:
        p.error("--concurrency must be at least 1 and --requests not negative")
    for f in (a.ca_file, a.ids):
        if not os.path.isfile(f):
            p.error(f"no such file: {f}")
    return a


def read_ids(path):
    with open(path) as f:
        ids = [line.strip() for line in f if line.strip()]
    if not ids:
        sys.exit(f"python_session: no ids in {path}")
    return ids


def worker(first, step, a, urls):
    """Requests first, first + step, ... below a.requests on a Session of this thread's own;
    returns (errors, bytes received)."""
    errors = 0
    received = 0
    with requests.Session() as s:
        s.headers.update({"Authorization": f"Bearer {a.api_key}", "Accept": "application/json"})
        for i in range(first, a.requests, step):
            try:
                # verify= on each call: a Session's own .verify loses to REQUESTS_CA_BUNDLE.
                r = s.get(urls[i % len(urls)], verify=a.ca_file, timeout=30)
                received += len(r.content)
                if r.status_code != 200:
                    errors += 1
                    continue
                r.json()
            except (requests.RequestException, ValueError):
                errors += 1
    return errors, received


def main():
    a = parse_args()
    base = a.base_url.rstrip("/")
    urls = [f"{base}/conversation/{i}" for i in read_ids(a.ids)]
    n = a.concurrency
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        results = [f.result() for f in [pool.submit(worker, k, n, a, urls) for k in range(n)]]
    seconds = time.perf_counter() - start
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"peer": "python_session", "concurrency": n, "requests": a.requests,
                      "errors": sum(e for e, _ in results), "seconds": seconds,
                      "cpu_seconds": ru.ru_utime + ru.ru_stime, "peak_rss_kib": ru.ru_maxrss,
                      "bytes": sum(b for _, b in results)}), flush=True)


if __name__ == "__main__":
    main()
