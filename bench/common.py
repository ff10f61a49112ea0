"""What every in-process benchmark does first: a fresh database and Django, ready to use."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def setup_django(database: str = "") -> Path:
    """Django on a new SQLite file in a temporary folder, or on `database` (flushed), migrated.

    Returns the folder (the SQLite file lives there)."""
    folder = Path(tempfile.mkdtemp(prefix="layan-bench-"))
    os.environ["LAYAN_VAR_DIR"] = str(folder)
    os.environ["LAYAN_DATABASE_URL"] = database
    os.environ["LAYAN_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layan.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    if database:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return folder


def bench_workspace():  # type: ignore[no-untyped-def]
    """A workspace in three languages with one email inbox."""
    from layan.accounts.services import workspace_create
    from layan.inboxes.services import inbox_create

    workspace = workspace_create(
        name="Bench", slug="bench", timezone_name="Asia/Jakarta",
        languages=["en", "id", "zh-hans"], default_language="en",
    )  # fmt: skip
    inbox = inbox_create(
        workspace=workspace, kind="email", name="Mail", address="support@bench.example"
    )
    return workspace, inbox


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    """A process's resident memory in MB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    """A process's children (`layan serve`'s server processes)."""
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


def start_serve(env: dict[str, str], workers: int = 1) -> tuple[subprocess.Popen[bytes], int]:
    """`layan serve --workers N` as its own process (as in production), logging into the var
    folder; returns it and its port once it answers."""
    port = free_port()
    log = open(Path(env["LAYAN_VAR_DIR"]) / f"server-{port}.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "layan"),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).read()
            return server, port
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.2)
