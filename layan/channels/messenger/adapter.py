"""Facebook Messenger: a Page's direct messages and comments on its posts, in and out."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from layan.channels.messenger import graph
from layan.channels.messenger.config import MessengerConfig
from layan.channels.messenger.forms import MessengerSettingsForm
from layan.channels.messenger.parse import PRODUCT, parse_event
from layan.conversations.meta import MetaMessagingAdapter
from layan.conversations.selectors import customer_last_message
from layan.conversations.sending import send_in_parts
from layan.inboxes import meta
from layan.inboxes.registry import DeliveryError
from layan.inboxes.types import InboundMessage


class MessengerAdapter(MetaMessagingAdapter):
    kind = "messenger"
    label = gettext_lazy("Facebook Messenger")
    settings_form = MessengerSettingsForm
    settings_template = "messenger/_inbox_webhook.html"
    product = PRODUCT
    graph_of = staticmethod(graph.graph)
    config_class = MessengerConfig

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        return parse_event(payload)

    def send(self, *, message: Any) -> str | None:
        last = customer_last_message(
            conversation_id=message.conversation_id, inbox_id=message.inbox_id
        )
        if last is None or not last.headers.get("psid"):
            raise DeliveryError(
                "no Messenger account in this conversation",
                permanent=True,
                reason="invalid_recipient",
            )
        config = MessengerConfig.from_dict(message.inbox.config)
        attachments = list(message.attachments.all())
        comment_id = str(last.headers.get("comment_id", ""))
        if comment_id and message.headers.get("private"):
            # A private reply: one direct message answering the comment (within 7 days).
            return graph.send_message(
                config, recipient={"comment_id": comment_id}, text=message.text
            )
        if comment_id:
            if attachments:
                raise DeliveryError(
                    "a reply under a comment takes text only", permanent=True, reason="media"
                )
            return graph.reply_to_comment(config, comment_id=comment_id, text=message.text)
        psid = str(last.headers["psid"])
        tag = meta.window_tag(last.created_at, timezone.now())
        parts: list[tuple[str, Any]] = []
        if message.text:
            parts.append(
                ("text", partial(graph.send_message, config, recipient={"id": psid},
                                 text=message.text, tag=tag))
            )  # fmt: skip
        for attachment in attachments:
            parts.append(
                (f"file:{attachment.pk}", partial(_send_file, config, psid, attachment, tag))
            )
        return send_in_parts(message, parts)


def _send_file(config: MessengerConfig, psid: str, attachment: Any, tag: str) -> str:
    with attachment.file.open("rb") as handle:
        content = handle.read()
    return graph.send_file(
        config,
        psid=psid,
        filename=attachment.filename,
        content_type=attachment.content_type,
        content=content,
        tag=tag,
    )
