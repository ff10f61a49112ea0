"""Calling the WhatsApp Cloud API (Graph API): messages, read receipts, templates.

Meta's errors (`{"error": {"code": 131047, "message": ..., "error_data": {"details": ...}}}`)
become DeliveryErrors saying what the agent can do; 429, 5xx and Meta's throttling codes are
retried by the delivery gate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from layan.channels.whatsapp.config import WhatsAppConfig
from layan.channels.whatsapp.parse import REASONS
from layan.inboxes import providers
from layan.inboxes.registry import DeliveryError

# Throttling and temporary failures Meta reports with HTTP 400: sent again later.
RETRYABLE = {4, 80007, 130429, 131000, 131016, 131048, 131056, 133004}
MAX_TEXT = 4096


def call(
    config: WhatsAppConfig,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    files: list[providers.Upload] | None = None,
) -> dict[str, Any]:
    if not config.access_token or not config.phone_number_id:
        raise DeliveryError(
            "the inbox has no access token or phone number id", permanent=True, reason="credentials"
        )
    reply = providers.call(
        method, config.url(path), body=body, headers=config.headers(), files=files
    )
    if reply.ok:
        return reply.data
    given = reply.data.get("error")
    error: dict[str, Any] = given if isinstance(given, dict) else {}
    code = int(error.get("code") or 0)
    details = (error.get("error_data") or {}).get("details") or ""
    detail = f"WhatsApp ({code}) {error.get('message', '')} {details}".strip()[:500]
    if code in RETRYABLE:
        raise DeliveryError(detail, reason="rate_limited" if code != 131000 else "unavailable")
    if reply.status == 401 or code == 190:
        raise DeliveryError(detail, permanent=True, reason="credentials")
    raise DeliveryError(detail, permanent=True, reason=REASONS.get(code, "rejected"))


def send_text(config: WhatsAppConfig, *, to: str, text: str) -> str:
    data = call(
        config,
        "POST",
        f"{config.phone_number_id}/messages",
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "text",
            "text": {"preview_url": False, "body": text[:MAX_TEXT]},
        },
    )
    return sent_id(data)


def sent_id(data: dict[str, Any]) -> str:
    """The id Meta gave a message it accepted (its status reports name it)."""
    messages = data.get("messages") if isinstance(data.get("messages"), list) else []
    return str(messages[0].get("id", "")) if messages and isinstance(messages[0], dict) else ""


def mark_read(config: WhatsAppConfig, *, message_id: str) -> None:
    call(
        config,
        "POST",
        f"{config.phone_number_id}/messages",
        {"messaging_product": "whatsapp", "status": "read", "message_id": message_id},
    )


def fetch_media(config: WhatsAppConfig, *, media_id: str, limit: int) -> tuple[bytes, str]:
    """A file a customer sent: its id gives a short-lived URL (asked afresh on every try, so an
    expired one is never reused), downloaded with the access token."""
    try:
        found = call(config, "GET", media_id)
    except DeliveryError as error:
        if error.permanent:
            raise ValueError(str(error)) from None
        raise
    if not found.get("url"):
        raise ValueError("WhatsApp gave no media URL")
    if int(found.get("file_size") or 0) > limit:
        raise ValueError(f"the file is {found['file_size']} bytes, more than {limit}")
    try:
        content, kind = providers.fetch(
            str(found["url"]), max_bytes=limit, headers=config.headers()
        )
    except DeliveryError as error:
        # The link expires within minutes: the next try asks for a new one.
        raise DeliveryError(f"{error} (the media link may have expired)") from None
    return content, str(found.get("mime_type") or kind)


PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")


@dataclass(frozen=True)
class Template:
    """An approved message template: what it says, and how many {{n}} values it takes."""

    name: str
    language: str
    body: str
    parameters: int

    @property
    def numbers(self) -> list[int]:
        return list(range(1, self.parameters + 1))

    def render(self, values: list[str]) -> str:
        return PLACEHOLDER.sub(
            lambda match: values[int(match[1]) - 1] if int(match[1]) <= len(values) else "",
            self.body,
        )


def templates(config: WhatsAppConfig) -> list[Template]:
    """The business account's approved templates (GET /{waba-id}/message_templates)."""
    if not config.business_account_id:
        raise DeliveryError("no WhatsApp Business Account ID", permanent=True, reason="credentials")
    data = call(
        config,
        "GET",
        f"{config.business_account_id}/message_templates"
        "?fields=name,language,status,components&limit=100",
    )
    found = []
    for item in data.get("data") or []:
        if not isinstance(item, dict) or item.get("status") != "APPROVED":
            continue
        body = next(
            (
                str(part.get("text", ""))
                for part in item.get("components") or []
                if isinstance(part, dict) and part.get("type") == "BODY"
            ),
            "",
        )
        numbers = {int(number) for number in PLACEHOLDER.findall(body)}
        found.append(
            Template(
                name=str(item.get("name", "")),
                language=str(item.get("language", "")),
                body=body,
                parameters=max(numbers, default=0),
            )
        )
    return sorted(found, key=lambda template: (template.name, template.language))


def send_template(
    config: WhatsAppConfig, *, to: str, name: str, language: str, values: list[str]
) -> str:
    """A template message: the only kind Meta delivers outside the 24-hour window."""
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if values:
        template["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": value} for value in values]}
        ]
    data = call(
        config,
        "POST",
        f"{config.phone_number_id}/messages",
        {"messaging_product": "whatsapp", "to": to, "type": "template", "template": template},
    )
    return sent_id(data)


# What WhatsApp shows inline, by type, and at most how large; anything else goes as a document.
MEDIA_KINDS = {
    "image/jpeg": ("image", 5 * 1024 * 1024),
    "image/png": ("image", 5 * 1024 * 1024),
    "video/mp4": ("video", 16 * 1024 * 1024),
    "video/3gpp": ("video", 16 * 1024 * 1024),
    "audio/aac": ("audio", 16 * 1024 * 1024),
    "audio/mp4": ("audio", 16 * 1024 * 1024),
    "audio/mpeg": ("audio", 16 * 1024 * 1024),
    "audio/amr": ("audio", 16 * 1024 * 1024),
    "audio/ogg": ("audio", 16 * 1024 * 1024),
}


def send_file(
    config: WhatsAppConfig, *, to: str, filename: str, content_type: str, content: bytes
) -> str:
    """One file of a reply: uploaded (POST /{phone-number-id}/media), then sent by its id."""
    kind, limit = MEDIA_KINDS.get(content_type, ("document", 100 * 1024 * 1024))
    if len(content) > limit:
        kind = "document"
    uploaded = call(
        config,
        "POST",
        f"{config.phone_number_id}/media",
        {"messaging_product": "whatsapp", "type": content_type},
        files=[providers.Upload("file", filename, content_type, content)],
    )
    media: dict[str, Any] = {"id": str(uploaded.get("id", ""))}
    if kind == "document":
        media["filename"] = filename
    data = call(
        config,
        "POST",
        f"{config.phone_number_id}/messages",
        {"messaging_product": "whatsapp", "to": to, "type": kind, kind: media},
    )
    return sent_id(data)
