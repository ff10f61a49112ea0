"""Telegram: a bot's private chats in, replies out through the Bot API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from functools import partial
from typing import Any

from django.utils.translation import gettext_lazy

from layan.channels.telegram import bot
from layan.channels.telegram.config import TelegramConfig
from layan.channels.telegram.forms import TelegramSettingsForm
from layan.channels.telegram.parse import parse_update
from layan.conversations.selectors import customer_last_message
from layan.conversations.sending import send_in_parts
from layan.inboxes.registry import Adapter, DeliveryError
from layan.inboxes.types import InboundMessage


class TelegramAdapter(Adapter):
    kind = "telegram"
    label = gettext_lazy("Telegram")
    settings_form = TelegramSettingsForm
    settings_template = "telegram/_inbox_connect.html"
    secret_fields = ("bot_token", "link_secret")

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        return parse_update(payload)

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return {
            key: value for key, value in asdict(TelegramConfig.from_dict(config)).items() if value
        }

    def new_external_id(self, *, conversation: Any) -> str:
        return ""  # Telegram numbers the message when it is sent (send returns it)

    def fetch_media(self, *, inbox: Any, item: dict[str, Any], limit: int) -> tuple[bytes, str]:
        return bot.fetch_file(
            TelegramConfig.from_dict(inbox.config), file_id=str(item["file_id"]), limit=limit
        )

    def send(self, *, message: Any) -> str | None:
        # The chat the customer last wrote from, in this conversation, on this inbox.
        last = customer_last_message(
            conversation_id=message.conversation_id, inbox_id=message.inbox_id
        )
        if last is None or not isinstance(last.headers.get("chat_id"), int):
            raise DeliveryError(
                "no Telegram chat in this conversation", permanent=True, reason="invalid_recipient"
            )
        config = TelegramConfig.from_dict(message.inbox.config)
        chat_id = last.headers["chat_id"]
        parts: list[tuple[str, Callable[[], str]]] = []
        if message.text:
            parts.append(
                ("text", lambda: bot.send_text(config, chat_id=chat_id, text=message.text))
            )
        for attachment in message.attachments.all():
            parts.append(
                (f"file:{attachment.pk}", partial(_send_file, config, chat_id, attachment))
            )
        return send_in_parts(message, parts)


def _send_file(config: TelegramConfig, chat_id: int, attachment: Any) -> str:
    with attachment.file.open("rb") as handle:
        content = handle.read()
    return bot.send_file(
        config,
        chat_id=chat_id,
        filename=attachment.filename,
        content_type=attachment.content_type,
        content=content,
    )
