"""The live-chat channel: frames from the widget in, pushes to the widget out.

A visitor's message reaches the services as a JSON payload (stored raw first, like an email):

    {"visitor": "<visitor key>", "client_id": "<id the widget gave the message>",
     "text": "...", "name": "...", "email": "...",
     "page_url": "...", "referrer": "...", "user_agent": "...", "language": "id",
     "files": [{"name": "...", "type": "image/png", "data": "<base64>"}]}

The widget gives every message a client id and sends it again after a reconnect until it is
acknowledged; the channel id is built from the visitor and that client id, so a message sent
twice is stored once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from layan.inboxes.payloads import MAX_TEXT, files_field, json_object, subject_from, text_field
from layan.inboxes.types import InboundMessage

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
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValidationError(
                _("Unknown settings: %(names)s") % {"names": ", ".join(sorted(unknown))}
            )
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


class ChatAdapter:
    kind = "chat"
    can_send = True
    # Only the customer starts a conversation here.
    agent_opens = False
    # Replies are pushed to the open widget at once (no queue hop), and not signed: the widget
    # shows who wrote each message.
    instant = True
    signs_replies = False
    # A new chat is routed to an available agent at once (or waits in the chat queue).
    live = True

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        data = json_object(payload, what="a chat message")
        visitor = text_field(data, "visitor", 64)
        client_id = text_field(data, "client_id", 64)
        if not visitor or not client_id:
            raise ValueError("a chat message needs a visitor and a client id")
        text = text_field(data, "text", MAX_TEXT)
        attachments = files_field(data)
        if not text and not attachments:
            raise ValueError("an empty chat message")
        headers = {
            key: value
            for key in ("page_url", "referrer", "user_agent", "browser_language")
            if (value := text_field(data, key, 500))
        }
        email = text_field(data, "email", 254)
        if email:
            headers["email"] = email
        return InboundMessage(
            external_id=f"chat:{visitor}:{client_id}",
            identity_kind="visitor",
            sender_address=visitor,
            sender_name=text_field(data, "name", 160),
            subject=subject_from(text or attachments[0].filename),
            text=text,
            full_text=text,
            attachments=attachments,
            headers=headers,
            language=text_field(data, "language", 10),
            continues_latest=True,
        )

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return asdict(ChatConfig.from_dict(config))

    def new_external_id(self, *, conversation: Any) -> str:
        # Looks like a Message-ID: when a reply is also emailed, the customer's answer threads.
        token = get_random_string(20, "abcdefghijklmnopqrstuvwxyz0123456789")
        return f"layan.{conversation.number}.{token}@chat.layan.invalid"

    def send(self, *, message: Any) -> None:
        from layan.inboxes.livechat.services import chat_reply_deliver

        chat_reply_deliver(message=message)
