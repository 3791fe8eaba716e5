#!/usr/bin/python3
"""The official Python SDK's way of fetching call details: one plain `requests.get` per call
(no Session, so a new TCP connection and TLS handshake each time), then `.json()`, one call
after another. A peer of the benchmarks (see README, "Benchmarks"):

    python_sdk.py --base-url https://localhost:PORT/atoms/v1 --ca-file CA.pem --ids IDS
                  --concurrency N --requests M

GETs /conversation/<id> M times, cycling through the ids of IDS (one a line), and prints one
JSON line: peer, concurrency, requests, errors, seconds, cpu_seconds, peak_rss_kib, bytes.
The loop is sequential whatever N is, as the SDK's is: it reports "concurrency": 1 so that
nobody reads its rate as that of N requests in flight.

TLS is verified against --ca-file alone. A real SDK user verifies against the system's trust
store, and since each `requests.get` makes a new SSL context, every call loads that whole
bundle again (about 140 certificates: some 15 ms of CPU a call here). --system-cas measures
that: it verifies against the system bundle with --ca-file appended, and calls itself
"python_sdk_system_cas".

Runs with Debian's python3 (python3-requests); /usr/bin/python3 in the first line on purpose,
since a python3 of pyenv's or a virtualenv's may lack the package.
"""
import os
import time

import requests

import peer_common


def bundle_with_system_cas(ca_file):
    """A temporary file with requests' default CA bundle and then `ca_file`."""
    import atexit
    import tempfile

    from requests.utils import DEFAULT_CA_BUNDLE_PATH
    with open(DEFAULT_CA_BUNDLE_PATH, "rb") as f:
        system = f.read()
    with open(ca_file, "rb") as f:
        ours = f.read()
    fd, path = tempfile.mkstemp(prefix="python_sdk-", suffix=".pem")
    with os.fdopen(fd, "wb") as out:
        out.write(system + b"\n" + ours)
    atexit.register(os.unlink, path)
    return path


def main():
    a = peer_common.parse_args(__doc__, lambda p: p.add_argument(
        "--system-cas", action="store_true",
        help="verify against the system's CA bundle plus --ca-file, as a real user does"))
    name = "python_sdk_system_cas" if a.system_cas else "python_sdk"
    urls = peer_common.call_urls(a, name)
    verify = bundle_with_system_cas(a.ca_file) if a.system_cas else a.ca_file
    headers = {"Authorization": f"Bearer {a.api_key}", "Accept": "application/json"}
    errors = 0
    received = 0
    start = time.perf_counter()
    for i in range(a.requests):
        try:
            r = requests.get(urls[i % len(urls)], headers=headers, verify=verify, timeout=30)
            received += len(r.content)
            if r.status_code != 200:
                errors += 1
                continue
            r.json()
        except (requests.RequestException, ValueError):
            errors += 1
    seconds = time.perf_counter() - start
    peer_common.report(name, 1, a, errors, seconds, received)


if __name__ == "__main__":
    main()
