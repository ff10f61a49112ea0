"""The desk under concurrent clients: `layan serve` with several processes, each kind of
request hit by several kept-alive connections at once, as a team of agents and the shop's
customers use it.

    .venv/bin/python bench/desk.py [--size 10000] [--connections 4] [--workers 2]
                                   [--seconds 10] [--rounds 3] [--database URL]

`--size` conversations with 1-6 messages each (70% English, 15% Indonesian, 15% Chinese; some
mention a voucher, "kupon" or 优惠券 only in their messages), bulk-inserted. Then, in each round,
each kind of request for `--seconds` from `--connections` clients: the inbox list (50 rows),
one conversation page (a different one each time), desk search in the three languages, a
conversation created from the help center's contact form, and one created by an agent from
the desk. Counted: requests per second, p50/p95 latency, errors (any 5xx or unexpected status,
and failed connections); sampled: every server process's memory (RSS) and the database
connections held (PostgreSQL: `pg_stat_activity`; SQLite: open handles on the file). The
figures of each kind are the median over the rounds. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import statistics
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from common import bench_workspace, children, rss_mb, setup_django, start_serve

TEXTS = {
    "en": [
        "Where is my parcel? It was supposed to arrive yesterday.",
        "Can I change the size of my order before it ships?",
        "The colour is different from the photo, I want to return it.",
        "How do I use my voucher at checkout? The code is not accepted.",
        "Payment went through twice, please refund one.",
    ],
    "id": [
        "Paket saya belum sampai, padahal katanya kemarin.",
        "Bisa ganti ukuran sebelum dikirim?",
        "Warnanya beda dengan foto, saya mau retur.",
        "Kupon saya tidak bisa dipakai waktu bayar, kenapa ya?",
        "Pembayaran terpotong dua kali, tolong dikembalikan satu.",
    ],
    "zh-hans": [
        "我的包裹还没到，说好昨天送达的。",
        "发货前可以换尺码吗？",
        "颜色和图片不一样，我想退货。",
        "结账时优惠券用不了，提示无效。",
        "付款扣了两次，请退还一笔。",
    ],
}
SUBJECTS = {"en": "Order question", "id": "Pertanyaan pesanan", "zh-hans": "订单问题"}
SEARCHES = {"search_en": "voucher", "search_id": "kupon", "search_zh": "优惠券"}


def seed(size: int) -> dict[str, Any]:
    """The workspace, agents and `size` conversations; returns what the clients need."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.utils import timezone

    from layan.accounts.models import User
    from layan.conversations.models import Conversation, Message, WorkspaceCounter
    from layan.customers.models import Customer, Identity
    from layan.inboxes.services import inbox_create

    workspace, inbox = bench_workspace()
    inbox_create(workspace=workspace, kind="webform", name="Contact form")
    agents = [
        User.objects.create_user(
            f"agent{n}@bench.example", "bench-password", workspace=workspace, name=f"Agent {n}"
        )
        for n in range(10)
    ]
    rng = random.Random(20261208)
    now = timezone.now()
    customers = Customer.objects.bulk_create(
        [Customer(workspace=workspace, name=f"Customer {n}") for n in range(max(1, size // 3))],
        batch_size=2000,
    )
    Identity.objects.bulk_create(
        [
            Identity(workspace=workspace, customer=c, kind="email", address=f"c{c.pk}@example.com")
            for c in customers
        ],
        batch_size=2000,
    )
    statuses = ["new", "open", "open", "pending", "solved", "solved", "closed"]
    batch: list[tuple[Conversation, int]] = []
    messages_total = 0
    for number in range(1, size + 1):
        draw = rng.random()
        language = "en" if draw < 0.7 else "id" if draw < 0.85 else "zh-hans"
        at = now - dt.timedelta(minutes=size - number)
        status = rng.choice(statuses)
        count = rng.randint(1, 6)
        conversation = Conversation(
            workspace=workspace, number=number, inbox=inbox,
            subject=f"{SUBJECTS[language]} {number}", subject_key=f"order {number}",
            customer=customers[number % len(customers)], status=status,
            assignee=rng.choice([*agents, None]), language=language,
            reply_token=f"{number:016d}", message_count=count,
            preview=TEXTS[language][0][:60], created_at=at, last_activity_at=at,
            waiting_since=at if status in ("new", "open") else None,
        )  # fmt: skip
        batch.append((conversation, count))
        if len(batch) == 2000 or number == size:
            created = Conversation.objects.bulk_create([c for c, _n in batch])
            rows = [
                Message(
                    conversation=c, inbox=inbox, direction="in" if i % 2 == 0 else "out",
                    author_kind="customer" if i % 2 == 0 else "agent",
                    text=rng.choice(TEXTS[c.language]), created_at=c.created_at + dt.timedelta(seconds=i),
                )
                for c, (_c, count) in zip(created, batch, strict=True)
                for i in range(count)
            ]  # fmt: skip
            Message.objects.bulk_create(rows, batch_size=5000)
            messages_total += len(rows)
            batch = []
    WorkspaceCounter.objects.create(workspace=workspace, last_conversation_number=size)
    # The words of every message for the desk's search, as the worker reads them (skipped
    # when measuring a version of Layan from before the text index).
    began = time.perf_counter()
    try:
        from layan.conversations.textsearch import text_index_pass
    except ImportError:
        index_seconds = None
    else:
        while text_index_pass(limit=2000):
            pass
        index_seconds = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    sessions = []
    for agent in agents[:4]:
        session = SessionStore()
        session[SESSION_KEY] = str(agent.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
        session.save()
        sessions.append(session.session_key)
    return {
        "sessions": sessions,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "inbox_id": inbox.pk,
        "messages": messages_total,
        "index_seconds": None if index_seconds is None else round(index_seconds, 1),
        "vendor": connection.vendor,
    }


class Client:
    """One kept-alive connection with an agent's session and a CSRF token."""

    def __init__(self, port: int, cookie_name: str, session: str) -> None:
        self.port = port
        self.csrf = secrets.token_hex(16)  # 32 characters: Django takes it unmasked
        self.cookie = f"{cookie_name}={session}; csrftoken={self.csrf}"
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, form: dict[str, str] | None = None) -> int:
        headers = {"Cookie": self.cookie, "Host": f"127.0.0.1:{self.port}"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.csrf})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 0
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status


def requests_of(size: int, inbox_id: int) -> dict[str, Any]:
    """Each kind of request: a function of (client, rng) returning (status, expected)."""

    def inbox_list(client: Client, rng: random.Random) -> tuple[int, set[int]]:
        return client.call("GET", "/desk/conversations/?view=all"), {200}

    def conversation(client: Client, rng: random.Random) -> tuple[int, set[int]]:
        return client.call("GET", f"/desk/conversations/{rng.randint(1, size)}/"), {200}

    def search(word: str) -> Any:
        query = urllib.parse.quote(word)
        return lambda client, rng: (
            client.call("GET", f"/desk/conversations/?view=all&q={query}"),
            {200},
        )

    def create_public(client: Client, rng: random.Random) -> tuple[int, set[int]]:
        n = rng.randrange(10**9)
        form = {
            "name": f"Pembeli {n}", "email": f"pembeli{n}@example.com",
            "subject": "Paket belum sampai", "message": TEXTS["id"][n % 5],
            "form_id": secrets.token_hex(8),
        }  # fmt: skip
        return client.call("POST", "/contact/send/", form), {302}

    def create_agent(client: Client, rng: random.Random) -> tuple[int, set[int]]:
        n = rng.randrange(10**9)
        form = {
            "inbox": str(inbox_id), "kind": "email", "address": f"walkin{n}@example.com",
            "name": f"Walk-in {n}", "subject": "Came to the shop", "text": TEXTS["en"][n % 5],
            "send": "log",
        }  # fmt: skip
        return client.call("POST", "/desk/conversations/new/", form), {302}

    return {
        "inbox_list": inbox_list,
        "conversation": conversation,
        **{name: search(word) for name, word in SEARCHES.items()},
        "create_public_form": create_public,
        "create_by_agent": create_agent,
    }


class Sampler(threading.Thread):
    """Every 0.2 s: each server process's RSS and the database connections held."""

    def __init__(self, server_pid: int, database: str, sqlite_file: Path) -> None:
        super().__init__(daemon=True)
        self.server_pid = server_pid
        self.database = database
        self.sqlite_file = sqlite_file
        self.peak_rss: dict[int, float] = {}
        self.peak_connections = 0
        self.refused = 0
        self.running = True

    def connections(self, pids: list[int]) -> int:
        if self.database:
            import psycopg

            try:
                with psycopg.connect(self.database) as db:
                    row = db.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid()"
                    ).fetchone()
            except psycopg.OperationalError:
                self.refused += 1  # the server had no slot left even for this count
                return 0
            return int(row[0]) if row else 0
        held = 0
        for pid in pids:
            try:
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    try:
                        if os.readlink(fd) == str(self.sqlite_file):
                            held += 1
                    except OSError:
                        pass
            except OSError:
                pass
        return held

    def run(self) -> None:
        while self.running:
            pids = children(self.server_pid) or [self.server_pid]
            for pid in pids:
                self.peak_rss[pid] = max(self.peak_rss.get(pid, 0.0), rss_mb(pid))
            self.peak_connections = max(self.peak_connections, self.connections(pids))
            time.sleep(0.2)


def run_kind(
    port: int, seed_info: dict[str, Any], request: Any, connections: int, seconds: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client_loop(index: int) -> None:
        sessions = seed_info["sessions"]
        client = Client(port, seed_info["session_cookie"], sessions[index % len(sessions)])
        rng = random.Random(index * 7919 + int(time.monotonic() * 1000))
        mine: list[float] = []
        failed: dict[str, int] = {}
        while time.monotonic() < deadline:
            began = time.perf_counter()
            status, expected = request(client, rng)
            took = (time.perf_counter() - began) * 1000
            if status in expected:
                mine.append(took)
            else:
                failed[str(status)] = failed.get(str(status), 0) + 1
        client.connection.close()
        with lock:
            latencies.extend(mine)
            for key, count in failed.items():
                errors[key] = errors.get(key, 0) + count

    started = time.perf_counter()
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(latencies[int(0.95 * len(latencies))], 1) if latencies else None,
        "errors": sum(errors.values()),
        "error_statuses": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 60.0)
    args.rounds = max(1, min(args.rounds, 5))

    folder = setup_django(args.database)
    started = time.perf_counter()
    info = seed(args.size)
    load_seconds = time.perf_counter() - started
    from django.db import connections

    connections.close_all()

    # The server gets this environment: the bench's database and folder, and any setting under
    # test (e.g. LAYAN_DATABASE_CONN_MAX_AGE) given to the bench.
    env = dict(os.environ)
    server, port = start_serve(env, workers=args.workers)
    sampler = Sampler(server.pid, args.database, folder / "layan.sqlite3")
    sampler.start()
    kinds = requests_of(args.size, info["inbox_id"])
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in kinds}
    try:
        for request in kinds.values():  # warm up: templates, caches, the bot's model
            run_kind(port, info, request, args.connections, 1.0)
        for _round in range(args.rounds):
            for name, request in kinds.items():
                rounds[name].append(run_kind(port, info, request, args.connections, args.seconds))
    finally:
        sampler.running = False
        sampler.join(5)
        server.terminate()
        server.wait(20)

    def median_of(runs: list[dict[str, Any]], key: str) -> Any:
        values = [run[key] for run in runs if run[key] is not None]
        return round(statistics.median(values), 1) if values else None

    figures = {
        name: {
            "requests_per_second": median_of(runs, "requests_per_second"),
            "p50_ms": median_of(runs, "p50_ms"),
            "p95_ms": median_of(runs, "p95_ms"),
            "errors": sum(run["errors"] for run in runs),
            "per_round_rps": [run["requests_per_second"] for run in runs],
            "error_statuses": {
                status: sum(run["error_statuses"].get(status, 0) for run in runs)
                for status in sorted({s for run in runs for s in run["error_statuses"]})
            },
        }
        for name, runs in rounds.items()
    }
    print(
        json.dumps(
            {
                "database": info["vendor"],
                "conversations": args.size,
                "messages": info["messages"],
                "load_seconds": round(load_seconds, 1),
                "text_index_seconds": info["index_seconds"],
                "workers": args.workers,
                "connections": args.connections,
                "seconds": args.seconds,
                "rounds": args.rounds,
                "requests": figures,
                "errors": sum(kind["errors"] for kind in figures.values()),
                "server_peak_rss_mb": sorted(round(mb, 1) for mb in sampler.peak_rss.values()),
                "peak_database_connections": sampler.peak_connections,
                "samples_refused_a_connection": sampler.refused,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
