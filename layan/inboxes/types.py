"""What a channel adapter hands to the services: plain data, no ORM."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str = ""
    is_inline: bool = False


@dataclass(frozen=True)
class Bounce:
    """A delivery report about one of our own messages."""

    original_message_id: str
    reason: str


@dataclass(frozen=True)
class DeliveryStatus:
    """A provider's report on one of our own messages (messaging channels): `state` is one of
    sent, delivered, read, failed; `reason` (a key of registry.DELIVERY_REASONS) and `detail`
    say why a message failed."""

    external_id: str
    state: str
    reason: str = ""
    detail: str = ""


@dataclass
class InboundMessage:
    # Channel id of this message (an email's Message-ID): the same id twice is one message.
    external_id: str
    identity_kind: str
    sender_address: str
    sender_name: str = ""
    subject: str = ""
    # Visible text (quoted replies and signatures stripped) and everything as received.
    text: str = ""
    full_text: str = ""
    # Sanitised HTML, or "" for plain-text messages.
    html: str = ""
    attachments: list[InboundAttachment] = field(default_factory=list)
    # Channel ids of earlier messages this one answers (In-Reply-To, References).
    references: list[str] = field(default_factory=list)
    # Conversation reply tokens found in the recipient addresses or the quoted body.
    thread_tokens: list[str] = field(default_factory=list)
    # A conversation number the customer quoted (e.g. "[#1042]" in an email subject).
    conversation_number: int | None = None
    recipients: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    sent_at: dt.datetime | None = None
    # Sent by a machine (auto-reply, list, daemon): never answer it automatically.
    automated_reason: str = ""
    bounce: Bounce | None = None
    # A status report, not a message (sent / delivered / read / failed).
    status: DeliveryStatus | None = None
    # Why this payload is kept but not a message (an event the channel does not show: a bot
    # added to a group, a message edited); "" for a message.
    ignored: str = ""
    language: str = ""
    # Messaging channels (chat) have no subjects: a message continues the customer's open
    # conversation in the inbox, or starts a new one.
    continues_latest: bool = False


def without_null_characters[T](value: T) -> T:
    """`value` with every NUL character taken out of its text, however deep (strings, lists,
    dicts, dataclasses such as InboundMessage; bytes are left alone). PostgreSQL's text columns
    refuse NUL, and a message that carries one (a broken mail client, a fuzzing bot) must still
    be stored and reach an agent, on either database."""
    cleaned: Any = value
    if isinstance(value, str):
        cleaned = value.replace("\x00", "")
    elif isinstance(value, list):
        cleaned = [without_null_characters(item) for item in value]
    elif isinstance(value, dict):
        cleaned = {
            without_null_characters(key): without_null_characters(item)
            for key, item in value.items()
        }
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        cleaned = dataclasses.replace(
            value,
            **{
                f.name: without_null_characters(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.init
            },
        )
    return cleaned  # type: ignore[no-any-return]
