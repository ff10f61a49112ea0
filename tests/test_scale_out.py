"""Two server processes sharing one database and one Redis behave as one Layan."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from layan.testing.ports import free_port
from layan.testing.redis import REDIS, start_redis
from tests.test_cli import LAYAN, layan_env, opener, post_form, wait_for_health


@dataclass
class Redis:
    folder: Path
    port: int
    server: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait(10)

    def restart(self) -> None:
        """Stopped and started again on the same port: empty, every connection dropped."""
        self.stop()
        self.server, _url = start_redis(self.folder, self.port)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[Redis]:
    if REDIS is None:
        pytest.skip("redis-server is not installed (make test installs it)")
    port = free_port()
    server, _url = start_redis(tmp_path, port)
    running = Redis(folder=tmp_path, port=port, server=server)
    yield running
    running.stop()


@pytest.fixture
def redis_url(redis: Redis) -> str:
    return redis.url


@dataclass
class Pair:
    """Two `layan serve` processes on one database and one Redis."""

    var_dir: Path
    ports: list[int]

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]


@pytest.fixture
def pair(tmp_path: Path, redis_url: str) -> Iterator[Pair]:
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
        for port, server in zip(ports, servers, strict=True):
            wait_for_health(f"http://127.0.0.1:{port}", server)
        yield Pair(var_dir=var_dir, ports=ports)
    finally:
        for port, server in zip(ports, servers, strict=True):
            server.terminate()
            output, _ = server.communicate(timeout=20)
            # Shown by pytest when the test failed: what each server logged.
            print(f"--- layan serve on port {port} ---\n{output}")


def log_in(url: str, email: str) -> tuple[urllib.request.OpenerDirector, CookieJar, str]:
    browser, jar = opener()
    post_form(browser, jar, url + "/desk/login/", {"username": email, "password": "layan-demo"})
    session = next(c.value for c in jar if c.name == "sessionid")
    return browser, jar, session


def frames_until(socket: ClientConnection, kind: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        frame: dict[str, Any] = json.loads(socket.recv(timeout=10))
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame")


def test_an_event_raised_on_one_process_reaches_a_desk_on_another(pair: Pair) -> None:
    urls = pair.urls
    # Iris opens her desk on process A; Alice logs in on process B.
    _browser, _jar, iris_session = log_in(urls[0], "iris@toko.example")
    with connect(
        f"ws://127.0.0.1:{pair.ports[0]}/ws/desk/",
        additional_headers={"Cookie": f"sessionid={iris_session}", "Origin": urls[0]},
    ) as iris_desk:
        alice_browser, alice_jar, _session = log_in(urls[1], "alice@toko.example")
        # Alice goes online on B: A's desk hears it through Redis.
        token = next(c.value for c in alice_jar if c.name == "csrftoken")
        url = f"{urls[1]}/desk/availability/"
        body = urllib.parse.urlencode({"availability": "online", "csrfmiddlewaretoken": token})
        alice_browser.open(
            urllib.request.Request(url, data=body.encode(), headers={"Referer": url})
        )
        event = json.loads(iris_desk.recv(timeout=10))
        with sqlite3.connect(pair.var_dir / "layan.sqlite3") as database:
            (alice_id,) = database.execute(
                "SELECT id FROM accounts_user WHERE email = 'alice@toko.example'"
            ).fetchone()
        assert event == {
            "type": "agent.availability_changed",
            "data": {"agent_id": alice_id, "availability": "online"},
        }


def test_a_visitor_on_one_process_chats_with_an_agent_on_another(pair: Pair) -> None:
    urls = pair.urls
    # Alice works on process B; the visitor's widget is connected to process A.
    alice_browser, alice_jar, alice_session = log_in(urls[1], "alice@toko.example")
    with (
        connect(
            f"ws://127.0.0.1:{pair.ports[1]}/ws/desk/",
            additional_headers={"Cookie": f"sessionid={alice_session}", "Origin": urls[1]},
        ) as desk,
        connect(
            f"ws://127.0.0.1:{pair.ports[0]}/ws/chat/?w=toko-layan&lang=en",
            additional_headers={"Origin": "https://shop.example"},
        ) as widget,
    ):
        assert frames_until(widget, "welcome")["language"] == "en"
        widget.send(json.dumps({"type": "message", "client_id": "m1", "text": "Is COD possible?"}))
        conversation = frames_until(widget, "ack")["message"]["conversation"]
        # Alice's desk on B hears of the new chat at once,
        created = frames_until(desk, "message.created")
        assert created["data"]["conversation"] == conversation
        # opens it (the visitor sees "read") and sees the visitor typing.
        desk.send(json.dumps({"type": "watch", "conversation": conversation}))
        assert frames_until(widget, "read")["upto"] > 0
        widget.send(json.dumps({"type": "typing"}))
        assert frames_until(desk, "conversation.visitor_typing")["data"] == {
            "conversation": conversation
        }
        # She answers on B; the widget on A shows it.
        token = next(c.value for c in alice_jar if c.name == "csrftoken")
        number = created["data"]["number"]
        reply_url = f"{urls[1]}/desk/conversations/{number}/reply/"
        body = urllib.parse.urlencode(
            {"mode": "reply", "text": "Yes, COD is fine in Jakarta.", "csrfmiddlewaretoken": token}
        ).encode()
        alice_browser.open(
            urllib.request.Request(reply_url, data=body, headers={"Referer": reply_url})
        )
        reply = frames_until(widget, "message")
        while reply["message"]["author"] != "agent":
            reply = frames_until(widget, "message")
        assert reply["message"]["text"] == "Yes, COD is fine in Jakarta."
        assert reply["message"]["name"] == "Alice Tan"


def test_chats_go_on_across_processes_after_redis_restarts(pair: Pair, redis: Redis) -> None:
    urls = pair.urls
    _browser, _jar, alice_session = log_in(urls[1], "alice@toko.example")
    with (
        connect(
            f"ws://127.0.0.1:{pair.ports[1]}/ws/desk/",
            additional_headers={"Cookie": f"sessionid={alice_session}", "Origin": urls[1]},
        ) as desk,
        connect(
            f"ws://127.0.0.1:{pair.ports[0]}/ws/chat/?w=toko-layan&lang=en",
            additional_headers={"Origin": "https://shop.example"},
        ) as widget,
    ):
        frames_until(widget, "welcome")
        widget.send(json.dumps({"type": "message", "client_id": "m0", "text": "Hello?"}))
        frames_until(widget, "ack")
        frames_until(desk, "message.created")
        # The demo's answer bot replies (it hands the chat to the team, who are offline) and
        # the visitor hears their place in the queue: the first message is handled whole.
        frames_until(widget, "queue")
        # Redis goes away and comes back empty: both processes reconnect and subscribe again
        # to the groups their sockets are in; the sockets themselves stay open.
        redis.restart()
        # What is published while a process is not yet subscribed again is not delivered
        # (the desk reads it back when it next refreshes): the visitor writes until one is.
        stored: list[int] = []
        delivered = False
        deadline = time.monotonic() + 20
        while not delivered and time.monotonic() < deadline:
            frame = {"type": "message", "client_id": f"m{len(stored) + 1}", "text": "Still there?"}
            widget.send(json.dumps(frame))
            stored.append(frames_until(widget, "ack")["message"]["id"])
            with contextlib.suppress(TimeoutError):
                while not delivered:
                    event = json.loads(desk.recv(timeout=1))
                    delivered = event["type"] == "message.created" and (
                        event["data"]["message"] == stored[-1]
                    )
        assert delivered, f"no message reached the desk in {len(stored)} tries"
    # Every message sent is stored once, outage or not.
    with sqlite3.connect(pair.var_dir / "layan.sqlite3") as database:
        (count,) = database.execute(
            "SELECT COUNT(*) FROM conversations_message WHERE id IN ({})".format(
                ",".join("?" * len(stored))
            ),
            stored,
        ).fetchone()
    assert count == len(stored) == len(set(stored))
