"""Instagram: direct messages and comments on the shop's posts, in and out."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from layan.channels.instagram import graph
from layan.channels.instagram.config import InstagramConfig
from layan.channels.instagram.forms import InstagramSettingsForm
from layan.channels.instagram.parse import PRODUCT, parse_event
from layan.conversations.meta import MetaMessagingAdapter
from layan.conversations.selectors import customer_last_message
from layan.inboxes import meta
from layan.inboxes.registry import DeliveryError
from layan.inboxes.types import InboundMessage


class InstagramAdapter(MetaMessagingAdapter):
    kind = "instagram"
    label = gettext_lazy("Instagram")
    settings_form = InstagramSettingsForm
    settings_template = "instagram/_inbox_webhook.html"
    product = PRODUCT
    graph_of = staticmethod(graph.graph)
    config_class = InstagramConfig

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        return parse_event(payload)

    def comment_author(self, headers: dict[str, Any], conversation: Any) -> str:
        return f"@{headers.get('username', '')}"

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
        return graph.send_message(
            config,
            recipient={"id": str(last.headers["igsid"])},
            text=message.text,
            tag=meta.window_tag(last.created_at, timezone.now()),
        )
