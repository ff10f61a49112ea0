"""Why a stored payload could not be processed, in the reader's language.

The reason is recorded once, by whichever process met it, in one language (English: the
worker's); these filters show the admin its meaning in theirs, with the technical detail kept.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layan.inboxes.registry import DELIVERY_REASONS

register = template.Library()

# What the services and adapters record (inboxes.services, <kind>/adapter.parse_inbound).
UNREADABLE = "Could not read the message: "
KNOWN_DETAILS = {
    "The message has no sender address (From).": gettext_lazy("It has no sender address (From)."),
    "an empty chat message": gettext_lazy("The chat message is empty."),
    "a chat message needs a visitor and a client id": gettext_lazy(
        "The chat message has no visitor."
    ),
    "a form needs an id and a message": gettext_lazy("The form has no message."),
    "Phone inboxes receive nothing by machine: agents log calls.": gettext_lazy(
        "Phone inboxes receive nothing by machine: agents log calls."
    ),
    "being processed by another worker": gettext_lazy("Another worker is processing it."),
}


@register.filter
def inbound_error(error: str | None) -> str:
    """ "Could not read the message: The message has no sender address (From)." ->
    "Pesan tidak dapat dibaca: Tidak ada alamat pengirim (From)." in Indonesian."""
    error = error or ""
    if error.startswith(UNREADABLE):
        detail = error[len(UNREADABLE) :]
        known = KNOWN_DETAILS.get(detail.strip())
        return _("The message could not be read: %(detail)s") % {"detail": known or detail}
    known = KNOWN_DETAILS.get(error.strip())
    if known:
        return str(known)
    # An unexpected failure (a database error, a bug): retried; its detail is for whoever fixes it.
    return _("Processing failed (retried automatically): %(detail)s") % {"detail": error}


RECORDED_REASON = re.compile(r"^\[(?P<reason>[a-z_]+)\] ?(?P<detail>.*)$", re.DOTALL)


@register.filter
def delivery_error(error: str | None) -> SafeString:
    """ "[window_closed] (#131047) Re-engagement message" -> what it means and what to do, in the
    agent's language, with the provider's own words after it."""
    match = RECORDED_REASON.match(error or "")
    if match is None or match["reason"] not in DELIVERY_REASONS:
        return format_html("{}", error or "")
    return format_html(
        '{} <span class="muted small">{}</span>',
        DELIVERY_REASONS[match["reason"]],
        match["detail"],
    )
