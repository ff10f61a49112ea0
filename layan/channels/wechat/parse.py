"""WeChat Official Account pushes (接收普通消息 / 接收事件推送): XML into InboundMessages.

Pure: no database, no network. The webhook stores the message as WeChat sent it (decrypted,
in the encrypted mode), so WeChat's retries of the same push are the same bytes.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from layan.inboxes.payloads import MAX_TEXT
from layan.inboxes.types import InboundMessage

MAX_XML = 64 * 1024
MEDIA = {
    "image": "image.jpg",
    "voice": "voice.amr",
    "video": "video.mp4",
    "shortvideo": "video.mp4",
}


def fields(payload: bytes) -> dict[str, str]:
    """The children of a WeChat XML message, by tag; ValueError when it is not one."""
    if len(payload) > MAX_XML:
        raise ValueError("a WeChat message is never this large")
    if b"<!DOCTYPE" in payload or b"<!ENTITY" in payload:
        raise ValueError("a WeChat message has no document type or entities")
    try:
        root = ET.fromstring(payload)  # noqa: S314 (checked above: no DTD, no entities)
    except ET.ParseError as error:
        raise ValueError(f"not XML: {error}") from None
    if root.tag != "xml":
        raise ValueError("not a WeChat message")
    return {child.tag: (child.text or "").strip() for child in root}


def parse_push(payload: bytes) -> InboundMessage:
    data = fields(payload)
    kind, sender = data.get("MsgType", ""), data.get("FromUserName", "")
    if not kind or not sender:
        raise ValueError("a WeChat message needs MsgType and FromUserName")
    headers: dict[str, Any] = {"openid": sender, "type": kind}
    created = data.get("CreateTime", "")
    message_id = data.get("MsgId") or f"{sender}:{created}:{kind}"
    if kind == "event":
        event = data.get("Event", "")
        return _ignored(message_id, f"a WeChat {event or 'unknown'} event, not a message")
    text = ""
    if kind == "text":
        text = data.get("Content", "")
    elif kind in MEDIA and data.get("MediaId"):
        headers["media"] = [
            {
                "kind": kind,
                "file_id": data["MediaId"][:200],
                "name": MEDIA[kind],
                "type": "image/jpeg" if kind == "image" else "",
                "size": 0,
            }
        ]
        # Voice messages come with WeChat's transcription when the account turned it on.
        text = data.get("Recognition", "")
    elif kind == "location":
        headers["location"] = {
            "latitude": data.get("Location_X"),
            "longitude": data.get("Location_Y"),
            "label": data.get("Label", ""),
        }
        label = data.get("Label", "")
        text = f"📍 {data.get('Location_X')}, {data.get('Location_Y')}" + (
            f" ({label})" if label else ""
        )
    elif kind == "link":
        text = "\n".join(part for part in (data.get("Title"), data.get("Url")) if part)
    text = text.strip()[:MAX_TEXT]
    if not text and "media" not in headers:
        return _ignored(message_id, f"a WeChat {kind} message Layan cannot show")
    return InboundMessage(
        external_id=f"wechat:{message_id}"[:255],
        identity_kind="wechat",
        sender_address=sender[:255],
        text=text,
        full_text=text,
        headers=headers,
        sent_at=dt.datetime.fromtimestamp(int(created), tz=dt.UTC) if created.isdigit() else None,
        continues_latest=True,
    )


def _ignored(message_id: str, why: str) -> InboundMessage:
    return InboundMessage(
        external_id=f"wechat:{message_id}"[:255],
        identity_kind="wechat",
        sender_address="",
        ignored=why,
    )
