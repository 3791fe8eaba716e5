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
import asyncio
import time

import httpx

import peer_common


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
    a = peer_common.parse_args(__doc__)
    urls = peer_common.call_urls(a, "httpx_async")
    start = time.perf_counter()
    results = asyncio.run(run(a, urls))
    seconds = time.perf_counter() - start
    peer_common.report("httpx_async", a.concurrency, a, sum(e for e, _ in results), seconds,
                       sum(b for _, b in results))


if __name__ == "__main__":
    main()
