"""Instagram webhooks (Meta's Messenger Platform for Instagram, and the comments field) into
InboundMessages.

One call may carry several events (`entry[].messaging[]`, `entry[].changes[]`): the view splits
them (`split`) into canonical JSON, so Meta's retries are the same bytes, and each is parsed on
its own (`parse_event`, pure). A direct message continues the customer's conversation (read by
the part Instagram shares with Messenger, `inboxes.meta`); a comment on a post opens a
conversation of its own, marked public (`headers["comment_id"]`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from layan.inboxes import meta
from layan.inboxes.payloads import json_object
from layan.inboxes.types import InboundMessage

PRODUCT = meta.Product(
    kind="instagram", name="Instagram", webhook_object="instagram", prefix="ig", id_header="igsid",
    profile_fields="name,username",
)  # fmt: skip


def split(payload: bytes) -> list[bytes]:
    return meta.split(payload, PRODUCT)


def parse_event(payload: bytes) -> InboundMessage:
    event = json_object(payload, what="an Instagram event")
    if "account" not in event:
        raise ValueError("not an Instagram event (a webhook call that could not be split?)")
    if isinstance(event.get("messaging"), dict):
        return meta.messaging_event(
            event["messaging"], account=str(event.get("account", "")), product=PRODUCT
        )
    if event.get("field") == "comments" and isinstance(event.get("value"), dict):
        return _comment(event["value"])
    digest = hashlib.sha256(payload).hexdigest()[:32]
    return meta.ignored(PRODUCT, f"ig-event:{digest}", f"an Instagram {event.get('field')} change")


def _comment(value: dict[str, Any]) -> InboundMessage:
    comment_id = str(value.get("id", ""))
    given = value.get("from")
    author: dict[str, Any] = given if isinstance(given, dict) else {}
    sender = str(author.get("id", ""))
    if not comment_id or not sender:
        raise ValueError("an Instagram comment needs its id and its author")
    found = value.get("media")
    media: dict[str, Any] = found if isinstance(found, dict) else {}
    username = str(author.get("username", ""))
    return meta.comment(
        PRODUCT,
        comment_id=comment_id,
        sender=sender,
        name=username,
        text=str(value.get("text") or ""),
        extra={"media_id": str(media.get("id", "")), "username": username[:64]},
    )
