"""WeChat Official Account (微信公众号): followers' messages in, customer-service messages out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from layan.channels.wechat import api
from layan.channels.wechat.config import WeChatConfig
from layan.channels.wechat.forms import WeChatSettingsForm
from layan.channels.wechat.parse import parse_push
from layan.conversations.selectors import customer_last_message
from layan.conversations.sending import send_in_parts
from layan.inboxes.registry import Adapter, DeliveryError
from layan.inboxes.types import InboundMessage

# Customer-service messages are allowed for 48 hours after the follower's last message.
SERVICE_WINDOW = dt.timedelta(hours=48)
# One text message carries at most 2,048 bytes: a longer reply goes in parts.
MAX_TEXT_BYTES = 2000


def chunks(text: str) -> list[str]:
    """The reply in parts of at most MAX_TEXT_BYTES of UTF-8, cut at line ends where it can."""
    parts, current = [], ""
    for line in text.splitlines(keepends=True):
        while len(line.encode()) > MAX_TEXT_BYTES:
            cut = len(line.encode()[:MAX_TEXT_BYTES].decode("utf-8", "ignore"))
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:]
        if len((current + line).encode()) > MAX_TEXT_BYTES:
            parts.append(current)
            current = ""
        current += line
    return [part.strip("\n") for part in [*parts, current] if part.strip()]


class WeChatAdapter(Adapter):
    kind = "wechat"
    label = gettext_lazy("WeChat")
    settings_form = WeChatSettingsForm
    settings_template = "wechat/_inbox_server.html"
    secret_fields = ("app_secret", "token", "encoding_aes_key")

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        return parse_push(payload)

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return {
            key: value for key, value in asdict(WeChatConfig.from_dict(config)).items() if value
        }

    def new_external_id(self, *, conversation: Any) -> str:
        return ""

    def fetch_media(self, *, inbox: Any, item: dict[str, Any], limit: int) -> tuple[bytes, str]:
        return api.fetch_media(
            WeChatConfig.from_dict(inbox.config), media_id=str(item["file_id"]), limit=limit
        )

    def send(self, *, message: Any) -> str | None:
        last = customer_last_message(
            conversation_id=message.conversation_id, inbox_id=message.inbox_id
        )
        if last is None or not last.headers.get("openid"):
            raise DeliveryError(
                "no WeChat follower in this conversation",
                permanent=True,
                reason="invalid_recipient",
            )
        if timezone.now() - last.created_at > SERVICE_WINDOW:
            raise DeliveryError(
                "the follower's last message is more than 48 hours old",
                permanent=True,
                reason="wechat_window",
            )
        config = WeChatConfig.from_dict(message.inbox.config)
        openid = str(last.headers["openid"])
        parts: list[tuple[str, Callable[[], str]]] = [
            (f"text:{index}", partial(_send_text, config, openid, part))
            for index, part in enumerate(chunks(message.text))
        ]
        for attachment in message.attachments.all():
            parts.append((f"file:{attachment.pk}", partial(_send_file, config, openid, attachment)))
        send_in_parts(message, parts)
        return None  # WeChat gives customer-service messages no id


def _send_text(config: WeChatConfig, openid: str, text: str) -> str:
    api.send_text(config, openid=openid, text=text)
    return ""


def _send_file(config: WeChatConfig, openid: str, attachment: Any) -> str:
    with attachment.file.open("rb") as handle:
        content = handle.read()
    api.send_file(
        config,
        openid=openid,
        filename=attachment.filename,
        content_type=attachment.content_type,
        content=content,
    )
    return ""
