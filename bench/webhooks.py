"""WhatsApp webhook burst: many signed webhook calls at once against `layan serve`, absorbed by
a `layan worker` beside it, as a shop's number receives them on a busy day.

    .venv/bin/python bench/webhooks.py [--size 20000] [--concurrency 8] [--workers 2]
                                       [--database URL]

With `--backlog` the worker starts only once the burst is stored, so the processing rate is
the worker's alone (its start-up, about a second, included).

`--size` webhook calls, signed as Meta signs them, from `--concurrency` clients with kept-alive
connections: 60% a new customer's first message, 25% a known customer's next message, 10%
delivery and read reports on replies already sent, and 5% an exact repeat of an earlier call
(Meta retries). Timed: each call's response (the webhook stores and answers; the worker
processes), and the time until every event is processed. Checked: every message stored once,
none lost, none twice; every report applied. Reported with the server and worker processes'
memory. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from common import bench_workspace, children, free_port, rss_mb, setup_django

SECRET = "bench-app-secret"
NUMBER_ID = "106540352242922"
REPLIED = 500  # conversations with a reply already sent, for the status reports


def envelope(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "6281200001111",
                                "phone_number_id": NUMBER_ID,
                            },
                            **value,
                        },
                    }
                ],
            }
        ],
    }


def message_call(index: int, wa_id: str, text: str) -> dict[str, Any]:
    return envelope(
        {
            "contacts": [{"profile": {"name": f"Pelanggan {wa_id[-5:]}"}, "wa_id": wa_id}],
            "messages": [
                {
                    "from": wa_id,
                    "id": f"wamid.bench.{index}",
                    "timestamp": str(1_765_000_000 + index),
                    "type": "text",
                    "text": {"body": text},
                }
            ],
        }
    )


def status_call(reply: int, state: str) -> dict[str, Any]:
    return envelope(
        {
            "statuses": [
                {
                    "id": f"wamid.out.{reply}",
                    "status": state,
                    "timestamp": "1765000100",
                    "recipient_id": f"62811{reply:07d}",
                }
            ]
        }
    )


def plan(size: int, rng: random.Random) -> tuple[list[bytes], int, int]:
    """The calls in order, how many distinct messages they carry, and how many reports."""
    calls: list[bytes] = []
    customers: list[str] = [f"62811{reply:07d}" for reply in range(REPLIED)]
    messages = reports = 0
    for index in range(size):
        roll = rng.random()
        if roll < 0.05 and calls:
            calls.append(rng.choice(calls))  # Meta's retry: the same bytes again
            continue
        if roll < 0.15:
            state = "delivered" if rng.random() < 0.6 else "read"
            calls.append(json.dumps(status_call(rng.randrange(REPLIED), state)).encode())
            reports += 1
            continue
        if roll < 0.40:
            wa_id = rng.choice(customers)
            text = "Kak, ada kabar pesanan saya?"
        else:
            wa_id = f"62812{index:07d}"
            customers.append(wa_id)
            text = "Halo, saya mau tanya ongkir ke Surabaya"
        calls.append(json.dumps(message_call(index, wa_id, text)).encode())
        messages += 1
    return calls, messages, reports


def client(
    port: int, inbox_id: int, calls: list[bytes], latencies: list[float], errors: list[str]
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    path = f"/hooks/whatsapp/{inbox_id}/"
    for body in calls:
        signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        started = time.perf_counter()
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
            )
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"HTTP {response.status}")
        except (OSError, http.client.HTTPException) as error:
            errors.append(type(error).__name__)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append((time.perf_counter() - started) * 1000)
    connection.close()


def prepare() -> int:
    """A workspace with a WhatsApp inbox and REPLIED conversations, each with a reply sent (the
    customers' first messages through the real inbound path)."""
    from django_tasks_db.models import DBTaskResult

    from layan.accounts.models import User
    from layan.conversations.inbound import inbound_ingest_many
    from layan.conversations.models import Message
    from layan.conversations.services import reply_send
    from layan.inboxes.services import inbox_create

    workspace, _mail = bench_workspace()
    inbox = inbox_create(
        workspace=workspace,
        kind="whatsapp",
        name="WhatsApp",
        address="+6281200001111",
        config={
            "phone_number_id": NUMBER_ID,
            "business_account_id": "102290129340398",
            "access_token": "bench-token",
            "app_secret": SECRET,
            "verify_token": "bench",
        },
    )
    agent = User.objects.create_user(
        "agent@bench.example", "bench-password", workspace=workspace, name="Agen"
    )
    events = [
        json.dumps(
            {
                "number": NUMBER_ID,
                "contact": {"profile": {"name": "Pelanggan"}, "wa_id": f"62811{reply:07d}"},
                "message": {
                    "from": f"62811{reply:07d}",
                    "id": f"wamid.in.{reply}",
                    "timestamp": "1765000000",
                    "type": "text",
                    "text": {"body": "Halo"},
                },
            }
        ).encode()
        for reply in range(REPLIED)
    ]
    for result in inbound_ingest_many(inbox=inbox, payloads=events, source="bench"):
        assert result.status == "ok", result
        message = reply_send(
            conversation=result.message.conversation,  # type: ignore[union-attr]
            agent=agent,
            text="Halo juga",
        )
        reply = int(result.message.external_id.rsplit(".", 1)[1])  # type: ignore[union-attr]
        Message.objects.filter(pk=message.pk).update(
            delivery=Message.Delivery.SENT, external_id=f"wamid.out.{reply}"
        )
    DBTaskResult.objects.all().delete()  # the replies' deliveries: not part of the burst
    return inbox.pk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default="")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "--backlog",
        action="store_true",
        help="start the worker only after the burst: times processing alone",
    )
    args = parser.parse_args()

    folder = setup_django(args.database)
    inbox_id = prepare()
    from django.db import connection

    from layan.conversations.models import Message
    from layan.inboxes.models import InboundRaw

    connection.close()
    calls, distinct_messages, reports = plan(args.size, random.Random(7))
    env = dict(os.environ)
    layan = str(Path(sys.executable).parent / "layan")
    port = free_port()
    log = open(folder / "processes.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [layan, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    start_worker = lambda: subprocess.Popen(  # noqa: E731
        [layan, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    worker = None if args.backlog else start_worker()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/api/v1/health")
                probe.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        latencies: list[float] = []
        errors: list[str] = []
        shares = [calls[start :: args.concurrency] for start in range(args.concurrency)]
        threads = [
            threading.Thread(target=client, args=(port, inbox_id, share, latencies, errors))
            for share in shares
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sent_seconds = time.perf_counter() - started
        if worker is None:
            worker = start_worker()
            started = time.perf_counter()
        memory = {
            "server_mb": [round(rss_mb(pid), 1) for pid in children(server.pid)],
            "worker_mb": round(rss_mb(worker.pid), 1),
        }
        waiting = -1
        while time.perf_counter() - started < args.timeout:
            waiting = InboundRaw.objects.filter(
                inbox_id=inbox_id,
                status__in=[InboundRaw.Status.QUEUED, InboundRaw.Status.PENDING],
            ).count()
            if waiting == 0:
                break
            time.sleep(0.2)
        done_seconds = time.perf_counter() - started
        memory["worker_mb_after"] = round(rss_mb(worker.pid), 1)
    finally:
        server.terminate()
        server.wait(20)
        if worker is not None:
            worker.terminate()
            worker.wait(20)
    inbound = Message.objects.filter(inbox_id=inbox_id, direction=Message.Direction.INBOUND)
    stored = inbound.filter(external_id__startswith="wamid.bench.").count()
    distinct_ids = inbound.values("external_id").distinct().count()
    failed = InboundRaw.objects.filter(inbox_id=inbox_id, status=InboundRaw.Status.FAILED).count()
    reported = Message.objects.filter(
        inbox_id=inbox_id, delivery__in=[Message.Delivery.DELIVERED, Message.Delivery.READ]
    ).count()
    latencies.sort()
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "workers": args.workers,
                "concurrency": args.concurrency,
                "webhooks": args.size,
                "errors": len(errors),
                "error_kinds": sorted(set(errors))[:5],
                "webhook_p50_ms": round(statistics.median(latencies), 2),
                "webhook_p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))], 2),
                "webhook_max_ms": round(latencies[-1], 1),
                "webhooks_per_second": round(args.size / sent_seconds, 1),
                "messages": distinct_messages,
                "messages_stored": stored,
                "lost": distinct_messages - stored,
                "duplicated": inbound.count() - distinct_ids,
                "reports": reports,
                "messages_with_a_report": reported,
                "failed_events": failed,
                "still_waiting": waiting,
                "worker_started_after_the_burst": args.backlog,
                "seconds_to_process_all": round(done_seconds, 1),
                "messages_per_second_processed": round(distinct_messages / done_seconds, 1),
                "memory": memory,
            }
        )
    )


if __name__ == "__main__":
    main()
