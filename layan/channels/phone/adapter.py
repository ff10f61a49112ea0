"""Phone calls and walk-ins: agents log them; nothing is received or sent by machine."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layan.inboxes.registry import Adapter, DeliveryError
from layan.inboxes.types import InboundMessage


class PhoneAdapter(Adapter):
    kind = "phone"
    label = gettext_lazy("Phone and walk-in")
    can_send = False
    redirects = False
    # An agent may open a conversation here (a call or walk-in logged, an email started).
    agent_opens = True

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        raise ValueError("Phone inboxes receive nothing by machine: agents log calls.")

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]:
        if config:
            raise ValidationError(_("A phone inbox has no settings."))
        return {}

    def new_external_id(self, *, conversation: Any) -> str:
        return ""

    def send(self, *, message: Any) -> None:
        raise DeliveryError("Phone replies are logged, not sent.", permanent=True)
