"""What Meta's two messaging products on the Messenger Platform share — Instagram and Facebook
Messenger: the webhook's shape, split into one stored event each; a messaging event read into
an InboundMessage; the Graph API's answers mapped into what the agent can do; the messaging
window. Each channel app keeps what is its own (comments on posts, story mentions, postbacks).

Per Meta's Messenger Platform reference: a webhook call is `{"object": "instagram"|"page",
"entry": [{"id": <account>, "messaging": [...], "changes": [...]}]}`;
a message event is `{"sender": {"id"}, "recipient": {"id"}, "timestamp": ms, "message": {"mid",
"text", "attachments": [{"type", "payload": {"url"}}], "reply_to", "is_echo", "is_deleted"}}`,
with `read`, `reaction` and (Messenger) `postback` events beside it. Errors are
`{"error": {"code", "error_subcode", "message"}}`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from layan.inboxes import providers
from layan.inboxes.payloads import MAX_TEXT, json_object
from layan.inboxes.registry import DeliveryError
from layan.inboxes.types import DeliveryStatus, InboundMessage

API_VERSION = "v23.0"
# The messaging window: a standard reply within 24 hours of the customer's last message; a
# person (not automation) may answer for 7 days with the HUMAN_AGENT tag.
STANDARD_WINDOW = dt.timedelta(hours=24)
HUMAN_AGENT_WINDOW = dt.timedelta(days=7)

THROTTLED = {4, 17, 32, 613}
# 10 / 2018278: outside the messaging window; 551: the person cannot be reached now.
SUBCODE_REASONS = {2018278: "meta_window", 2018108: "meta_window", 2534022: "meta_window"}
CODE_REASONS = {551: "blocked", 190: "credentials", 200: "credentials", 100: "rejected"}
MEDIA_NAMES = {"image": "image.jpg", "video": "video.mp4", "audio": "audio.mp4", "file": "file"}


@dataclass(frozen=True)
class Product:
    """One of Meta's messaging products, as its webhook and its inbox name it."""

    kind: str  # the inbox kind and the identity kind: "instagram", "messenger"
    name: str  # in error details: "Instagram", "Messenger"
    webhook_object: str  # "instagram", "page"
    prefix: str  # of the ids of events that are not messages: "ig", "fb"
    id_header: str  # the header holding the customer's id: "igsid", "psid"
    # What the User Profile API is asked for a customer's name.
    profile_fields: str = "name"


def split(payload: bytes, product: Product) -> list[bytes]:
    """One webhook call into its events, each as canonical JSON (so Meta's retries are the
    same bytes): `{"account", "messaging": {...}}` or `{"account", "field", "value"}`."""
    body = json_object(payload, what=f"a {product.name} webhook")
    if body.get("object") != product.webhook_object or not isinstance(body.get("entry"), list):
        raise ValueError(f"not a {product.name} webhook")
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


def messaging_event(item: dict[str, Any], *, account: str, product: Product) -> InboundMessage:
    """A direct-message event: a message (text, files, a reply to a story or a message), a
    reaction, a read report, or (Messenger) a button the customer pressed."""
    sender = str((item.get("sender") or {}).get("id", ""))
    prefix = product.prefix
    if isinstance(item.get("read"), dict):
        mid = str(item["read"].get("mid", ""))
        if not mid:
            # Messenger reports reads up to a time (a watermark), not per message.
            return ignored(
                product, f"{prefix}-read:{sender}:{item.get('timestamp')}", "a read report"
            )
        return InboundMessage(
            external_id=f"{prefix}-read:{mid}",
            identity_kind=product.kind,
            sender_address="",
            status=DeliveryStatus(external_id=mid, state="read"),
        )
    if isinstance(item.get("reaction"), dict):
        reaction = item["reaction"]
        emoji = str(reaction.get("emoji") or "")
        mid = str(reaction.get("mid", ""))
        if reaction.get("action") == "unreact" or not emoji:
            return ignored(product, f"{prefix}-reaction:{mid}:{sender}", "a reaction taken back")
        return message(
            product,
            external_id=f"{prefix}-reaction:{mid}:{sender}:{emoji}",
            sender=sender,
            text=emoji,
            headers={"reaction_to": mid},
            timestamp=item.get("timestamp"),
        )
    if isinstance(item.get("postback"), dict) and sender:
        # A button the customer pressed (a menu, a quick answer): its title is what they said.
        postback = item["postback"]
        mid = str(postback.get("mid") or f"{sender}:{item.get('timestamp')}")
        title = str(postback.get("title") or postback.get("payload") or "")
        if not title:
            return ignored(product, f"{prefix}-postback:{mid}", "a button without a title")
        return message(
            product,
            external_id=f"{prefix}-postback:{mid}",
            sender=sender,
            text=title,
            headers={product.id_header: sender, "postback": str(postback.get("payload", ""))[:500]},
            timestamp=item.get("timestamp"),
        )
    given = item.get("message")
    if not isinstance(given, dict) or not sender:
        return ignored(
            product, f"{prefix}:{sender}:{item.get('timestamp')}", "an event, not a message"
        )
    mid = str(given.get("mid", ""))
    if not mid:
        raise ValueError(f"a {product.name} message needs an id (mid)")
    if given.get("is_echo") or sender == account:
        return ignored(product, mid, "sent by the shop's own account")
    if given.get("is_deleted"):
        return ignored(product, mid, "a message the customer deleted")
    headers: dict[str, Any] = {product.id_header: sender}
    media = []
    for index, attachment in enumerate(given.get("attachments") or []):
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
                    "name": MEDIA_NAMES.get(
                        kind, "story.jpg" if kind == "story_mention" else "file"
                    ),
                    "type": "",
                    "size": 0,
                }
            )
    if media:
        headers["media"] = media
    found = given.get("reply_to")
    reply_to: dict[str, Any] = found if isinstance(found, dict) else {}
    if isinstance(reply_to.get("story"), dict):
        headers["story_reply"] = str(reply_to["story"].get("url", ""))
    text = str(given["text"]) if isinstance(given.get("text"), str) else ""
    if not text and not media and "story_mention" not in headers:
        return ignored(product, mid, "a message Layan cannot show")
    return message(
        product,
        external_id=mid,
        sender=sender,
        text=text,
        headers=headers,
        timestamp=item.get("timestamp"),
        references=[str(reply_to["mid"])] if reply_to.get("mid") else [],
    )


def message(
    product: Product,
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
        identity_kind=product.kind,
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


def comment(
    product: Product, *, comment_id: str, sender: str, name: str, text: str, extra: dict[str, str]
) -> InboundMessage:
    """A comment on one of the shop's posts: public, and a conversation of its own."""
    text = text.strip()[:MAX_TEXT]
    return InboundMessage(
        external_id=f"{product.prefix}c:{comment_id}"[:255],
        identity_kind=product.kind,
        sender_address=sender,
        sender_name=name[:160],
        subject=text[:80],
        text=text,
        full_text=text,
        headers={product.id_header: sender, "comment_id": comment_id, **extra},
        continues_latest=False,
    )


def ignored(product: Product, external_id: str, why: str) -> InboundMessage:
    return InboundMessage(
        external_id=external_id[:255], identity_kind=product.kind, sender_address="", ignored=why
    )


@dataclass(frozen=True)
class Graph:
    """Where and as whom to call the Graph API."""

    base: str
    token: str
    # The account that sends: the Instagram account or the Facebook Page.
    account: str
    product: Product

    def url(self, path: str) -> str:
        return f"{self.base}/{API_VERSION}/{path}"

    def call(
        self,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        files: list[providers.Upload] | None = None,
        method: str = "POST",
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        if not self.token or not self.account:
            raise DeliveryError(
                "the inbox has no access token or account id", permanent=True, reason="credentials"
            )
        reply = providers.call(
            method,
            self.url(path),
            body=body,
            params=params,
            headers={"Authorization": f"Bearer {self.token}"},
            files=files,
        )
        if reply.ok:
            return reply.data
        given = reply.data.get("error")
        error: dict[str, Any] = given if isinstance(given, dict) else {}
        code, subcode = int(error.get("code") or 0), int(error.get("error_subcode") or 0)
        detail = f"{self.product.name} ({code}/{subcode}) {error.get('message', '')}"
        if code in THROTTLED:
            raise DeliveryError(detail.strip()[:500], reason="rate_limited")
        reason = SUBCODE_REASONS.get(subcode) or CODE_REASONS.get(code, "rejected")
        raise DeliveryError(detail.strip()[:500], permanent=True, reason=reason)


def profile_name(data: dict[str, Any]) -> str:
    """A customer's name from the User Profile API's answer (Messenger: first and last name;
    Instagram: the name, else the username)."""
    full = " ".join(str(data.get(key) or "").strip() for key in ("first_name", "last_name"))
    return (full.strip() or str(data.get("name") or data.get("username") or "")).strip()[:160]


def window_tag(last_message_at: dt.datetime, now: dt.datetime) -> str:
    """The tag a direct reply needs now ("" inside the standard window, HUMAN_AGENT up to 7
    days); DeliveryError past 7 days, when Meta accepts nothing but the customer's next message."""
    age = now - last_message_at
    if age > HUMAN_AGENT_WINDOW:
        raise DeliveryError(
            "the customer's last message is more than 7 days old",
            permanent=True,
            reason="meta_window",
        )
    return "HUMAN_AGENT" if age > STANDARD_WINDOW else ""


def fetch(url: str, *, limit: int) -> tuple[bytes, str]:
    """A file a customer sent (its CDN link expires: a dead link will not come back)."""
    try:
        return providers.fetch(url, max_bytes=limit)
    except DeliveryError as error:
        if error.permanent:
            raise ValueError(str(error)) from None
        raise
