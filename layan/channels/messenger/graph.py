"""Calling Meta's Graph API for a Facebook Page: direct messages (Send API, with files uploaded
in the same call), public replies to comments and private replies (a direct message answering
a comment). Meta's errors become DeliveryErrors saying what the agent can do."""

from __future__ import annotations

import json
from typing import Any

from layan.channels.messenger.config import MessengerConfig
from layan.channels.messenger.parse import PRODUCT
from layan.inboxes import meta, providers

# The Send API's attachment types; anything else goes as a file.
ATTACHMENT_TYPES = ("image", "video", "audio")


def graph(config: MessengerConfig) -> meta.Graph:
    return meta.Graph(
        base=config.graph_base, token=config.access_token, account=config.page_id, product=PRODUCT
    )


def _kind(tag: str) -> dict[str, str]:
    if tag:
        return {"messaging_type": "MESSAGE_TAG", "tag": tag}
    return {"messaging_type": "RESPONSE"}


def send_message(
    config: MessengerConfig, *, recipient: dict[str, str], text: str, tag: str = ""
) -> str:
    """A text message (to a PSID, or privately to a comment's author by `comment_id`)."""
    body: dict[str, Any] = {"recipient": recipient, "message": {"text": text}, **_kind(tag)}
    data = graph(config).call(f"{config.page_id}/messages", body)
    return str(data.get("message_id", ""))


def send_file(
    config: MessengerConfig,
    *,
    psid: str,
    filename: str,
    content_type: str,
    content: bytes,
    tag: str = "",
) -> str:
    """A file, uploaded with the message (multipart: recipient, message, filedata)."""
    major = content_type.split("/", 1)[0]
    kind = major if major in ATTACHMENT_TYPES else "file"
    fields = {
        "recipient": json.dumps({"id": psid}),
        "message": json.dumps({"attachment": {"type": kind, "payload": {"is_reusable": False}}}),
        **_kind(tag),
    }
    upload = providers.Upload("filedata", filename, content_type, content)
    data = graph(config).call(f"{config.page_id}/messages", fields, files=[upload])
    return str(data.get("message_id", ""))


def reply_to_comment(config: MessengerConfig, *, comment_id: str, text: str) -> str:
    """A public reply under the customer's comment, as the Page."""
    data = graph(config).call(f"{comment_id}/comments", {"message": text})
    return f"fbc:{data.get('id', '')}"
