"""Redirect-only inboxes: a channel the shop does not staff. Each customer message there is kept
(a closed conversation, in no queue) and the customer gets one polite automatic reply, in their
language, saying where and when the shop does answer — at most once a day per customer, so a
customer who writes five times is not answered five times by a machine.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from layan.accounts.models import ContactChannel
from layan.conversations.models import Conversation, ConversationEvent
from layan.conversations.services import (
    automatic_reply_send,
    conversation_redirect,
    timeline_add,
)
from layan.core.events import Event
from layan.customers.models import Customer
from layan.inboxes.models import Inbox
from layan.inboxes.selectors import redirecting_inbox_ids
from layan.sla.selectors import support_hours_summary

# A customer is redirected at most once in this long (across all redirect-only inboxes).
ONCE_PER = dt.timedelta(days=1)


def on_message_created(event: Event) -> None:
    """Event handler, inside the receiving transaction: a customer's message (it carries its
    channel) in a redirect-only inbox closes its conversation and queues the redirect."""
    if "channel" not in event.payload:
        return
    inbox_ids = redirecting_inbox_ids(workspace_id=event.workspace_id)
    if not inbox_ids:
        return
    conversation_id = int(event.payload["conversation"])
    if not Conversation.objects.filter(pk=conversation_id, inbox_id__in=inbox_ids).exists():
        return
    conversation_redirect(conversation_id=conversation_id)
    transaction.on_commit(lambda: redirect_task.enqueue(conversation_id=conversation_id))


def redirect_send(*, conversation_id: int) -> str:
    """Send the redirect unless this customer had one within a day; returns what happened."""
    conversation = (
        Conversation.objects.select_related("workspace", "customer", "inbox")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None or not conversation.inbox.redirect_only:
        return "not redirecting"
    with transaction.atomic():
        # Two messages at once (two workers): the customer's row decides who sends.
        Customer.objects.select_for_update().filter(pk=conversation.customer_id).first()
        return _redirect_once(conversation)


def _redirect_once(conversation: Conversation) -> str:
    recent = ConversationEvent.objects.filter(
        kind=ConversationEvent.Kind.REDIRECTED,
        conversation__customer_id=conversation.customer_id,
        data__replied=True,
        created_at__gte=timezone.now() - ONCE_PER,
    )
    if recent.exists():
        return "redirected today already"
    workspace = conversation.workspace
    language = conversation.language or conversation.customer.language or workspace.default_language
    channels = [
        channel
        for channel in ContactChannel.objects.filter(workspace=workspace, is_active=True)
        if channel.kind != ContactChannel.Kind.ADDRESS
        and not _same_place(channel, conversation.inbox)
    ]
    with translation.override(language), timezone.override(workspace.timezone):
        text = render_to_string(
            "automations/redirect.txt",
            {
                "workspace": workspace,
                "channels": channels,
                "hours": support_hours_summary(workspace=workspace),
                "help_center": settings.BASE_URL + reverse("helpcenter:home"),
            },
        )
    automatic_reply_send(conversation=conversation, text=text, headers={"redirect": True})
    timeline_add(
        conversation=conversation,
        actor=None,
        kind=ConversationEvent.Kind.REDIRECTED,
        data={"replied": True, "language": language},
    )
    return "sent"


def _same_place(channel: ContactChannel, inbox: Inbox) -> bool:
    """Whether a listed channel is where the customer just wrote (not offered back to them):
    the same kind, and the same address when both have one (another email address of the shop
    is a place it answers)."""
    if channel.kind != inbox.kind:
        return False
    if not inbox.address:
        return True

    def plain(value: str) -> str:
        value = value.strip().lower()
        return re.sub(r"[^0-9]", "", value) if "@" not in value else value

    return plain(channel.value) == plain(inbox.address)


@task()
def redirect_task(*, conversation_id: int) -> str:
    return redirect_send(conversation_id=conversation_id)
