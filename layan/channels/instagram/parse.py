"""Instagram webhooks (Meta's Messenger Platform for Instagram, and the comments field) into
InboundMessages.

One call may carry several events (`entry[].messaging[]`, `entry[].changes[]`): the view splits
them (`split`) into canonical JSON, so Meta's retries are the same bytes, and each is parsed on
its own (`parse_event`, pure). A direct message continues the customer's conversation; a
comment on a post opens a conversation of its own, marked public (`headers["comment_id"]`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from layan.inboxes.payloads import MAX_TEXT, json_object
from layan.inboxes.types import DeliveryStatus, InboundMessage

MEDIA = {"image": "image.jpg", "video": "video.mp4", "audio": "audio.mp4", "file": "file"}


def split(payload: bytes) -> list[bytes]:
    body = json_object(payload, what="an Instagram webhook")
    if body.get("object") != "instagram" or not isinstance(body.get("entry"), list):
        raise ValueError("not an Instagram webhook")
    events: list[dict[str, Any]] = []
    for entry in body["entry"]:
        if not isinstance(entry, dict):
            continue
        account = str(entry.get("id", ""))
        for item in entry.get("messaging") or []:
            if isinstance(item, dict):
                events.append({"account": account, "messaging": item})
        for change in entry.get("changes") or []:
            if isinstance(change, dict) and isinstance(change.get("value"), dict):
                events.append({"account": account, "field": change.get("field"), **change})
    return [json.dumps(event, sort_keys=True, ensure_ascii=False).encode() for event in events]


def parse_event(payload: bytes) -> InboundMessage:
    event = json_object(payload, what="an Instagram event")
    if "account" not in event:
        raise ValueError("not an Instagram event (a webhook call that could not be split?)")
    if isinstance(event.get("messaging"), dict):
        return _messaging(event["messaging"], account=str(event.get("account", "")))
    if event.get("field") == "comments" and isinstance(event.get("value"), dict):
        return _comment(event["value"])
    digest = hashlib.sha256(payload).hexdigest()[:32]
    return _ignored(f"ig-event:{digest}", f"an Instagram {event.get('field')} change")


def _messaging(item: dict[str, Any], *, account: str) -> InboundMessage:
    sender = str((item.get("sender") or {}).get("id", ""))
    message = item.get("message")
    if isinstance(item.get("read"), dict):
        mid = str(item["read"].get("mid", ""))
        if not mid:
            return _ignored(f"ig-read:{sender}:{item.get('timestamp')}", "a read report")
        return InboundMessage(
            external_id=f"ig-read:{mid}",
            identity_kind="instagram",
            sender_address="",
            status=DeliveryStatus(external_id=mid, state="read"),
        )
    if isinstance(item.get("reaction"), dict):
        reaction = item["reaction"]
        emoji = str(reaction.get("emoji") or "")
        mid = str(reaction.get("mid", ""))
        if reaction.get("action") == "unreact" or not emoji:
            return _ignored(f"ig-reaction:{mid}:{sender}", "a reaction taken back")
        return _message(
            external_id=f"ig-reaction:{mid}:{sender}:{emoji}",
            sender=sender,
            text=emoji,
            headers={"reaction_to": mid},
            timestamp=item.get("timestamp"),
        )
    if not isinstance(message, dict) or not sender:
        return _ignored(f"ig:{sender}:{item.get('timestamp')}", "an Instagram event, not a message")
    mid = str(message.get("mid", ""))
    if not mid:
        raise ValueError("an Instagram message needs an id (mid)")
    if message.get("is_echo") or sender == account:
        return _ignored(mid, "sent by the shop's own account")
    if message.get("is_deleted"):
        return _ignored(mid, "a message the customer deleted")
    headers: dict[str, Any] = {"igsid": sender}
    media = []
    for index, attachment in enumerate(message.get("attachments") or []):
        if not isinstance(attachment, dict):
            continue
        kind = str(attachment.get("type", ""))
        url = (attachment.get("payload") or {}).get("url")
        if kind == "story_mention":
            headers["story_mention"] = str(url or "")
        if isinstance(url, str) and url:
            media.append(
                {
                    "kind": kind,
                    "url": url[:2000],
                    "file_id": f"{mid}:{index}",
                    "name": MEDIA.get(kind, "story.jpg" if kind == "story_mention" else "file"),
                    "type": "",
                    "size": 0,
                }
            )
    if media:
        headers["media"] = media
    given = message.get("reply_to")
    reply_to: dict[str, Any] = given if isinstance(given, dict) else {}
    if isinstance(reply_to.get("story"), dict):
        headers["story_reply"] = str(reply_to["story"].get("url", ""))
    text = str(message["text"]) if isinstance(message.get("text"), str) else ""
    if not text and not media and "story_mention" not in headers:
        return _ignored(mid, "an Instagram message Layan cannot show")
    return _message(
        external_id=mid,
        sender=sender,
        text=text,
        headers=headers,
        timestamp=item.get("timestamp"),
        references=[str(reply_to["mid"])] if reply_to.get("mid") else [],
    )


def _comment(value: dict[str, Any]) -> InboundMessage:
    comment_id = str(value.get("id", ""))
    given = value.get("from")
    author: dict[str, Any] = given if isinstance(given, dict) else {}
    sender = str(author.get("id", ""))
    if not comment_id or not sender:
        raise ValueError("an Instagram comment needs its id and its author")
    text = str(value.get("text") or "").strip()[:MAX_TEXT]
    found = value.get("media")
    media: dict[str, Any] = found if isinstance(found, dict) else {}
    return InboundMessage(
        external_id=f"igc:{comment_id}",
        identity_kind="instagram",
        sender_address=sender,
        sender_name=str(author.get("username", ""))[:160],
        subject=text[:80],
        text=text,
        full_text=text,
        headers={
            "igsid": sender,
            "comment_id": comment_id,
            "media_id": str(media.get("id", "")),
            "username": str(author.get("username", ""))[:64],
        },
        # A comment is public and about one post: a conversation of its own.
        continues_latest=False,
    )


def _message(
    *,
    external_id: str,
    sender: str,
    text: str,
    headers: dict[str, Any],
    timestamp: Any,
    references: list[str] | None = None,
) -> InboundMessage:
    text = text.strip()[:MAX_TEXT]
    return InboundMessage(
        external_id=external_id[:255],
        identity_kind="instagram",
        sender_address=sender,
        text=text,
        full_text=text,
        headers=headers,
        references=references or [],
        sent_at=dt.datetime.fromtimestamp(int(timestamp) / 1000, tz=dt.UTC)
        if isinstance(timestamp, int)
        else None,
        continues_latest=True,
    )


def _ignored(external_id: str, why: str) -> InboundMessage:
    return InboundMessage(
        external_id=external_id[:255], identity_kind="instagram", sender_address="", ignored=why
    )
