"""Public page throughput: `layan serve` on the demo shop, hit by concurrent loopback clients.

    .venv/bin/python bench/pages.py [--size 2000] [--concurrency 16] [--workers 2]

`--size` is the number of requests per page (bounded); the last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

LAYAN = str(Path(sys.executable).parent / "layan")
PAGES = {
    "home": "/",
    "article": "/id/articles/1-berapa-ongkos-kirimnya/",
    "search": "/search/?q=ongkir+ke+Surabaya",
    "faq": "/faq/",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        assert response.status == 200
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if not k.startswith("LAYAN_")}
    env.update(LAYAN_VAR_DIR=tempfile.mkdtemp(prefix="layan-pages-"), LAYAN_LOG_LEVEL="WARNING")
    subprocess.run([LAYAN, "migrate", "-v0"], env=env, check=True)
    subprocess.run([LAYAN, "demo", "-v0"], env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [LAYAN, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(base + "/api/v1/health")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        results = {}
        with ThreadPoolExecutor(args.concurrency) as pool:
            for name, path in PAGES.items():
                list(pool.map(fetch, [base + path] * 50))  # warm up
                started = time.perf_counter()
                latencies = sorted(pool.map(fetch, [base + path] * args.size))
                seconds = time.perf_counter() - started
                results[name] = {
                    "requests_per_second": round(args.size / seconds, 1),
                    "p50_ms": round(statistics.median(latencies), 1),
                    "p95_ms": round(latencies[int(0.95 * len(latencies))], 1),
                }
    finally:
        server.terminate()
        server.wait(20)
    print(
        json.dumps(
            {
                "workers": args.workers,
                "concurrency": args.concurrency,
                "requests": args.size,
                "pages": results,
            }
        )
    )


if __name__ == "__main__":
    main()
