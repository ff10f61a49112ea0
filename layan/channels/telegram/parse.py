"""Telegram Bot API updates (https://core.telegram.org/bots/api#update) into InboundMessages.

Pure: no database, no network. One update per webhook request; its bytes are stored as they
came. Messages from private chats become messages (continuing the customer's open
conversation); the rest (groups, edits, bots, membership changes) are kept and marked ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from layan.inboxes.payloads import MAX_TEXT, json_object
from layan.inboxes.types import InboundMessage

# Telegram's language_code (IETF tag from the user's app) -> Layan's languages.
LANGUAGES = {"id": "id", "in": "id", "zh": "zh-hans", "en": "en"}
# What a message may carry, and the file name it gets when Telegram gives none.
MEDIA = {
    "photo": "photo.jpg",
    "document": "document",
    "voice": "voice.ogg",
    "audio": "audio.mp3",
    "video": "video.mp4",
    "video_note": "video.mp4",
    "sticker": "sticker.webp",
    "animation": "animation.mp4",
}


def external_id(chat_id: Any, message_id: Any) -> str:
    return f"tg:{chat_id}:{message_id}"


def parse_update(payload: bytes) -> InboundMessage:
    update = json_object(payload, what="a Telegram update")
    if not isinstance(update.get("update_id"), int):
        raise ValueError("a Telegram update needs an update_id")
    message = update.get("message")
    if not isinstance(message, dict):
        kind = next((key for key in update if key != "update_id"), "empty")
        return _ignored(update, f"a Telegram {kind} update, not a message")
    sender = message.get("from")
    chat = message.get("chat")
    if not isinstance(sender, dict) or not isinstance(chat, dict):
        raise ValueError("a Telegram message needs from and chat")
    if chat.get("type") != "private":
        return _ignored(update, "a message in a group or channel")
    if sender.get("is_bot"):
        return _ignored(update, "a message from a bot")
    user_id, chat_id, message_id = sender.get("id"), chat.get("id"), message.get("message_id")
    if not all(isinstance(value, int) for value in (user_id, chat_id, message_id)):
        raise ValueError("a Telegram message needs numeric from.id, chat.id and message_id")
    text = _text(message.get("text") or message.get("caption"))
    headers: dict[str, Any] = {"chat_id": chat_id}
    if sender.get("username"):
        headers["username"] = str(sender["username"])[:64]
    start = text.split(maxsplit=1) if text.startswith("/start") else []
    if start and start[0] == "/start" and len(start) == 2:
        # A deep link (t.me/<bot>?start=<token>): the shop's website signed its customer in.
        headers["start"] = start[1].strip()[:64]
    media = _media(message)
    if media:
        headers["media"] = media
    for key in ("location", "contact"):
        if isinstance(message.get(key), dict):
            headers[key] = message[key]
            text = text or _describe(key, message[key])
    if not text and not media:
        return _ignored(update, "a message with nothing Layan shows (a poll, a game, a dice)")
    reply_to = message.get("reply_to_message")
    references = (
        [external_id(chat_id, reply_to.get("message_id"))] if isinstance(reply_to, dict) else []
    )
    name = " ".join(
        str(part) for part in (sender.get("first_name"), sender.get("last_name")) if part
    )
    sent = message.get("date")
    return InboundMessage(
        external_id=external_id(chat_id, message_id),
        identity_kind="telegram",
        sender_address=str(user_id),
        sender_name=name[:160],
        text=text,
        full_text=text,
        references=references,
        headers=headers,
        sent_at=dt.datetime.fromtimestamp(sent, tz=dt.UTC) if isinstance(sent, int) else None,
        language=LANGUAGES.get(str(sender.get("language_code", ""))[:2].lower(), ""),
        continues_latest=True,
    )


def _ignored(update: dict[str, Any], why: str) -> InboundMessage:
    return InboundMessage(
        external_id=f"tg-update:{update.get('update_id')}",
        identity_kind="telegram",
        sender_address="",
        ignored=why,
    )


def _text(value: Any) -> str:
    return value.strip()[:MAX_TEXT] if isinstance(value, str) else ""


def _media(message: dict[str, Any]) -> list[dict[str, Any]]:
    """What the message carries, to be downloaded by the worker (tasks.media_fetch)."""
    found = []
    for kind, default_name in MEDIA.items():
        item = message.get(kind)
        if kind == "photo" and isinstance(item, list) and item:
            # Sizes of one photo, smallest first: the largest is the photo.
            item = max(
                (size for size in item if isinstance(size, dict)),
                key=lambda size: size.get("file_size") or 0,
                default=None,
            )
        if not isinstance(item, dict) or not isinstance(item.get("file_id"), str):
            continue
        found.append(
            {
                "kind": kind,
                "file_id": item["file_id"][:200],
                "name": str(item.get("file_name") or default_name)[:255],
                "type": str(item.get("mime_type") or ("image/jpeg" if kind == "photo" else ""))[
                    :120
                ],
                "size": item.get("file_size") if isinstance(item.get("file_size"), int) else 0,
            }
        )
    return found


def _describe(key: str, value: dict[str, Any]) -> str:
    if key == "location":
        return f"📍 {value.get('latitude')}, {value.get('longitude')}"
    name = " ".join(str(value.get(part) or "") for part in ("first_name", "last_name")).strip()
    return f"👤 {name} {value.get('phone_number') or ''}".strip()
