"""A private Redis server on loopback, for the scale-out tests and benchmarks."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

REDIS = shutil.which("redis-server")


def start_redis(folder: Path, port: int) -> tuple[subprocess.Popen[bytes], str]:
    """Start redis-server (no persistence) and wait until it answers; returns it and its URL."""
    if REDIS is None:
        raise RuntimeError("redis-server is not installed (make test installs it)")
    server = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while (
        subprocess.run(
            ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True
        ).stdout.strip()
        != "PONG"
    ):
        if time.monotonic() > deadline:
            server.terminate()
            raise RuntimeError("redis-server did not start")
        time.sleep(0.05)
    return server, f"redis://127.0.0.1:{port}/0"
