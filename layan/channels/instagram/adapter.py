"""Instagram: direct messages and comments on the shop's posts, in and out."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from layan.channels.instagram import graph
from layan.channels.instagram.config import InstagramConfig
from layan.channels.instagram.forms import InstagramSettingsForm
from layan.channels.instagram.parse import parse_event
from layan.conversations.selectors import customer_last_message
from layan.inboxes.registry import Adapter, DeliveryError
from layan.inboxes.types import InboundMessage

# Meta's messaging window: a standard reply within 24 hours of the customer's last message;
# a person (not automation) may answer for 7 days with the HUMAN_AGENT tag.
STANDARD_WINDOW = dt.timedelta(hours=24)
HUMAN_AGENT_WINDOW = dt.timedelta(days=7)


class InstagramAdapter(Adapter):
    kind = "instagram"
    label = gettext_lazy("Instagram")
    settings_form = InstagramSettingsForm
    settings_template = "instagram/_inbox_webhook.html"
    secret_fields = ("access_token", "app_secret", "verify_token")
    composer_template = "instagram/_composer.html"

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        return parse_event(payload)

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return {
            key: value for key, value in asdict(InstagramConfig.from_dict(config)).items() if value
        }

    def new_external_id(self, *, conversation: Any) -> str:
        return ""

    def composer_context(self, *, conversation: Any) -> dict[str, Any]:
        last = customer_last_message(
            conversation_id=conversation.pk, inbox_id=conversation.inbox_id
        )
        if last is None or not last.headers.get("comment_id"):
            return {}
        return {"comment": last.headers, "comment_text": last.text}

    def fetch_media(self, *, inbox: Any, item: dict[str, Any], limit: int) -> tuple[bytes, str]:
        return graph.fetch(str(item.get("url", "")), limit=limit)

    def send(self, *, message: Any) -> str | None:
        last = customer_last_message(
            conversation_id=message.conversation_id, inbox_id=message.inbox_id
        )
        if last is None or not last.headers.get("igsid"):
            raise DeliveryError(
                "no Instagram account in this conversation",
                permanent=True,
                reason="invalid_recipient",
            )
        if message.attachments.exists():
            raise DeliveryError(
                "Instagram takes files only from public links", permanent=True, reason="media"
            )
        config = InstagramConfig.from_dict(message.inbox.config)
        comment_id = str(last.headers.get("comment_id", ""))
        if comment_id and message.headers.get("private"):
            # A private reply: one direct message answering the comment (within 7 days).
            return graph.send_message(
                config, recipient={"comment_id": comment_id}, text=message.text
            )
        if comment_id:
            return graph.reply_to_comment(config, comment_id=comment_id, text=message.text)
        age = timezone.now() - last.created_at
        if age > HUMAN_AGENT_WINDOW:
            raise DeliveryError(
                "the customer's last message is more than 7 days old",
                permanent=True,
                reason="meta_window",
            )
        return graph.send_message(
            config,
            recipient={"id": str(last.headers["igsid"])},
            text=message.text,
            tag="HUMAN_AGENT" if age > STANDARD_WINDOW else "",
        )
