"""Phone calls and walk-ins. Agents log them by hand; a number on a Twilio-compatible voice
service also brings its calls in by itself (ringing, ended, recorded: `views`), and the desk
shows who is calling as the phone rings."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils.translation import gettext_lazy

from layan.channels.phone.config import DEFAULT_API, PhoneConfig
from layan.channels.phone.forms import PhoneSettingsForm
from layan.channels.phone.parse import parse_event
from layan.inboxes import providers
from layan.inboxes.registry import Adapter, DeliveryError
from layan.inboxes.types import InboundMessage


class PhoneAdapter(Adapter):
    kind = "phone"
    label = gettext_lazy("Phone and walk-in")
    can_send = False
    redirects = False
    # An agent may open a conversation here (a call or walk-in logged, an email started).
    agent_opens = True
    settings_form = PhoneSettingsForm
    settings_template = "phone/_inbox_webhook.html"
    secret_fields = ("auth_token", "cti_secret")
    customer_template = "phone/_call_customer.html"

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        return parse_event(payload)

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]:
        settings = asdict(PhoneConfig.from_dict(config))
        if settings["api_base"] == DEFAULT_API:
            del settings["api_base"]
        return {key: value for key, value in settings.items() if value}

    def customer_context(self, *, customer: Any) -> dict[str, Any]:
        """A "Call" button on the card of a customer with a number, when a line can call."""
        from layan.channels.phone.services import callable_numbers, calling_inboxes

        numbers = callable_numbers(customer)
        lines = calling_inboxes(workspace_id=customer.workspace_id)
        return (
            {"numbers": numbers, "lines": lines, "customer": customer} if numbers and lines else {}
        )

    def new_external_id(self, *, conversation: Any) -> str:
        return ""

    def fetch_media(self, *, inbox: Any, item: dict[str, Any], limit: int) -> tuple[bytes, str]:
        """A call's recording, fetched with the account's credentials."""
        config = PhoneConfig.from_dict(inbox.config)
        try:
            return providers.fetch(
                str(item.get("url", "")), max_bytes=limit, headers=config.authorization()
            )
        except DeliveryError as error:
            if error.permanent:
                raise ValueError(str(error)) from None
            raise

    def send(self, *, message: Any) -> None:
        raise DeliveryError("Phone replies are logged, not sent.", permanent=True)
