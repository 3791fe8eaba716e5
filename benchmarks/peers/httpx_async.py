#!/usr/bin/python3
"""Call details with Python `httpx` async: one `httpx.AsyncClient` whose pool holds at most N
keep-alive connections, N tasks on one asyncio loop, `.json()` on every body. A peer of the
benchmarks (see README, "Benchmarks"):

    httpx_async.py --base-url https://localhost:PORT/atoms/v1 --ca-file CA.pem --ids IDS
                   --concurrency N --requests M

GETs /conversation/<id> M times, cycling through the ids of IDS (one a line), and prints one
JSON line: peer, concurrency, requests, errors, seconds, cpu_seconds, peak_rss_kib, bytes.
TLS is verified against --ca-file; HTTP/1.1.

Runs with Debian's python3 (python3-httpx); /usr/bin/python3 in the first line on purpose,
since a python3 of pyenv's or a virtualenv's may lack the package.
"""
import argparse
import asyncio
import json
import os
import resource
import sys
import time

import httpx


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
        sys.exit(f"httpx_async: no ids in {path}")
    return ids


async def worker(client, first, step, total, urls):
    """Requests first, first + step, ... below total; returns (errors, bytes received)."""
    errors = 0
    received = 0
    for i in range(first, total, step):
        try:
            r = await client.get(urls[i % len(urls)])
            received += len(r.content)
            if r.status_code != 200:
                errors += 1
                continue
            r.json()
        except (httpx.HTTPError, ValueError):
            errors += 1
    return errors, received


async def run(a, urls):
    n = a.concurrency
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    headers = {"Authorization": f"Bearer {a.api_key}", "Accept": "application/json"}
    async with httpx.AsyncClient(verify=a.ca_file, limits=limits, headers=headers, timeout=30) as client:
        return await asyncio.gather(*(worker(client, k, n, a.requests, urls) for k in range(n)))


def main():
    a = parse_args()
    base = a.base_url.rstrip("/")
    urls = [f"{base}/conversation/{i}" for i in read_ids(a.ids)]
    start = time.perf_counter()
    results = asyncio.run(run(a, urls))
    seconds = time.perf_counter() - start
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"peer": "httpx_async", "concurrency": a.concurrency, "requests": a.requests,
                      "errors": sum(e for e, _ in results), "seconds": seconds,
                      "cpu_seconds": ru.ru_utime + ru.ru_stime, "peak_rss_kib": ru.ru_maxrss,
                      "bytes": sum(b for _, b in results)}), flush=True)


if __name__ == "__main__":
    main()
