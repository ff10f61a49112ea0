"""A chat inbox's settings, and which sites may embed its widget."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from layan.inboxes.config import reject_unknown

PRECHAT = {"off", "optional", "required"}


@dataclass(frozen=True)
class ChatConfig:
    """A chat inbox's settings."""

    # Sites allowed to embed the widget ("https://shop.example"); empty: any site.
    allowed_origins: list[str] = field(default_factory=list)
    # Ask for name and email before the chat starts.
    prechat: str = "off"
    # Shown when the chat window opens; empty: a default greeting in the visitor's language.
    greeting: str = ""
    # The answer bot replies first (from the help center) and hands off to a person.
    bot: bool = False
    # A solved chat's transcript goes to the visitor's email address (when they gave one).
    transcript_on_solve: bool = True

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatConfig:
        reject_unknown(data, cls.__dataclass_fields__)
        origins = data.get("allowed_origins", [])
        if isinstance(origins, str):
            origins = origins.replace(",", " ").split()
        if not isinstance(origins, list):
            raise ValidationError(_("Allowed sites must be a list of addresses."))
        cleaned = [origin_normalize(str(origin)) for origin in origins if str(origin).strip()]
        prechat = str(data.get("prechat", "off"))
        if prechat not in PRECHAT:
            raise ValidationError(_("The pre-chat form must be off, optional or required."))
        greeting = str(data.get("greeting", "")).strip()
        if len(greeting) > 500:
            raise ValidationError(_("Keep the greeting under 500 characters."))
        return cls(
            allowed_origins=cleaned,
            prechat=prechat,
            greeting=greeting,
            bot=bool(data.get("bot", False)),
            transcript_on_solve=bool(data.get("transcript_on_solve", True)),
        )


def origin_normalize(origin: str) -> str:
    """`https://Shop.example/` -> `https://shop.example` (scheme, host and a non-default port)."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError(
            _("%(origin)s is not a web address such as https://shop.example.") % {"origin": origin}
        )
    default_port = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default_port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def origin_allowed(config: ChatConfig, origin: str) -> bool:
    if not config.allowed_origins:
        return True
    try:
        return origin_normalize(origin) in config.allowed_origins
    except ValidationError:
        return False
