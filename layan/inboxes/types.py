"""What a channel adapter hands to the services: plain data, no ORM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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
    language: str = ""
    # Messaging channels (chat) have no subjects: a message continues the customer's open
    # conversation in the inbox, or starts a new one.
    continues_latest: bool = False
