"""Agent inbox benchmark: N conversations (10 messages each), then the inbox list and a
conversation page with 50 messages, fetched over HTTP from `layan serve` (its own process).

    .venv/bin/python bench/inbox.py [--size 100000] [--requests 200] [--database URL]

Rows are bulk-inserted (this measures reading, not writing). The last line printed is one JSON
object with the figures, including the number of SQL queries each page ran.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import time
import urllib.request

from common import bench_workspace, setup_django, start_serve


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", default="")
    args = parser.parse_args()

    folder = setup_django(args.database)
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from layan.accounts.models import User
    from layan.conversations.models import Conversation, Message, Tag, WorkspaceCounter
    from layan.customers.models import Customer, Identity

    workspace, inbox = bench_workspace()
    agents = [
        User.objects.create_user(
            f"agent{n}@bench.example", "bench-password", workspace=workspace, name=f"Agent {n}"
        )
        for n in range(10)
    ]
    tags = [Tag.objects.create(workspace=workspace, name=f"tag{n}") for n in range(20)]
    rng = random.Random(20261122)
    now = timezone.now()
    started = time.perf_counter()
    customers = Customer.objects.bulk_create(
        [Customer(workspace=workspace, name=f"Customer {n}") for n in range(args.size // 4)],
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
    languages = ["en", "id", "zh-hans"]
    tag_links = []
    batch: list[Conversation] = []
    for number in range(1, args.size + 1):
        at = now - dt.timedelta(minutes=args.size - number)
        status = rng.choice(statuses)
        batch.append(
            Conversation(
                workspace=workspace, number=number, subject=f"Order question {number}",
                subject_key=f"order question {number}", inbox=inbox,
                customer=customers[number % len(customers)], status=status,
                assignee=rng.choice([*agents, None]), language=languages[number % 3],
                reply_token=f"{number:016d}", message_count=10, preview="Where is my parcel?",
                created_at=at, last_activity_at=at,
                waiting_since=at if status in ("new", "open") else None,
            )
        )  # fmt: skip
        if len(batch) == 2000 or number == args.size:
            created = Conversation.objects.bulk_create(batch)
            messages = [
                Message(
                    conversation=c, inbox=inbox, direction="in" if i % 2 == 0 else "out",
                    author_kind="customer" if i % 2 == 0 else "agent",
                    text=f"Message {i} of conversation {c.number}: where is my parcel? " * 3,
                    created_at=c.created_at + dt.timedelta(seconds=i),
                )
                for c in created
                for i in range(10)
            ]  # fmt: skip
            Message.objects.bulk_create(messages, batch_size=5000)
            tag_links += [
                Conversation.tags.through(conversation_id=c.pk, tag_id=rng.choice(tags).pk)
                for c in created
                if rng.random() < 0.3
            ]
            batch = []
    Conversation.tags.through.objects.bulk_create(tag_links, batch_size=5000)
    WorkspaceCounter.objects.create(workspace=workspace, last_conversation_number=args.size)
    # One conversation with 50 messages: the page the target names.
    long = Conversation.objects.get(workspace=workspace, number=args.size // 2)
    Message.objects.bulk_create(
        [
            Message(conversation=long, inbox=inbox, direction="in", author_kind="customer",
                    text=f"Follow-up {i}: any news on the delivery?", created_at=now)
            for i in range(40)
        ]
    )  # fmt: skip
    load_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    session = SessionStore()
    agent = agents[0]
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.save()
    # The server runs as its own process, as in production (`layan serve`, one worker).
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAYAN_")}
    env.update(
        LAYAN_VAR_DIR=str(folder), LAYAN_DATABASE_URL=args.database, LAYAN_LOG_LEVEL="WARNING"
    )
    server, port = start_serve(env)
    base = f"http://127.0.0.1:{port}"
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    def fetch(path: str) -> float:
        request = urllib.request.Request(base + path, headers={"Cookie": cookie})
        began = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            assert response.status == 200
        return (time.perf_counter() - began) * 1000

    pages = {
        "list_all_open": "/desk/conversations/?view=open",
        "list_mine": "/desk/conversations/?view=mine",
        "list_tag_filter": f"/desk/conversations/?view=all&tag={tags[3].pk}",
        "list_oldest_waiting": "/desk/conversations/?view=open&sort=waiting",
        "view_counts": "/desk/conversations/counts/?view=open",
        "conversation_50_messages": f"/desk/conversations/{long.number}/",
    }
    figures: dict[str, object] = {
        "database": connection.vendor,
        "conversations": args.size,
        "messages": Message.objects.count(),
        "load_seconds": round(load_seconds, 1),
    }
    from django.test import Client

    client = Client()
    client.force_login(agent)
    for name, path in pages.items():
        with CaptureQueriesContext(connection) as queries:
            client.get(path, HTTP_HOST="127.0.0.1")
        for _ in range(10):
            fetch(path)  # warm up: first requests compile templates and fill caches
        timings = sorted(fetch(path) for _ in range(args.requests))
        figures[name] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(0.95 * len(timings))], 1),
            "queries": len(queries),
        }
    server.terminate()
    server.wait(10)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
