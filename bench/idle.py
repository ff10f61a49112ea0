"""IMAP IDLE benchmark: how long after a mail reaches the mailbox it is a conversation.

    .venv/bin/python bench/idle.py [--size 30] [--gap 0.5]

A private Dovecot on loopback (as the tests start it: `make test` installs dovecot-imapd), an
email inbox with "Fetch new mail as it arrives" and the scheduled check an hour away, one IDLE
watcher. `--size` mails are appended one at a time, `--gap` seconds apart; each is timed from
the end of its APPEND to its conversation in the database. The last line printed is one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from common import bench_workspace, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=30)
    parser.add_argument("--gap", type=float, default=0.5)
    args = parser.parse_args()

    setup_django()
    from layan.channels.email.idle import Watcher
    from layan.conversations.models import Conversation
    from layan.inboxes import services as inbox_services
    from layan.testing.mail import INBOX_ADDRESS, customer_email
    from layan.testing.mailserver import PASSWORD, Dovecot

    directory = Path(tempfile.mkdtemp(prefix="layan-bench-dovecot-"))
    directory.chmod(0o755)
    dovecot = Dovecot(directory, [INBOX_ADDRESS])
    dovecot.start()
    watcher = None
    try:
        workspace, _mail = bench_workspace()
        inbox = inbox_services.inbox_create(
            workspace=workspace, kind="email", name="Pushed", address="pushed@bench.example",
            config={
                "imap_host": "127.0.0.1", "imap_port": dovecot.port, "imap_security": "none",
                "imap_username": INBOX_ADDRESS, "imap_password": PASSWORD, "imap_idle": True,
                "poll_seconds": 3600,
            },
        )  # fmt: skip
        watcher = Watcher(inbox.pk)
        watcher.start()
        deadline = time.monotonic() + 30
        while watcher.state != "waiting" and time.monotonic() < deadline:
            time.sleep(0.05)
        delays: list[float] = []
        missed = 0
        for number in range(args.size):
            subject = f"Pushed mail {number}"
            dovecot.append(
                INBOX_ADDRESS,
                customer_email(subject=subject, message_id=f"<idle-{number}@example.com>"),
            )
            appended = time.perf_counter()
            while not Conversation.objects.filter(inbox=inbox, subject=subject).exists():
                if time.perf_counter() - appended > 30:
                    missed += 1
                    break
                time.sleep(0.005)
            else:
                delays.append((time.perf_counter() - appended) * 1000)
            time.sleep(args.gap)
    finally:
        if watcher is not None:
            watcher.stop()
        dovecot.stop()
        shutil.rmtree(directory, ignore_errors=True)
    delays.sort()
    print(
        json.dumps(
            {
                "mails": args.size,
                "stored": len(delays),
                "missed": missed,
                "delay_p50_ms": round(statistics.median(delays), 1) if delays else None,
                "delay_max_ms": round(delays[-1], 1) if delays else None,
            }
        )
    )


if __name__ == "__main__":
    main()
