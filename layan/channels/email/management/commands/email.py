"""`layan email ingest|smtpd|poll`: the email channel's command-line entry points.

- `ingest [--inbox ADDRESS] FILE…` (or stdin): one line per file, `ok <number>`,
  `duplicate <number>`, `stored <id>, not processed: <reason>` (kept, retried, shown to admins)
  or `failed <reason>` (not stored). A mail transfer agent pipes each message into it and reads
  only the exit status (sysexits.h): 0 every message is in Layan; 75 try again later (the
  database is busy or down: nothing was lost, nothing stored twice when it retries); 65 an
  empty or unreadable message, 66 a file that cannot be read, 67 no inbox for its recipients.
- `smtpd [--host H] [--port P]`: receive mail over SMTP for every active email inbox.
- `poll`: poll every IMAP inbox once (the worker does this on a timer).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, OperationalError

from layan.channels.email.imap import inbox_poll
from layan.channels.email.parse import parse_email
from layan.channels.email.smtpd import serve_forever
from layan.conversations.inbound import inbound_ingest_many
from layan.inboxes.models import Inbox
from layan.inboxes.selectors import inbox_for_address

# Files stored and received per transaction.
BATCH = 50

# sysexits.h: what a mail transfer agent understands.
EX_OK, EX_DATAERR, EX_NOINPUT, EX_NOUSER, EX_TEMPFAIL = 0, 65, 66, 67, 75


class Command(BaseCommand):
    help = "Email channel: ingest files, run the SMTP receiver, or poll IMAP mailboxes."
    # Django's system checks ask the database about JSON support; while another process
    # holds SQLite's write lock that probe fails, and a mail piped in would bounce with a
    # bogus "SQLite does not support JSONFields" (exit 1). `layan run` checks at start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="Ingest .eml files (or stdin) as inbound mail.")
        ingest.add_argument("--inbox", help="The inbox's address (default: from the recipients).")
        ingest.add_argument("files", nargs="*", help="Files to read; none or '-' reads stdin.")
        smtpd = sub.add_parser("smtpd", help="Receive mail over SMTP.")
        smtpd.add_argument("--host", default="127.0.0.1")
        smtpd.add_argument("--port", type=int, default=2525)
        sub.add_parser("poll", help="Poll every IMAP inbox once.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "ingest":
            try:
                status = self._ingest(options.get("inbox"), options["files"])
            except (OperationalError, DatabaseError) as error:
                # Busy past the timeout or down: the transfer agent keeps the message and
                # tries again; a payload stored before the failure is found again by its hash.
                self.stderr.write(f"database unavailable, try again later: {error}")
                status = EX_TEMPFAIL
            if status != EX_OK:
                raise SystemExit(status)
        elif action == "smtpd":
            self.stdout.write(
                f"SMTP receiver on {options['host']}:{options['port']} (Ctrl+C stops)"
            )
            serve_forever(host=options["host"], port=options["port"])
        elif action == "poll":
            for inbox in Inbox.objects.filter(kind=Inbox.Kind.EMAIL, is_active=True):
                if inbox.config.get("imap_host"):
                    result = inbox_poll(inbox_id=inbox.pk)
                    line = f"error {result.error}" if result.error else f"{result.stored} stored"
                    self.stdout.write(f"{inbox.address}: {line}")

    def _ingest(self, address: str | None, files: list[str]) -> int:
        """Ingest the files; the exit status (the worst one: try-again first)."""

        fixed: Inbox | None = None
        if address:
            fixed = inbox_for_address(address=address)
            if fixed is None:
                raise CommandError(
                    f"No active email inbox has the address {address}.", returncode=EX_NOUSER
                )
        elif not Inbox.objects.filter(kind=Inbox.Kind.EMAIL, is_active=True).exists():
            raise CommandError(
                "There is no active email inbox: create one first.", returncode=EX_NOUSER
            )
        # Consecutive files for one inbox go in batches (one transaction each), as an IMAP
        # fetch does; the lines still come out in the order of the files.
        pending: list[bytes] = []
        pending_inbox: Inbox | None = None
        statuses: list[int] = []

        def flush() -> None:
            if pending and pending_inbox is not None:
                for result in inbound_ingest_many(
                    inbox=pending_inbox, payloads=pending, source="file"
                ):
                    if result.status in {"ok", "duplicate", "ignored"}:
                        self.stdout.write(result.line())
                    else:
                        # Stored all the same: kept, retried, and shown to admins.
                        self.stdout.write(f"stored {result.raw_id}, not processed: {result.reason}")
                    statuses.append(EX_OK)
            pending.clear()

        def refuse(line: str, status: int) -> None:
            flush()
            self.stdout.write(line)
            statuses.append(status)

        for name in files or ["-"]:
            try:
                payload = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            except OSError as error:
                refuse(f"failed {name}: {error.strerror or error}", EX_NOINPUT)
                continue
            if not payload.strip():
                refuse(f"failed {name}: the message is empty", EX_DATAERR)
                continue
            inbox = fixed or self._inbox_from_recipients(payload, parse_email, inbox_for_address)
            if inbox is None:
                refuse("failed no recipient is an inbox address (use --inbox)", EX_NOUSER)
                continue
            if pending_inbox is None or inbox.pk != pending_inbox.pk or len(pending) >= BATCH:
                flush()
                pending_inbox = inbox
            pending.append(payload)
        flush()
        return max(statuses, key=lambda status: (status == EX_TEMPFAIL, status), default=EX_OK)

    @staticmethod
    def _inbox_from_recipients(payload: bytes, parse: Any, find: Any) -> Inbox | None:
        inbox: Inbox | None
        try:
            recipients = parse(payload).recipients
        except Exception:
            recipients = []
        for recipient in recipients:
            inbox = find(address=recipient)
            if inbox is not None:
                return inbox
        # One email inbox only: mail for it needs no address (imports, forwarded copies).
        inboxes = list(Inbox.objects.filter(kind=Inbox.Kind.EMAIL, is_active=True)[:2])
        return inboxes[0] if len(inboxes) == 1 else None
