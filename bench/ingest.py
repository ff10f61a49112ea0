"""Email ingest benchmark: N generated emails through the full inbound path.

    .venv/bin/python bench/ingest.py [--size 2000] [--batch 25] [--database URL]

Each email is stored raw, parsed, its customer resolved, threaded and saved, exactly as the IMAP
poller and `layan email ingest` do it: in batches of 25 (one IMAP fetch), or one by one with
`--batch 1` (as the SMTP receiver gets them). Mixed en/id/zh; 30% are replies (with
In-Reply-To) to an earlier email. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from common import bench_workspace, setup_django

SUBJECTS = {
    "en": ["Where is my order?", "Refund request", "Wrong size delivered", "Invoice please"],
    "id": ["Pesanan belum sampai", "Minta refund", "Ongkir ke Surabaya", "Barang rusak"],
    "zh-hans": ["订单还没到", "退款多久到账", "尺码发错了", "需要发票"],
}
BODIES = {
    "en": "Hello, I ordered last week and the parcel has not arrived yet. Could you check the tracking number for me? Thanks.",
    "id": "Halo kak, pesanan saya dari minggu lalu belum sampai. Tolong dicek nomor resinya ya. Terima kasih.",
    "zh-hans": "您好，我上周下的订单到现在还没收到，麻烦帮我查一下物流单号，谢谢。",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--database", default="")
    args = parser.parse_args()

    setup_django(args.database)
    from django.db import connection

    from layan.conversations.inbound import inbound_ingest, inbound_ingest_many
    from layan.conversations.models import Conversation, Message
    from layan.inboxes.compose import customer_email

    _workspace, inbox = bench_workspace()

    rng = random.Random(20261122)
    languages = list(SUBJECTS)
    sent: list[tuple[str, str, str]] = []  # (message id, sender, subject)
    payloads = []
    for number in range(args.size):
        if sent and rng.random() < 0.3:
            earlier_id, sender, subject = rng.choice(sent)
            payload = customer_email(
                sender=sender, to=inbox.address, subject=f"Re: {subject}",
                text="Any news?\n\nOn Mon, someone wrote:\n> earlier", in_reply_to=f"<{earlier_id}>",
                message_id=f"<bench-{number}@example.com>",
            )  # fmt: skip
        else:
            language = languages[number % 3]
            sender = f"Customer {number} <customer{number % 700}@example.com>"
            subject = f"{rng.choice(SUBJECTS[language])} #{number}"
            payload = customer_email(
                sender=sender, to=inbox.address, subject=subject, text=BODIES[language],
                message_id=f"<bench-{number}@example.com>",
            )  # fmt: skip
            sent.append((f"bench-{number}@example.com", sender, subject))
        payloads.append(payload)

    timings = []
    started = time.perf_counter()
    for start in range(0, len(payloads), args.batch):
        batch = payloads[start : start + args.batch]
        began = time.perf_counter()
        results = (
            inbound_ingest_many(inbox=inbox, payloads=batch, source="bench")
            if args.batch > 1
            else [inbound_ingest(inbox=inbox, payload=batch[0], source="bench")]
        )
        timings.append((time.perf_counter() - began) * 1000)
        assert all(result.status == "ok" for result in results), results
    seconds = time.perf_counter() - started
    ordered = sorted(timings)
    result = {
        "database": connection.vendor,
        "emails": args.size,
        "batch": args.batch,
        "conversations": Conversation.objects.count(),
        "messages": Message.objects.count(),
        "seconds": round(seconds, 2),
        "emails_per_second": round(args.size / seconds, 1),
        # Per batch: how long the emails of one IMAP fetch wait to be in the desk.
        "batch_p50_ms": round(statistics.median(timings), 2),
        "batch_p95_ms": round(ordered[int(0.95 * len(ordered))], 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
