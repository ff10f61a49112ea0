"""Calling Meta's Graph API for Instagram: direct messages (Send API), public replies to
comments, private replies (a direct message answering a comment), and downloads.

Meta's errors (`{"error": {"code": 10, "error_subcode": 2018278, "message": ...}}`) become
DeliveryErrors saying what the agent can do; throttling is retried by the delivery gate.
"""

from __future__ import annotations

from typing import Any

from layan.channels.instagram.config import InstagramConfig
from layan.inboxes import providers
from layan.inboxes.registry import DeliveryError

THROTTLED = {4, 17, 32, 613}
# 10 / 2018278: outside the messaging window; 551: the person cannot be reached now.
SUBCODE_REASONS = {2018278: "meta_window", 2018108: "meta_window", 2534022: "meta_window"}
CODE_REASONS = {551: "blocked", 190: "credentials", 200: "credentials", 100: "rejected"}


def call(config: InstagramConfig, path: str, body: dict[str, Any]) -> dict[str, Any]:
    if not config.access_token or not config.account_id:
        raise DeliveryError(
            "the inbox has no access token or account id", permanent=True, reason="credentials"
        )
    reply = providers.call("POST", config.url(path), body=body, headers=config.headers())
    if reply.ok:
        return reply.data
    given = reply.data.get("error")
    error: dict[str, Any] = given if isinstance(given, dict) else {}
    code, subcode = int(error.get("code") or 0), int(error.get("error_subcode") or 0)
    detail = f"Instagram ({code}/{subcode}) {error.get('message', '')}".strip()[:500]
    if code in THROTTLED:
        raise DeliveryError(detail, reason="rate_limited")
    reason = SUBCODE_REASONS.get(subcode) or CODE_REASONS.get(code, "rejected")
    raise DeliveryError(detail, permanent=True, reason=reason)


def send_message(
    config: InstagramConfig, *, recipient: dict[str, str], text: str, tag: str = ""
) -> str:
    """A direct message (to an IGSID, or privately to a comment's author by `comment_id`)."""
    body: dict[str, Any] = {"recipient": recipient, "message": {"text": text}}
    if tag:
        body.update(messaging_type="MESSAGE_TAG", tag=tag)
    data = call(config, f"{config.account_id}/messages", body)
    return str(data.get("message_id", ""))


def reply_to_comment(config: InstagramConfig, *, comment_id: str, text: str) -> str:
    """A public reply under the customer's comment."""
    data = call(config, f"{comment_id}/replies", {"message": text})
    return f"igc:{data.get('id', '')}"


def fetch(url: str, *, limit: int) -> tuple[bytes, str]:
    """A file a customer sent (its CDN link expires: a dead link will not come back)."""
    try:
        return providers.fetch(url, max_bytes=limit)
    except DeliveryError as error:
        if error.permanent:
            raise ValueError(str(error)) from None
        raise
