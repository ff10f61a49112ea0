"""The email channel: inbound parsing (parse.py), IMAP polling and IDLE, the loopback SMTP
receiver, and the adapter. Outbound mail goes through the one mail gate (`inboxes/mail.py`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from layan.channels.email.forms import EmailSettingsForm
from layan.channels.email.parse import parse_email
from layan.inboxes.mail import EmailConfig, build_email, send_email
from layan.inboxes.registry import Adapter
from layan.inboxes.types import InboundMessage


class EmailAdapter(Adapter):
    kind = "email"
    label = _("Email")
    settings_form = EmailSettingsForm
    secret_fields = ("imap_password", "smtp_password")
    can_send = True
    # An agent may open a conversation here (a call or walk-in logged, an email started).
    agent_opens = True

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        return parse_email(payload)

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return asdict(EmailConfig.from_dict(config))

    def new_external_id(self, *, conversation: Any) -> str:
        domain = conversation.inbox.address.rpartition("@")[2] or "layan.invalid"
        # Short enough never to be folded onto a second header line.
        token = get_random_string(20, "abcdefghijklmnopqrstuvwxyz0123456789")
        return f"layan.{conversation.number}.{token}@{domain}"

    def send(self, *, message: Any) -> None:
        config = EmailConfig.from_dict(message.inbox.config or {})
        send_email(build_email(message, config), config, alias=f"inbox-{message.inbox_id}")
