"""Sending a reply that takes several calls to its provider, each part once.

Imported by the channels' adapters, which the registry loads as Django starts: it imports
models only (`delivery` brings the services, and with them search and its segmenter).
"""

from __future__ import annotations

from collections.abc import Callable

from layan.conversations.models import Message


def send_in_parts(message: Message, parts: list[tuple[str, Callable[[], str]]]) -> str:
    """Send a reply that takes several provider calls (its text, then each file): every part
    once, even when a later part fails and the delivery is tried again — what went out is
    recorded on the message as it goes. Returns the provider's id of the first part."""
    sent: dict[str, str] = dict(message.headers.get("sent_parts") or {})
    for key, send in parts:
        if key in sent:
            continue
        sent[key] = send()
        message.headers = {**message.headers, "sent_parts": sent}
        Message.objects.filter(pk=message.pk).update(headers=message.headers)
    return next((provider_id for provider_id in sent.values() if provider_id), "")
