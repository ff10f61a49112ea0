"""Reading JSON payloads from web channels (chat frames, forms, later webhooks): plain values
with limits, never trusting a type."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from layan.inboxes.types import InboundAttachment

MAX_TEXT = 5000
SUBJECT_LENGTH = 80


def json_object(payload: bytes, *, what: str) -> dict[str, Any]:
    """The payload as a JSON object, or ValueError naming `what` was expected."""
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not {what}: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"not {what}: expected an object")
    return data


def text_field(data: dict[str, Any], key: str, limit: int) -> str:
    value = data.get(key, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def files_field(data: dict[str, Any]) -> list[InboundAttachment]:
    files = data.get("files") or []
    if not isinstance(files, list):
        raise ValueError("files must be a list")
    attachments = []
    for item in files[:10]:
        if not isinstance(item, dict):
            raise ValueError("a file must be an object")
        try:
            content = base64.b64decode(str(item.get("data", "")), validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError(f"a file is not valid base64: {error}") from None
        attachments.append(
            InboundAttachment(
                filename=text_field(item, "name", 255) or "file",
                content_type=text_field(item, "type", 120) or "application/octet-stream",
                content=content,
            )
        )
    return attachments


def subject_from(text: str) -> str:
    """A subject for channels without one: the first words of the message."""
    line = " ".join(text.split())
    return line if len(line) <= SUBJECT_LENGTH else line[: SUBJECT_LENGTH - 1].rstrip() + "…"
