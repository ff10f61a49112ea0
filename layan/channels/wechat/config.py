"""A WeChat Official Account inbox's settings (`Inbox.config`), as its admin console names them
(设置与开发 → 基本配置)."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from layan.inboxes.config import api_address, reject_unknown
from layan.inboxes.secrets import unseal

DEFAULT_API = "https://api.weixin.qq.com"
APP_ID = re.compile(r"^wx[0-9a-f]{16}$")
TOKEN = re.compile(r"^[A-Za-z0-9]{3,32}$")


@dataclass(frozen=True)
class WeChatConfig:
    app_id: str = ""
    app_secret: str = ""
    # The server token (令牌) that signs every call, and the message key (EncodingAESKey, 43
    # characters) of the encrypted mode (安全模式); empty: plain mode (明文模式).
    token: str = ""
    encoding_aes_key: str = ""
    api_base: str = DEFAULT_API

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WeChatConfig:
        reject_unknown(data, cls.__dataclass_fields__)
        config = cls(
            app_id=str(data.get("app_id", "")).strip(),
            app_secret=unseal(data.get("app_secret", "")).strip(),
            token=unseal(data.get("token", "")).strip(),
            encoding_aes_key=unseal(data.get("encoding_aes_key", "")).strip(),
            api_base=api_address(data.get("api_base"), default=DEFAULT_API),
        )
        if config.app_id and not APP_ID.match(config.app_id):
            raise ValidationError(_("An AppID is wx followed by 16 letters and digits."))
        if config.token and not TOKEN.match(config.token):
            raise ValidationError(_("The token has 3 to 32 letters and digits."))
        if config.encoding_aes_key:
            config.aes_key()  # checks it
        return config

    def aes_key(self) -> bytes:
        """The 32-byte AES key the EncodingAESKey stands for (Base64 without its "=")."""
        try:
            key = base64.b64decode(self.encoding_aes_key + "=", validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(self.encoding_aes_key) != 43 or len(key) != 32:
            raise ValidationError(_("The EncodingAESKey has 43 letters and digits."))
        return key
