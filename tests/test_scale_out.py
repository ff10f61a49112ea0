"""Two server processes sharing one database and one Redis behave as one Layan."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.sync.client import connect

from layan.testing.fixtures import free_port
from tests.test_cli import LAYAN, layan_env, opener, post_form, wait_for_health

REDIS = shutil.which("redis-server")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    if REDIS is None:
        pytest.skip("redis-server is not installed (make test installs it)")
    port = free_port()
    server = subprocess.Popen(
        [
            REDIS,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while (
        subprocess.run(
            ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True
        ).stdout.strip()
        != "PONG"
    ):
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


def test_an_event_raised_on_one_process_reaches_a_desk_on_another(
    tmp_path: Path, redis_url: str
) -> None:
    var_dir = tmp_path / "var"
    env = {**layan_env(var_dir), "LAYAN_REDIS_URL": redis_url}
    assert subprocess.run([LAYAN, "migrate", "-v0"], env=env).returncode == 0
    assert subprocess.run([LAYAN, "demo", "-v0"], env=env).returncode == 0
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [LAYAN, "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, server in zip(urls, servers, strict=True):
            wait_for_health(url, server)
        # Iris opens her desk on process A; Alice logs in on process B.
        iris_browser, iris_jar = opener()
        post_form(
            iris_browser,
            iris_jar,
            urls[0] + "/desk/login/",
            {"username": "iris@toko.example", "password": "layan-demo"},
        )
        iris_session = next(c.value for c in iris_jar if c.name == "sessionid")
        with connect(
            f"ws://127.0.0.1:{ports[0]}/ws/desk/",
            additional_headers={"Cookie": f"sessionid={iris_session}", "Origin": urls[0]},
        ) as iris_desk:
            alice_browser, alice_jar = opener()
            post_form(
                alice_browser,
                alice_jar,
                urls[1] + "/desk/login/",
                {"username": "alice@toko.example", "password": "layan-demo"},
            )
            # Logging in on B set Alice online: A's desk hears it through Redis.
            event = json.loads(iris_desk.recv(timeout=10))
            with sqlite3.connect(var_dir / "layan.sqlite3") as database:
                (alice_id,) = database.execute(
                    "SELECT id FROM accounts_user WHERE email = 'alice@toko.example'"
                ).fetchone()
            assert event == {
                "type": "agent.availability_changed",
                "data": {"agent_id": alice_id, "availability": "online"},
            }
    finally:
        for server in servers:
            server.terminate()
            server.communicate(timeout=20)
