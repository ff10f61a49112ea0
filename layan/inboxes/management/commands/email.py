"""`layan email ingest|smtpd|poll`: the email channel's command-line entry points.

- `ingest [--inbox ADDRESS] FILE…` (or stdin): one line per file, `ok <number>`,
  `duplicate <number>` or `failed <reason>`; exits 0 unless it could not run at all.
- `smtpd [--host H] [--port P]`: receive mail over SMTP for every active email inbox.
- `poll`: poll every IMAP inbox once (the worker does this on a timer).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from layan.inboxes.models import Inbox

# Files stored and received per transaction.
BATCH = 50


class Command(BaseCommand):
    help = "Email channel: ingest files, run the SMTP receiver, or poll IMAP mailboxes."

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
            self._ingest(options.get("inbox"), options["files"])
        elif action == "smtpd":
            from layan.inboxes.email.smtpd import serve_forever

            self.stdout.write(
                f"SMTP receiver on {options['host']}:{options['port']} (Ctrl+C stops)"
            )
            serve_forever(host=options["host"], port=options["port"])
        elif action == "poll":
            from layan.inboxes.email.imap import inbox_poll

            for inbox in Inbox.objects.filter(kind=Inbox.Kind.EMAIL, is_active=True):
                if inbox.config.get("imap_host"):
                    result = inbox_poll(inbox_id=inbox.pk)
                    status = f"error {result.error}" if result.error else f"{result.stored} stored"
                    self.stdout.write(f"{inbox.address}: {status}")

    def _ingest(self, address: str | None, files: list[str]) -> None:
        from layan.inboxes.email.parse import parse_email
        from layan.inboxes.services import inbound_ingest_many, inbox_for_address

        fixed: Inbox | None = None
        if address:
            fixed = inbox_for_address(address=address)
            if fixed is None:
                raise CommandError(f"No active email inbox has the address {address}.")
        elif not Inbox.objects.filter(kind=Inbox.Kind.EMAIL, is_active=True).exists():
            raise CommandError("There is no active email inbox: create one first.")
        # Consecutive files for one inbox go in batches (one transaction each), as an IMAP
        # fetch does; the lines still come out in the order of the files.
        pending: list[bytes] = []
        pending_inbox: Inbox | None = None

        def flush() -> None:
            if pending and pending_inbox is not None:
                for result in inbound_ingest_many(
                    inbox=pending_inbox, payloads=pending, source="file"
                ):
                    self.stdout.write(result.line())
            pending.clear()

        for name in files or ["-"]:
            try:
                payload = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            except OSError as error:
                flush()
                self.stdout.write(f"failed {name}: {error.strerror or error}")
                continue
            inbox = fixed or self._inbox_from_recipients(payload, parse_email, inbox_for_address)
            if inbox is None:
                flush()
                self.stdout.write("failed no recipient is an inbox address (use --inbox)")
                continue
            if pending_inbox is None or inbox.pk != pending_inbox.pk or len(pending) >= BATCH:
                flush()
                pending_inbox = inbox
            pending.append(payload)
        flush()

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
