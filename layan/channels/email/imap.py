"""IMAP polling: fetch new mail, store it, then mark it (seen, or moved) — in that order.

A message is flagged or moved only after its bytes are committed, so a crash or a dropped
connection at any point loses nothing: the next poll fetches it again, and the digest and
Message-ID checks make the second copy a no-op.
"""

from __future__ import annotations

import datetime as dt
import logging
import ssl
from dataclasses import dataclass

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from imapclient import IMAPClient

from layan.conversations.inbound import inbound_process_many, inbound_store_many
from layan.inboxes.mail import EmailConfig
from layan.inboxes.models import Inbox
from layan.inboxes.services import inbox_schedule_poll

logger = logging.getLogger(__name__)

BATCH = 25


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0
    failed: int = 0
    error: str = ""


def connect(config: EmailConfig) -> IMAPClient:
    context = ssl.create_default_context()
    client = IMAPClient(
        config.imap_host,
        port=config.imap_port,
        ssl=config.imap_security == "ssl",
        ssl_context=context if config.imap_security == "ssl" else None,
        timeout=30,
    )
    if config.imap_security == "starttls":
        client.starttls(context)
    client.login(config.imap_username, config.imap_password)
    return client


def inbox_poll(*, inbox_id: int) -> PollResult:
    """Poll one inbox once. Connection errors are recorded on the inbox, never raised."""
    inbox = Inbox.objects.select_related("workspace").get(pk=inbox_id)
    config = EmailConfig.from_dict(inbox.config)
    result = PollResult()
    if not config.imap_host or not inbox.is_active:
        return result
    try:
        client = connect(config)
        try:
            client.select_folder(config.imap_folder)
            criteria = ["ALL"] if config.imap_processed_folder else ["UNSEEN"]
            uids = client.search(criteria)
            for start in range(0, len(uids), BATCH):
                batch = uids[start : start + BATCH]
                fetched = client.fetch(batch, ["BODY.PEEK[]"])
                done = []
                payloads = []
                for uid in batch:
                    payload = fetched.get(uid, {}).get(b"BODY[]")
                    if isinstance(payload, bytes):
                        done.append(uid)
                        payloads.append(payload)
                result.fetched += len(payloads)
                # Stored (committed) before anything else, then processed as one batch.
                raws = inbound_store_many(inbox=inbox, payloads=payloads, source="imap")
                result.stored += len(raws)
                outcomes = inbound_process_many(raws=raws)
                result.failed += sum(outcome.status == "failed" for outcome in outcomes)
                if not done:
                    continue
                if config.imap_processed_folder:
                    client.move(done, config.imap_processed_folder)
                else:
                    client.add_flags(done, [b"\\Seen"])
        finally:
            try:
                client.logout()
            except Exception:
                logger.debug("IMAP logout failed", exc_info=True)
    except Exception as error:
        # Server down, bad password, dropped connection: recorded, and the next poll retries.
        result.error = f"{type(error).__name__}: {error}"
        logger.warning("IMAP poll of inbox %s failed: %s", inbox.pk, result.error)
    Inbox.objects.filter(pk=inbox.pk).update(
        last_poll_at=timezone.now(), last_poll_error=result.error[:2000]
    )
    return result


@task()
def imap_poll_task(*, inbox_id: int) -> int:
    """Fetch new mail from one inbox's IMAP mailbox; returns how many messages were stored."""
    return inbox_poll(inbox_id=inbox_id).stored


def inbox_poll_due(inbox_id: int) -> None:
    """Timer handler: schedule the next poll first (a crashed poll must not stop polling)."""
    inbox = Inbox.objects.get(pk=inbox_id)
    seconds = int(inbox.config.get("poll_seconds", 60))
    inbox_schedule_poll(inbox=inbox, delay=dt.timedelta(seconds=seconds))
    transaction.on_commit(lambda: imap_poll_task.enqueue(inbox_id=inbox_id))
