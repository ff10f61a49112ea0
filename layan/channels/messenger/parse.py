"""Facebook Page webhooks (Meta's Messenger Platform, and the Page's feed) into InboundMessages.

A call (`"object": "page"`) is split into its events (`inboxes.meta.split`); a direct message,
a reaction or a button the customer pressed continues their conversation (read by the part
Messenger shares with Instagram); a comment on one of the Page's posts opens a conversation of
its own, marked public. The Page's own comments and other feed changes (likes, posts) are kept
as ignored events.
"""

from __future__ import annotations

import hashlib
from typing import Any

from layan.inboxes import meta
from layan.inboxes.payloads import json_object
from layan.inboxes.types import InboundMessage

PRODUCT = meta.Product(
    kind="messenger", name="Messenger", webhook_object="page", prefix="fb", id_header="psid",
    profile_fields="first_name,last_name",
)  # fmt: skip


def split(payload: bytes) -> list[bytes]:
    return meta.split(payload, PRODUCT)


def parse_event(payload: bytes) -> InboundMessage:
    event = json_object(payload, what="a Messenger event")
    if "account" not in event:
        raise ValueError("not a Messenger event (a webhook call that could not be split?)")
    account = str(event.get("account", ""))
    if isinstance(event.get("messaging"), dict):
        return meta.messaging_event(event["messaging"], account=account, product=PRODUCT)
    value = event.get("value")
    if event.get("field") == "feed" and isinstance(value, dict) and value.get("item") == "comment":
        return _comment(value, page=account)
    digest = hashlib.sha256(payload).hexdigest()[:32]
    return meta.ignored(PRODUCT, f"fb-event:{digest}", f"a Page {event.get('field')} change")


def _comment(value: dict[str, Any], *, page: str) -> InboundMessage:
    comment_id = str(value.get("comment_id", ""))
    given = value.get("from")
    author: dict[str, Any] = given if isinstance(given, dict) else {}
    sender = str(author.get("id", ""))
    if not comment_id or not sender:
        raise ValueError("a Page comment needs its id and its author")
    if value.get("verb") != "add":
        return meta.ignored(
            PRODUCT, f"fbc:{comment_id}:{value.get('verb')}", "a comment edited or removed"
        )
    if sender == page:
        return meta.ignored(PRODUCT, f"fbc:{comment_id}", "a comment by the Page itself")
    return meta.comment(
        PRODUCT,
        comment_id=comment_id,
        sender=sender,
        name=str(author.get("name", "")),
        text=str(value.get("message") or ""),
        extra={
            "post_id": str(value.get("post_id", ""))[:100],
            "username": str(author.get("name", ""))[:64],
        },
    )
