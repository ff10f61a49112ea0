"""Files a customer sent on a messaging channel, downloaded after the message is stored.

A webhook names the files (Telegram's file_id, WhatsApp's media id) without their bytes; the
channel's parser lists them in `Message.headers["media"]`. The webhook is answered first; then
the `message.created` event (which says `media`) queues `media_fetch_task`, which asks the
channel's adapter for each file (`Adapter.fetch_media`) and keeps it as a private attachment.
Limits: `LAYAN_MAX_ATTACHMENT_MB`, and no programs (types that run when opened). A provider
that cannot be reached is tried again later (up to MAX_ATTEMPTS); each item records its state
("fetched", "refused" with why, or "failed"), so a retry never downloads a file twice.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from layan.conversations.models import Message
from layan.conversations.services import _publish, _save_attachments
from layan.core.events import Event
from layan.core.timers import backoff
from layan.inboxes import registry
from layan.inboxes.types import InboundAttachment

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Files that run when opened are never kept, whatever a sender calls them.
REFUSED_TYPES = {
    "application/x-msdownload",
    "application/x-msdos-program",
    "application/x-executable",
    "application/x-sh",
    "application/x-bat",
    "application/vnd.microsoft.portable-executable",
    "application/java-archive",
}
REFUSED_ENDINGS = (".exe", ".bat", ".cmd", ".com", ".scr", ".msi", ".js", ".jar", ".vbs", ".ps1")


def media_fetch(*, message_id: int) -> str:
    """Download the files a message names; returns "done", "retry" or "nothing"."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("inbox", "conversation")
            .filter(pk=message_id)
            .first()
        )
        if message is None or not message.headers.get("media"):
            return "nothing"
        adapter = registry.adapter_for(message.inbox.kind)
        items: list[dict[str, Any]] = [dict(item) for item in message.headers["media"]]
        retry = False
        for item in items:
            if item.get("state") in {"fetched", "refused", "failed"}:
                continue
            retry |= _fetch_one(adapter, message, item)
        message.headers = {**message.headers, "media": items}
        message.save(update_fields=["headers"])
        _publish("message.updated", message.conversation, message=message.pk)
    if retry:
        attempts = max(int(item.get("attempts", 0)) for item in items)
        run_after = timezone.now() + backoff(attempts)
        transaction.on_commit(
            lambda: media_fetch_task.using(run_after=run_after).enqueue(message_id=message_id)
        )
        return "retry"
    return "done"


def _fetch_one(adapter: registry.Adapter, message: Message, item: dict[str, Any]) -> bool:
    """Fetch one file into an attachment; True when it should be tried again later."""
    limit = settings.MAX_ATTACHMENT_BYTES
    name = str(item.get("name") or "file")
    if str(item.get("type", "")).lower() in REFUSED_TYPES or name.lower().endswith(REFUSED_ENDINGS):
        item.update(state="refused", why="program")
        return False
    if int(item.get("size") or 0) > limit:
        item.update(state="refused", why="too_large")
        return False
    item["attempts"] = int(item.get("attempts", 0)) + 1
    try:
        content, content_type = adapter.fetch_media(inbox=message.inbox, item=item, limit=limit)
    except ValueError as error:  # too large, gone, refused by the provider: trying again won't help
        logger.info("media of message %s not kept: %s", message.pk, error)
        item.update(state="failed", why=str(error)[:300])
        return False
    except registry.DeliveryError as error:
        if item["attempts"] >= MAX_ATTEMPTS:
            item.update(state="failed", why=str(error)[:300])
            return False
        logger.info("media of message %s: %s; trying again later", message.pk, error)
        return True
    content_type = (content_type or item.get("type") or "application/octet-stream").lower()
    if content_type in REFUSED_TYPES:
        item.update(state="refused", why="program")
        return False
    _save_attachments(
        message, [InboundAttachment(filename=name, content_type=content_type, content=content)]
    )
    item.update(state="fetched", size=len(content))
    return False


@task()
def media_fetch_task(*, message_id: int) -> str:
    return media_fetch(message_id=message_id)


def on_message_created(event: Event) -> None:
    """Event handler: a customer's message names files to download."""
    if event.payload.get("media"):
        media_fetch_task.enqueue(message_id=int(event.payload["message"]))
