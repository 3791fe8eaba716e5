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
import time

import peer_common
from concurrent.futures import ThreadPoolExecutor

import requests


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
    a = peer_common.parse_args(__doc__)
    urls = peer_common.call_urls(a, "python_session")
    n = a.concurrency
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        results = [f.result() for f in [pool.submit(worker, k, n, a, urls) for k in range(n)]]
    seconds = time.perf_counter() - start
    peer_common.report("python_session", n, a, sum(e for e, _ in results), seconds, sum(b for _, b in results))


if __name__ == "__main__":
    main()
