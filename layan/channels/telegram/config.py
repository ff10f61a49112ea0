"""A Telegram inbox's settings (`Inbox.config`), read and checked in one place."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from layan.inboxes.config import api_address, reject_unknown
from layan.inboxes.secrets import unseal

DEFAULT_API = "https://api.telegram.org"
TOKEN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,80}$")
USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


@dataclass(frozen=True)
class TelegramConfig:
    bot_token: str = ""
    # The bot's @username (without @), for t.me links; filled in when the inbox connects.
    bot_username: str = ""
    # A self-hosted Bot API server (telegram-bot-api), or Telegram's own.
    api_base: str = DEFAULT_API
    # Shared with the shop's website: it signs the links that sign a customer in (views.start).
    link_secret: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TelegramConfig:
        reject_unknown(data, cls.__dataclass_fields__)
        config = cls(
            bot_token=unseal(data.get("bot_token", "")).strip(),
            bot_username=str(data.get("bot_username", "")).strip().lstrip("@"),
            api_base=api_address(data.get("api_base"), default=DEFAULT_API),
            link_secret=unseal(data.get("link_secret", "")).strip(),
        )
        if config.bot_username and not USERNAME.match(config.bot_username):
            raise ValidationError(_("A bot's user name has 5 to 32 letters, digits or _."))
        return config

    def method_url(self, method: str) -> str:
        return f"{self.api_base}/bot{self.bot_token}/{method}"

    def file_url(self, file_path: str) -> str:
        return f"{self.api_base}/file/bot{self.bot_token}/{file_path}"


def webhook_secret(inbox_id: int) -> str:
    """The secret Telegram sends back with every update (X-Telegram-Bot-Api-Secret-Token): derived
    from the install's secret key, so it is stored nowhere and differs per inbox."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"layan.telegram.webhook:{inbox_id}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
