"""Calling Meta's Graph API for Instagram: direct messages (Send API), public replies to
comments and private replies (a direct message answering a comment). Meta's errors become
DeliveryErrors saying what the agent can do (`inboxes.meta.Graph`)."""

from __future__ import annotations

from typing import Any

from layan.channels.instagram.config import InstagramConfig
from layan.channels.instagram.parse import PRODUCT
from layan.inboxes import meta


def graph(config: InstagramConfig) -> meta.Graph:
    return meta.Graph(
        base=config.graph_base, token=config.access_token, account=config.account_id,
        product=PRODUCT,
    )  # fmt: skip


def send_message(
    config: InstagramConfig, *, recipient: dict[str, str], text: str, tag: str = ""
) -> str:
    """A direct message (to an IGSID, or privately to a comment's author by `comment_id`)."""
    body: dict[str, Any] = {"recipient": recipient, "message": {"text": text}}
    if tag:
        body.update(messaging_type="MESSAGE_TAG", tag=tag)
    data = graph(config).call(f"{config.account_id}/messages", body)
    return str(data.get("message_id", ""))


def reply_to_comment(config: InstagramConfig, *, comment_id: str, text: str) -> str:
    """A public reply under the customer's comment."""
    data = graph(config).call(f"{comment_id}/replies", {"message": text})
    return f"igc:{data.get('id', '')}"
