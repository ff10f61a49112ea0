"""WhatsApp Cloud API webhooks into InboundMessages.

A webhook call may carry several messages and status reports (`entry[].changes[].value`). The
view splits it into one event each (`split`), written as canonical JSON so that Meta's retry
of the same call gives the same bytes (one stored row), and each is parsed on its own
(`parse_event`, pure). Reference: developers.facebook.com/docs/whatsapp/cloud-api/webhooks.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from layan.inboxes.payloads import MAX_TEXT, json_object
from layan.inboxes.types import DeliveryStatus, InboundMessage

MEDIA = {
    "image": "image.jpg",
    "document": "document",
    "audio": "audio.ogg",
    "video": "video.mp4",
    "sticker": "sticker.webp",
}
STATES = {"sent": "sent", "delivered": "delivered", "read": "read", "failed": "failed"}
# Meta's error codes on a failed status (and on a refused send) -> what the agent should know.
REASONS = {
    131047: "window_closed",
    131026: "invalid_recipient",
    131021: "invalid_recipient",
    131050: "blocked",
    190: "credentials",
    131053: "media",
    131052: "media",
    131051: "rejected",
}


def split(payload: bytes) -> list[bytes]:
    """One event per message or status in a webhook call; ValueError when it is not one."""
    body = json_object(payload, what="a WhatsApp webhook")
    if body.get("object") != "whatsapp_business_account" or not isinstance(body.get("entry"), list):
        raise ValueError("not a WhatsApp Business Account webhook")
    events = []
    for entry in body["entry"]:
        for change in entry.get("changes") or [] if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                continue
            number = (value.get("metadata") or {}).get("phone_number_id", "")
            contacts = {
                str(contact.get("wa_id")): contact
                for contact in value.get("contacts") or []
                if isinstance(contact, dict)
            }
            for message in value.get("messages") or []:
                if isinstance(message, dict):
                    contact = contacts.get(str(message.get("from")), {})
                    events.append({"number": number, "contact": contact, "message": message})
            for status in value.get("statuses") or []:
                if isinstance(status, dict):
                    events.append({"number": number, "status": status})
    return [json.dumps(event, sort_keys=True, ensure_ascii=False).encode() for event in events]


def parse_event(payload: bytes) -> InboundMessage:
    event = json_object(payload, what="a WhatsApp event")
    if isinstance(event.get("status"), dict):
        return _status(event["status"])
    message = event.get("message")
    if not isinstance(message, dict):
        raise ValueError("a WhatsApp event needs a message or a status")
    sender, message_id = message.get("from"), message.get("id")
    if not isinstance(sender, str) or not sender.isdigit() or not isinstance(message_id, str):
        raise ValueError("a WhatsApp message needs its sender's number and an id")
    kind = str(message.get("type", ""))
    headers: dict[str, Any] = {"wa_id": sender, "type": kind}
    text = _content(kind, message, headers)
    if kind == "reaction":
        reaction = message.get("reaction") or {}
        headers["reaction_to"] = str(reaction.get("message_id", ""))
        if not reaction.get("emoji"):
            return _ignored(message_id, "a reaction taken back")
    if not text and "media" not in headers:
        return _ignored(message_id, f"a WhatsApp {kind or 'unknown'} message Layan cannot show")
    context = message.get("context")
    references = [str(context["id"])] if isinstance(context, dict) and context.get("id") else []
    profile = (event.get("contact") or {}).get("profile") or {}
    sent = str(message.get("timestamp", ""))
    return InboundMessage(
        external_id=message_id[:255],
        identity_kind="whatsapp",
        sender_address=f"+{sender}",
        sender_name=str(profile.get("name", ""))[:160],
        text=text,
        full_text=text,
        references=references,
        headers=headers,
        sent_at=dt.datetime.fromtimestamp(int(sent), tz=dt.UTC) if sent.isdigit() else None,
        continues_latest=True,
    )


def _content(kind: str, message: dict[str, Any], headers: dict[str, Any]) -> str:
    """The text an agent reads, and what else the message carries (into `headers`)."""
    found = message.get(kind)
    part: dict[str, Any] = found if isinstance(found, dict) else {}
    if kind == "text":
        return _text(part.get("body"))
    if kind in MEDIA and isinstance(part.get("id"), str):
        headers["media"] = [
            {
                "kind": kind,
                "file_id": part["id"][:200],
                "name": str(part.get("filename") or MEDIA[kind])[:255],
                "type": str(part.get("mime_type", ""))[:120],
                "size": 0,
            }
        ]
        return _text(part.get("caption"))
    if kind == "location":
        headers["location"] = part
        place = " — ".join(str(part[key]) for key in ("name", "address") if part.get(key))
        return f"📍 {part.get('latitude')}, {part.get('longitude')}" + (
            f" ({place})" if place else ""
        )
    if kind == "contacts":
        given = message.get("contacts")
        cards: list[Any] = given if isinstance(given, list) else []
        headers["contacts"] = cards[:10]
        lines = []
        for card in cards[:10]:
            name = (
                ((card.get("name") or {}).get("formatted_name", ""))
                if isinstance(card, dict)
                else ""
            )
            phones = (
                ", ".join(
                    str(phone.get("phone", ""))
                    for phone in (card.get("phones") or [])
                    if isinstance(phone, dict)
                )
                if isinstance(card, dict)
                else ""
            )
            lines.append(f"👤 {name} {phones}".strip())
        return "\n".join(lines)
    if kind == "interactive":
        reply = part.get("button_reply") or part.get("list_reply") or {}
        headers["choice"] = str(reply.get("id", ""))[:200]
        return _text(reply.get("title"))
    if kind == "button":  # a quick-reply button of a template
        headers["choice"] = str(part.get("payload", ""))[:200]
        return _text(part.get("text"))
    if kind == "reaction":
        return _text(part.get("emoji"))
    return ""


def _status(status: dict[str, Any]) -> InboundMessage:
    message_id, state = status.get("id"), STATES.get(str(status.get("status")))
    if not isinstance(message_id, str) or state is None:
        raise ValueError("a WhatsApp status needs an id and a known status")
    given = status.get("errors")
    errors: list[Any] = given if isinstance(given, list) else []
    error: dict[str, Any] = errors[0] if errors and isinstance(errors[0], dict) else {}
    details = (error.get("error_data") or {}).get("details") or error.get("message") or ""
    detail = f"({error.get('code')}) {error.get('title', '')} {details}".strip() if error else ""
    return InboundMessage(
        external_id=f"status:{message_id}:{state}",
        identity_kind="whatsapp",
        sender_address="",
        status=DeliveryStatus(
            external_id=message_id,
            state=state,
            reason=REASONS.get(int(error.get("code") or 0), "rejected") if error else "",
            detail=detail[:500],
        ),
    )


def _ignored(message_id: str, why: str) -> InboundMessage:
    return InboundMessage(
        external_id=message_id, identity_kind="whatsapp", sender_address="", ignored=why
    )


def _text(value: Any) -> str:
    return value.strip()[:MAX_TEXT] if isinstance(value, str) else ""
