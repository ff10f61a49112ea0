"""Timeline rows store codes ("pending", 3): these show them in the reader's language; and the
key of an inbox row's cached fragment."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layan.conversations.models import Conversation

register = template.Library()


@register.filter
def status_label(code: str | None) -> str:
    labels = dict(Conversation.Status.choices)
    return str(labels.get(code or "", code or "—"))


@register.filter
def handoff_reason_label(code: str | None) -> str:
    """Why the answer bot handed a conversation to a person, in the reader's words."""
    labels = {
        "asked_for_person": _("the customer asked for a person"),
        "low_confidence": _("not sure enough of an answer"),
        "no_content": _("nothing in the help center matched"),
        "sensitive": _("a sensitive matter"),
    }
    return str(labels.get(code or "", _("other reason")))


@register.filter
def call_duration(seconds: int | None) -> str:
    """A call's length as minutes and seconds ("3:07")."""
    minutes, rest = divmod(int(seconds or 0), 60)
    return f"{minutes}:{rest:02d}"


@register.filter
def priority_label(value: int | None) -> str:
    if value is None:
        return "—"
    return str(dict(Conversation.Priority.choices).get(value, value))


@register.filter
def list_row_key(item: Conversation) -> str:
    """Everything one inbox row shows, in the reader's language and time zone: the key of its
    cached fragment (`{% cache … item|list_row_key using="fragments" %}`). A row whose text
    changes gets a new key, so a cached row is never stale; the cache only saves rendering."""
    parts = [
        get_language(), timezone.get_current_timezone_name(), item.pk, item.number,
        item.subject, item.preview, item.status, item.priority, item.language,
        item.waiting_since is not None, item.last_activity_at.isoformat(), str(item.customer),
        item.inbox.name, str(item.assignee or ""), *(tag.name for tag in item.tags.all()),
    ]  # fmt: skip
    return "\x1f".join(map(str, parts))
