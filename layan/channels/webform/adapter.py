"""The web contact form: a submitted form in, replies out by email.

The form's payload (stored raw first, like every channel):

    {"form_id": "<id the page gave this form>", "name": "...", "email": "...",
     "subject": "...", "message": "...", "language": "id", "page_url": "...",
     "suggested": [<article ids the form suggested before it was sent anyway>],
     "files": [{"name": "...", "type": "...", "data": "<base64>"}]}

A form sent twice (a double click, a reload) carries the same form id: one message.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layan.inboxes.mail import send_email_via_inbox
from layan.inboxes.payloads import MAX_TEXT, files_field, json_object, subject_from, text_field
from layan.inboxes.registry import Adapter
from layan.inboxes.types import InboundMessage


class WebformAdapter(Adapter):
    kind = "webform"
    label = gettext_lazy("Web form")
    can_send = True
    # Only the customer starts a conversation here.
    agent_opens = False
    # The shop's own form promises a reply: a form nobody answers is switched off instead.
    redirects = False

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        data = json_object(payload, what="a form")
        form_id = text_field(data, "form_id", 64)
        email = text_field(data, "email", 254).lower()
        text = text_field(data, "message", MAX_TEXT)
        if not form_id or not text:
            raise ValueError("a form needs an id and a message")
        try:
            validate_email(email)
        except ValidationError:
            raise ValueError(f"not an email address: {email!r}") from None
        suggested = data.get("suggested") or []
        headers: dict[str, Any] = {
            key: value for key in ("page_url",) if (value := text_field(data, key, 500))
        }
        if isinstance(suggested, list) and suggested:
            # Shown articles did not answer it: "submitted anyway" (deflection reports).
            headers["suggested"] = [int(i) for i in suggested[:10] if str(i).isdigit()]
        subject = text_field(data, "subject", 255)
        return InboundMessage(
            external_id=f"webform:{form_id}",
            identity_kind="email",
            sender_address=email,
            sender_name=text_field(data, "name", 160),
            subject=subject or subject_from(text),
            text=text,
            full_text=text,
            attachments=files_field(data),
            headers=headers,
            language=text_field(data, "language", 10),
        )

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]:
        if config:
            raise ValidationError(_("A web form inbox has no settings."))
        return {}

    def new_external_id(self, *, conversation: Any) -> str:
        token = get_random_string(20, "abcdefghijklmnopqrstuvwxyz0123456789")
        return f"layan.{conversation.number}.{token}@form.layan.invalid"

    def send(self, *, message: Any) -> None:
        send_email_via_inbox(message)
