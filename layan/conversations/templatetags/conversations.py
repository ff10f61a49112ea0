"""Timeline rows store codes ("pending", 3); these show them in the reader's language."""

from __future__ import annotations

from django import template

from layan.conversations.models import Conversation

register = template.Library()


@register.filter
def status_label(code: str | None) -> str:
    labels = dict(Conversation.Status.choices)
    return str(labels.get(code or "", code or "—"))


@register.filter
def priority_label(value: int | None) -> str:
    if value is None:
        return "—"
    return str(dict(Conversation.Priority.choices).get(value, value))
