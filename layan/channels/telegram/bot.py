"""Talking to the Bot API: sending replies, connecting the webhook, fetching files.

Errors as Telegram documents them (`{"ok": false, "error_code": 403, "description": "Forbidden:
bot was blocked by the user"}`) become DeliveryErrors saying what the agent can do; 429 and 5xx
are retried by the delivery gate (inboxes.providers), honouring `parameters.retry_after`.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from layan.channels.telegram.config import TelegramConfig, webhook_secret
from layan.channels.telegram.parse import external_id
from layan.inboxes import providers
from layan.inboxes.registry import DeliveryError

# Telegram's limit for one text message.
MAX_MESSAGE = 4096


def api(
    config: TelegramConfig,
    method: str,
    body: dict[str, Any],
    files: list[providers.Upload] | None = None,
) -> Any:
    """Call one Bot API method; its `result`, or DeliveryError saying what went wrong."""
    if not config.bot_token:
        raise DeliveryError("no bot token", permanent=True, reason="credentials")
    reply = providers.call("POST", config.method_url(method), body=body, files=files)
    if reply.ok and reply.data.get("ok"):
        return reply.data.get("result")
    description = str(reply.data.get("description") or reply.data)[:300]
    code = reply.data.get("error_code") or reply.status
    detail = f"Telegram {method}: {code} {description}"
    if code in (401, 404) and "chat" not in description.lower():
        raise DeliveryError(detail, permanent=True, reason="credentials")
    if code == 403:
        raise DeliveryError(detail, permanent=True, reason="blocked")
    if "chat not found" in description.lower() or "user not found" in description.lower():
        raise DeliveryError(detail, permanent=True, reason="invalid_recipient")
    raise DeliveryError(detail, permanent=True, reason="rejected")


def chunks(text: str) -> list[str]:
    """A long reply in parts Telegram accepts, cut at line ends where it can be."""
    parts = []
    while len(text) > MAX_MESSAGE:
        cut = text.rfind("\n", 0, MAX_MESSAGE)
        cut = cut if cut > MAX_MESSAGE // 2 else MAX_MESSAGE
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*parts, text] if text else parts


def send_text(config: TelegramConfig, *, chat_id: int, text: str) -> str:
    """Send a reply (in parts when long); the external id of its first part."""
    first = ""
    for part in chunks(text):
        result = api(config, "sendMessage", {"chat_id": chat_id, "text": part})
        sent = external_id(chat_id, result.get("message_id") if isinstance(result, dict) else "")
        first = first or sent
    return first


# Sent as a photo (shown inline, compressed by Telegram); anything else as a document.
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
MAX_PHOTO = 10 * 1024 * 1024


def send_file(
    config: TelegramConfig, *, chat_id: int, filename: str, content_type: str, content: bytes
) -> str:
    """One file of a reply (sendPhoto or sendDocument, uploaded as multipart/form-data)."""
    photo = content_type in PHOTO_TYPES and len(content) <= MAX_PHOTO
    method, field = ("sendPhoto", "photo") if photo else ("sendDocument", "document")
    result = api(
        config,
        method,
        {"chat_id": chat_id},
        files=[providers.Upload(field, filename, content_type, content)],
    )
    return external_id(chat_id, result.get("message_id") if isinstance(result, dict) else "")


def connect(config: TelegramConfig, *, inbox_id: int, base_url: str) -> dict[str, Any]:
    """Check the token (getMe) and point the bot's webhook at this inbox (setWebhook)."""
    me = api(config, "getMe", {})
    url = base_url.rstrip("/") + reverse("telegram_webhook", args=[inbox_id])
    api(
        config,
        "setWebhook",
        {
            "url": url,
            "secret_token": webhook_secret(inbox_id),
            "allowed_updates": ["message", "edited_message", "my_chat_member"],
        },
    )
    return {"username": str(me.get("username", "")) if isinstance(me, dict) else "", "url": url}


def fetch_file(config: TelegramConfig, *, file_id: str, limit: int) -> tuple[bytes, str]:
    """A file a customer sent: getFile names its path, then it is downloaded (the Bot API
    serves files up to 20 MB)."""
    try:
        found = api(config, "getFile", {"file_id": file_id})
    except DeliveryError as error:
        if error.permanent:
            raise ValueError(str(error)) from None
        raise
    if not isinstance(found, dict) or not found.get("file_path"):
        raise ValueError("Telegram gave no file path")
    if int(found.get("file_size") or 0) > limit:
        raise ValueError(f"the file is {found['file_size']} bytes, more than {limit}")
    try:
        return providers.fetch(config.file_url(str(found["file_path"])), max_bytes=limit)
    except DeliveryError as error:
        if error.permanent:
            raise ValueError(str(error)) from None
        raise
