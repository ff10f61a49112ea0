"""WhatsApp Business Platform (Cloud API): one business number's chats in and out."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import asdict
from functools import partial
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy

from layan.channels.whatsapp import cloud
from layan.channels.whatsapp.config import WhatsAppConfig
from layan.channels.whatsapp.forms import WhatsAppSettingsForm
from layan.channels.whatsapp.parse import parse_event
from layan.conversations.selectors import customer_last_message
from layan.conversations.sending import send_in_parts
from layan.inboxes.registry import Adapter, DeliveryError
from layan.inboxes.types import InboundMessage

logger = logging.getLogger(__name__)

# Meta's customer-service window: free-form replies only within 24 hours of the customer's
# last message; after it, only approved templates.
SERVICE_WINDOW = dt.timedelta(hours=24)


class WhatsAppAdapter(Adapter):
    kind = "whatsapp"
    label = gettext_lazy("WhatsApp")
    settings_form = WhatsAppSettingsForm
    settings_template = "whatsapp/_inbox_webhook.html"
    secret_fields = ("access_token", "app_secret", "verify_token")
    composer_template = "whatsapp/_composer.html"

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        return parse_event(payload)

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return {
            key: value for key, value in asdict(WhatsAppConfig.from_dict(config)).items() if value
        }

    def new_external_id(self, *, conversation: Any) -> str:
        return ""  # Meta names the message (wamid) when it accepts it: send returns it

    def fetch_media(self, *, inbox: Any, item: dict[str, Any], limit: int) -> tuple[bytes, str]:
        return cloud.fetch_media(
            WhatsAppConfig.from_dict(inbox.config), media_id=str(item["file_id"]), limit=limit
        )

    def composer_context(self, *, conversation: Any) -> dict[str, Any]:
        """The 24-hour window's state for the reply form and, when it is closed, the approved
        templates the agent may send instead (listed from Meta, kept ten minutes)."""
        last = customer_last_message(
            conversation_id=conversation.pk, inbox_id=conversation.inbox_id
        )
        if last is None:
            return {}
        closes_at = last.created_at + SERVICE_WINDOW
        context: dict[str, Any] = {"window_closes_at": closes_at}
        if closes_at <= timezone.now():
            context["window_closed"] = True
            try:
                context["templates"] = approved_templates(conversation.inbox)
            except DeliveryError as error:
                context["templates_error"] = error.recorded()
        return context

    def send(self, *, message: Any) -> str | None:
        last = customer_last_message(
            conversation_id=message.conversation_id, inbox_id=message.inbox_id
        )
        if last is None or not str(last.headers.get("wa_id", "")).isdigit():
            raise DeliveryError(
                "no WhatsApp number in this conversation",
                permanent=True,
                reason="invalid_recipient",
            )
        config = WhatsAppConfig.from_dict(message.inbox.config)
        template = message.headers.get("template")
        if isinstance(template, dict):
            # An approved template may be sent whenever: it is how a closed window reopens.
            return cloud.send_template(
                config,
                to=last.headers["wa_id"],
                name=str(template.get("name", "")),
                language=str(template.get("language", "")),
                values=[str(value) for value in template.get("values", [])],
            )
        if timezone.now() - last.created_at > SERVICE_WINDOW:
            raise DeliveryError(
                "the customer's last message is more than 24 hours old",
                permanent=True,
                reason="window_closed",
            )
        to = last.headers["wa_id"]
        parts: list[tuple[str, Callable[[], str]]] = []
        if message.text:
            parts.append(("text", lambda: cloud.send_text(config, to=to, text=message.text)))
        for attachment in message.attachments.all():
            parts.append((f"file:{attachment.pk}", partial(_send_file, config, to, attachment)))
        sent = send_in_parts(message, parts)
        try:
            # The customer's ticks turn blue: their message was read, by the person answering.
            cloud.mark_read(config, message_id=last.external_id)
        except DeliveryError as error:
            logger.info("whatsapp read receipt for %s not sent: %s", last.external_id, error)
        return sent


def _send_file(config: WhatsAppConfig, to: str, attachment: Any) -> str:
    with attachment.file.open("rb") as handle:
        content = handle.read()
    return cloud.send_file(
        config,
        to=to,
        filename=attachment.filename,
        content_type=attachment.content_type,
        content=content,
    )


TEMPLATES_KEPT = 600  # seconds


def approved_templates(inbox: Any) -> list[cloud.Template]:
    """The inbox's approved templates, asked of Meta at most every ten minutes."""
    key = f"whatsapp:templates:{inbox.pk}"
    found = cache.get(key)
    if found is None:
        found = cloud.templates(WhatsAppConfig.from_dict(inbox.config))
        cache.set(key, found, TEMPLATES_KEPT)
    return list(found)
