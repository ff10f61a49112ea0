"""Layan on a PostgreSQL server with few connection slots, under agents, chat visitors and
contact-form customers at once: every request answered, connections bounded.

Runs when the suite runs on PostgreSQL, against a private server of its own started with
`max_connections = 20` (17 for Layan: PostgreSQL reserves 3 for superusers)."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from websockets.sync.client import connect

from layan.testing.ports import free_port
from tests.test_cli import LAYAN, layan_env, opener, wait_for_health

ROOT = Path(__file__).resolve().parent.parent
POOL_SIZE = 4  # per process: 2 server processes and 1 worker hold at most 12
SECONDS = 8.0


@pytest.fixture
def small_postgres() -> Iterator[str]:
    if not os.environ.get("LAYAN_DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs with the suite on PostgreSQL")
    # Not under pytest's private folder: the server may run as another user (postgres).
    folder = Path(tempfile.mkdtemp(prefix="layan-pg-small."))
    started = subprocess.run(
        [str(ROOT / "scripts/pg-test-server"), "start", str(folder), str(free_port())],
        env={**os.environ, "PG_MAX_CONNECTIONS": "20"},
        capture_output=True,
        text=True,
        check=True,
    )
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(ROOT / "scripts/pg-test-server"), "stop", str(folder)], check=False)


class Load:
    """What every client saw: statuses by kind, and failures that were not HTTP answers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: dict[str, dict[int, int]] = {}
        self.failures: list[str] = []

    def count(self, kind: str, status: int) -> None:
        with self.lock:
            by_status = self.statuses.setdefault(kind, {})
            by_status[status] = by_status.get(status, 0) + 1

    def server_errors(self) -> dict[str, dict[int, int]]:
        return {
            kind: {status: n for status, n in counts.items() if status >= 500}
            for kind, counts in self.statuses.items()
            if any(status >= 500 for status in counts)
        }


def fetch(load: Load, kind: str, browser: urllib.request.OpenerDirector, request: object) -> str:
    try:
        with browser.open(request, timeout=30) as response:  # type: ignore[arg-type]
            load.count(kind, response.status)
            return str(response.read().decode())
    except urllib.error.HTTPError as error:
        load.count(kind, error.code)
        return ""


def agent(load: Load, url: str, email: str, deadline: float) -> None:
    browser, jar = opener()
    login = url + "/desk/login/"
    fetch(load, "login", browser, login)
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode(
        {"username": email, "password": "layan-demo", "csrfmiddlewaretoken": token}
    ).encode()
    fetch(load, "login", browser, urllib.request.Request(login, data=body))
    pages = [
        "/desk/",
        "/desk/conversations/?view=all",
        "/desk/conversations/counts/?view=open",
        "/desk/conversations/1/",
        "/desk/conversations/?view=all&q=paket",
    ]
    turn = 0
    while time.monotonic() < deadline:
        fetch(load, "desk", browser, url + pages[turn % len(pages)])
        turn += 1


def customer(load: Load, url: str, index: int, deadline: float, sent: list[str]) -> None:
    browser, jar = opener()
    fetch(load, "helpcenter", browser, url + "/contact/")
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    turn = 0
    while time.monotonic() < deadline:
        subject = f"Paket {index}-{turn} belum sampai"
        fields = {
            "name": f"Pembeli {index}", "email": f"pembeli{index}@example.com",
            "subject": subject, "message": "Sudah seminggu, tolong dicek.",
            "form_id": f"f{index}x{turn}", "csrfmiddlewaretoken": token,
        }  # fmt: skip
        request = urllib.request.Request(
            url + "/contact/send/", data=urllib.parse.urlencode(fields).encode()
        )
        page = fetch(load, "contact_form", browser, request)
        if page:
            sent.append(subject)
        fetch(load, "helpcenter", browser, url + "/search/?q=ongkir")
        turn += 1


def visitor(load: Load, port: int, index: int, deadline: float, acked: list[str]) -> None:
    try:
        with connect(
            f"ws://127.0.0.1:{port}/ws/chat/?w=toko-layan&lang=id",
            additional_headers={"Origin": "https://shop.example"},
            open_timeout=30,
        ) as widget:
            turn = 0
            while time.monotonic() < deadline:
                client_id = f"v{index}m{turn}"
                widget.send(json.dumps({"type": "message", "client_id": client_id, "text": "Halo"}))
                while True:
                    frame = json.loads(widget.recv(timeout=30))
                    if frame["type"] == "ack" and frame["client_id"] == client_id:
                        acked.append(client_id)
                        break
                    if frame["type"] == "error":
                        load.failures.append(f"chat error frame: {frame}")
                        return
                turn += 1
                time.sleep(0.2)
    except Exception as problem:
        load.failures.append(f"visitor {index}: {problem!r}")


def test_desk_chat_and_contact_form_at_once_on_a_small_postgresql(
    small_postgres: str, tmp_path: Path
) -> None:
    var_dir = tmp_path / "var"
    env = {
        **layan_env(var_dir),
        "LAYAN_DATABASE_URL": small_postgres,
        "LAYAN_DATABASE_POOL_SIZE": str(POOL_SIZE),
    }
    assert subprocess.run([LAYAN, "migrate", "-v0"], env=env).returncode == 0
    assert subprocess.run([LAYAN, "demo", "-v0"], env=env).returncode == 0
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    processes = [
        subprocess.Popen(
            [LAYAN, "serve", "--port", str(port), "--workers", "2"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        ),
        subprocess.Popen(
            [LAYAN, "worker"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        ),
    ]  # fmt: skip
    peak = 0
    sampling = True

    def sample() -> None:
        nonlocal peak
        with psycopg.connect(small_postgres, autocommit=True) as database:
            while sampling:
                row = database.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchone()
                peak = max(peak, int(row[0]) if row else 0)
                time.sleep(0.05)

    load = Load()
    sent: list[str] = []
    acked: list[str] = []
    try:
        wait_for_health(url, processes[0])
        sampler = threading.Thread(target=sample)
        sampler.start()
        deadline = time.monotonic() + SECONDS
        emails = ["iris@toko.example", "alice@toko.example", "olga@toko.example"]
        clients = [
            *(threading.Thread(target=agent, args=(load, url, e, deadline)) for e in emails),
            *(
                threading.Thread(target=customer, args=(load, url, n, deadline, sent))
                for n in range(3)
            ),
            *(
                threading.Thread(target=visitor, args=(load, port, n, deadline, acked))
                for n in range(4)
            ),
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join(90)
        sampling = False
        sampler.join(10)
        with psycopg.connect(small_postgres) as database:
            stored_subjects = {
                row[0]
                for row in database.execute(
                    "SELECT subject FROM conversations_conversation WHERE subject LIKE 'Paket %%'"
                )
            }
            (stored_chat,) = database.execute(
                "SELECT count(*) FROM conversations_message WHERE external_id LIKE 'chat:%%:v%%m%%'"
            ).fetchone() or (0,)
    finally:
        sampling = False
        for process in processes:
            process.terminate()
        for process in processes:
            output, _ = process.communicate(timeout=30)
            print(output[-5000:])  # shown when the test failed
    print(load.statuses, f"peak connections {peak}")
    assert load.failures == []
    assert load.server_errors() == {}
    assert sum(load.statuses["desk"].values()) > 20
    assert sent
    assert len(acked) > 10
    # Everything accepted was stored, once.
    assert set(sent) <= stored_subjects
    assert stored_chat == len(acked)
    # Bounded by the pools (3 processes × 4), well inside the server's 17 free slots.
    assert peak <= 3 * POOL_SIZE
