"""Live chat benchmark: N visitor websockets held open against `layan serve`, then visitor
messages at a steady rate, timed from the visitor's send to the agent desk's event.

    .venv/bin/python bench/chat.py [--size 2000] [--rate 200] [--seconds 10] [--redis]
                                   [--database URL]
    .venv/bin/python bench/chat.py --store [--size 1500] [--batch 1] [--database URL]

`--size` visitors connect (and stay connected); `--senders` of them (default 200) chat: each
opens its chat with one message first, then together they send `--rate` messages per second
for `--seconds`. One agent desk socket receives every `message.created` event. With
`--redis`, two server processes share a Redis server (started here, on loopback): visitors
connect to both in turn, the agent to the second, so half the messages cross processes. Besides
latency it reports the server's CPU per message of the timed phase (all threads, the event
loop, the busiest other thread: the database's), which varies far less between runs, and its
CPU per connection (what each page view with the widget costs). The last line printed is one
JSON object.

`--store` measures instead, in this process and with no server, the database thread's share
of a chat message: `--senders` open chats, then `--size` batches of `--batch` frames (1 is
what a quiet server writes) through the writer's store call, timed one by one; it reports
p50 / min per batch and the statements a batch takes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from common import bench_workspace, free_port, setup_django, start_serve


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def thread_cpu_ms(pids: list[int]) -> dict[tuple[int, int], float]:
    """CPU time (user + system) of each thread of the server processes, by (process, thread)
    id; a process's own id is its main thread, which runs the event loop."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[tuple[int, int], float] = {}
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                stat = (task / "stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                used[(pid, int(task.name))] = (int(fields[11]) + int(fields[12])) * 1000 / tick
    return used


async def run(args: argparse.Namespace, visitor_ports: list[int], desk_port: int, cookie: str,
              server_pids: list[int]) -> dict[str, Any]:  # fmt: skip
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed
    from websockets.protocol import State

    origin = {"Origin": "https://shop.example"}
    urls = [f"ws://127.0.0.1:{port}/ws/chat/?w=bench&lang=en" for port in visitor_ports]
    rss_before = sum(rss_kb(pid) for pid in server_pids)
    sockets: list[Any] = []
    connect_cpu_before = thread_cpu_ms(server_pids)
    started = time.perf_counter()

    async def open_one(number: int) -> Any:
        url = urls[number % len(urls)]
        socket = await connect(
            url, additional_headers=origin, max_queue=None, open_timeout=60, ping_interval=None
        )
        welcome = json.loads(await socket.recv())
        assert welcome["type"] == "welcome", welcome
        return socket

    for first in range(0, args.size, 100):
        batch = min(100, args.size - first)
        sockets += await asyncio.gather(*(open_one(first + n) for n in range(batch)))
    connect_seconds = time.perf_counter() - started
    connect_cpu = cpu_split(connect_cpu_before, thread_cpu_ms(server_pids), args.size)
    await asyncio.sleep(1)
    rss_after = sum(rss_kb(pid) for pid in server_pids)

    desk = await connect(
        f"ws://127.0.0.1:{desk_port}/ws/desk/",
        additional_headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{desk_port}"},
        max_queue=None,
    )
    sent_at: dict[str, float] = {}
    id_of: dict[int, str] = {}
    seen_at: dict[int, float] = {}
    acked = asyncio.Event()
    expected = {"acks": 0}

    async def desk_reader() -> None:
        async for raw in desk:
            frame = json.loads(raw)
            if frame["type"] == "message.created" and "message" in frame["data"]:
                seen_at.setdefault(frame["data"]["message"], time.perf_counter())

    async def send(socket: Any, frame: dict[str, str]) -> bool:
        try:
            await socket.send(json.dumps(frame))
            return True
        except ConnectionClosed:
            return False

    async def visitor_reader(socket: Any) -> None:
        with contextlib.suppress(ConnectionClosed):
            await read_visitor(socket)

    async def read_visitor(socket: Any) -> None:
        async for raw in socket:
            frame = json.loads(raw)
            if frame["type"] == "ack":
                id_of[frame["message"]["id"]] = frame["client_id"]
                expected["acks"] -= 1
                if expected["acks"] == 0:
                    acked.set()

    readers = [asyncio.create_task(desk_reader())]
    senders = sockets[: args.senders]
    readers += [asyncio.create_task(visitor_reader(socket)) for socket in senders]

    # Each sender opens its chat first (a new conversation, routed): not timed.
    expected["acks"] = len(senders)
    for number, socket in enumerate(senders):
        if not await send(socket, {"type": "message", "client_id": f"open-{number}",
                                   "text": f"Hello, order {number}?"}):  # fmt: skip
            expected["acks"] -= 1
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(acked.wait(), timeout=300)
    acked.clear()
    senders = [socket for socket in senders if socket.state is State.OPEN]
    # Let the server finish what the opening burst set off (routing, desk events).
    await asyncio.sleep(3)

    total = int(args.rate * args.seconds)
    expected["acks"] = total
    interval = 1 / args.rate
    cpu_before = thread_cpu_ms(server_pids)
    began = time.perf_counter()
    for number in range(total):
        target = began + number * interval
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        client_id = f"m-{number}"
        sent_at[client_id] = time.perf_counter()
        frame = {"type": "message", "client_id": client_id, "text": f"Any news? ({number})"}
        if not await send(senders[number % len(senders)], frame):
            expected["acks"] -= 1
    send_seconds = time.perf_counter() - began
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(acked.wait(), timeout=120)
    cpu_after = thread_cpu_ms(server_pids)
    await asyncio.sleep(1)
    latencies = sorted(
        (seen_at[message_id] - sent_at[client_id]) * 1000
        for message_id, client_id in id_of.items()
        if client_id in sent_at and message_id in seen_at
    )
    closed = sum(1 for socket in sockets if socket.state is not State.OPEN)
    for task in readers:
        task.cancel()
    await desk.close()
    close_cpu_before = thread_cpu_ms(server_pids)
    for first in range(0, len(sockets), 200):
        await asyncio.gather(*(socket.close() for socket in sockets[first : first + 200]))
    await asyncio.sleep(2)  # the server finishes its side of the closes
    close_cpu = cpu_split(close_cpu_before, thread_cpu_ms(server_pids), len(sockets))
    return {
        "connections": len(sockets),
        # Connections the server dropped during the run (none is the expected figure).
        "dropped_connections": closed,
        "connect_seconds": round(connect_seconds, 1),
        # Server CPU per visitor connection and per close (a page view with the widget).
        "cpu_ms_per_connection": connect_cpu,
        "cpu_ms_per_disconnection": close_cpu,
        "memory_per_connection_kb": round((rss_after - rss_before) / max(1, len(sockets)), 1),
        "messages": total,
        "delivered": len(latencies),
        "offered_rate": args.rate,
        "achieved_rate": round(total / send_seconds, 1),
        # Server CPU per message sent in the timed phase: all threads, the event loops (the
        # main thread of each process) and the busiest other thread (the database's).
        "cpu_ms_per_message": cpu_split(cpu_before, cpu_after, total),
        "relay_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "relay_p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))], 1)
        if latencies
        else None,
    }


def cpu_split(
    before: dict[tuple[int, int], float], after: dict[tuple[int, int], float], total: int
) -> dict[str, float]:
    spent = {key: after[key] - before.get(key, 0.0) for key in after}
    loops = [value for (pid, tid), value in spent.items() if pid == tid]
    others = [value for (pid, tid), value in spent.items() if pid != tid]
    return {
        "all": round(sum(spent.values()) / max(1, total), 2),
        "loop": round(sum(loops) / max(1, total), 2),
        "busiest_other": round(max(others, default=0.0) / max(1, total), 2),
    }


def store_only(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from layan.channels.livechat.consumer import _store
    from layan.channels.livechat.services import ChatFrame
    from layan.inboxes.services import inbox_create

    workspace, _mail = bench_workspace()
    inbox = inbox_create(workspace=workspace, kind="chat", name="Chat")
    keys = [f"visitor-{number}" for number in range(args.senders)]
    for key in keys:
        _store(inbox, [ChatFrame(key=key, client_id=f"{key}-open", text="Hello?", meta={})])

    def batch(number: int) -> list[ChatFrame]:
        return [
            ChatFrame(
                key=keys[(number * args.batch + n) % len(keys)],
                client_id=f"m-{number}-{n}",
                text=f"Any news? ({number})",
                meta={"page_url": "https://shop.example/orders"},
            )
            for n in range(args.batch)
        ]

    timings = []
    for number in range(args.size):
        started = time.perf_counter()
        _store(inbox, batch(number))
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        _store(inbox, batch(args.size))
    return {
        "database": connection.vendor,
        "batch": args.batch,
        "batches": args.size,
        "store_p50_ms": round(statistics.median(timings), 2),
        "store_min_ms": round(min(timings), 2),
        "statements": len(captured.captured_queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--senders", type=int, default=200)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--redis", action="store_true")
    parser.add_argument("--database", default="")
    parser.add_argument("--store", action="store_true")
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()
    if args.store:
        setup_django(args.database)
        print(json.dumps(store_only(args)))
        return
    args.senders = min(args.senders, args.size)

    folder = setup_django(args.database)
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from layan.accounts.models import User
    from layan.accounts.services import workspace_create
    from layan.inboxes.services import inbox_create

    workspace = workspace_create(
        name="Bench", slug="bench", timezone_name="Asia/Jakarta",
        languages=["en", "id", "zh-hans"], default_language="en",
    )  # fmt: skip
    inbox_create(workspace=workspace, kind="chat", name="Chat")
    agent = User.objects.create_user(
        "agent@bench.example", "x", workspace=workspace, name="Agent", chat_limit=30_000,
        availability="online",
    )  # fmt: skip
    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    vendor = connection.vendor
    connection.close()

    env = {key: value for key, value in os.environ.items() if not key.startswith("LAYAN_")}
    env.update(
        LAYAN_VAR_DIR=str(folder), LAYAN_DATABASE_URL=args.database, LAYAN_LOG_LEVEL="WARNING"
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        if args.redis:
            from layan.testing.redis import start_redis

            redis, redis_url = start_redis(folder, free_port())
            processes.append(redis)
            env["LAYAN_REDIS_URL"] = redis_url
            first_server, first_port = start_serve(env)
            desk_server, desk_port = start_serve(env)
            processes += [first_server, desk_server]
            visitor_ports = [first_port, desk_port]
            pids = [first_server.pid, desk_server.pid]
        else:
            server, desk_port = start_serve(env)
            processes.append(server)
            visitor_ports = [desk_port]
            pids = [server.pid]
        figures = asyncio.run(run(args, visitor_ports, desk_port, cookie, pids))
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(10)
    print(json.dumps({"database": vendor, "processes": 2 if args.redis else 1, **figures}))


if __name__ == "__main__":
    main()
