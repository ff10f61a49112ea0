"""Outbound: the one road out of the building. `message_deliver` sends one queued reply through
its channel's adapter (internal notes and inbound messages are refused, whatever called),
claimed by compare-and-set so two workers never send one message twice; a failure is retried
with backoff or marked failed on the timeline. A reply is handed here by the event table
(`on_message_created`): at once for a channel whose replies are instant (chat), through the
task queue otherwise.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from layan.conversations.models import ConversationEvent, Message
from layan.conversations.services import _publish, timeline_add
from layan.core.events import Event
from layan.core.timers import backoff
from layan.inboxes import registry

logger = logging.getLogger(__name__)

MAX_DELIVERY_ATTEMPTS = 6
# A claimed delivery that never reports back (the worker died mid-send) is tried again after this.
DELIVERY_LEASE = dt.timedelta(minutes=10)


def message_deliver(*, message_id: int) -> str:
    """Send one queued outbound message through its channel. Returns the delivery state.

    The only road out: internal notes and inbound messages are refused here, whatever called.
    Claimed by compare-and-set, so two workers never send one message twice.
    """
    message = Message.objects.select_related(
        "inbox",
        "conversation__customer",
        "conversation__workspace",
        "conversation__inbox",
        "author_agent",
    ).get(pk=message_id)
    if message.is_note or message.direction != Message.Direction.OUTBOUND:
        logger.error("refused to deliver message %s: not an outbound reply", message.pk)
        return "refused"
    if message.delivery != Message.Delivery.QUEUED:
        return message.delivery
    now = timezone.now()
    claimed = Message.objects.filter(
        pk=message.pk, delivery=Message.Delivery.QUEUED, delivery_attempts=message.delivery_attempts
    ).update(delivery_attempts=F("delivery_attempts") + 1, delivery_due_at=now + DELIVERY_LEASE)
    if not claimed:
        return "claimed"
    attempts = message.delivery_attempts + 1
    try:
        provider_id = registry.adapter_for(message.inbox.kind).send(message=message)
    except registry.DeliveryError as error:
        recorded = error.recorded()
        if error.permanent or attempts >= MAX_DELIVERY_ATTEMPTS:
            Message.objects.filter(pk=message.pk).update(
                delivery=Message.Delivery.FAILED,
                delivery_error=recorded,
                delivery_due_at=None,
            )
            timeline_add(
                conversation=message.conversation,
                actor=None,
                kind=ConversationEvent.Kind.DELIVERY_FAILED,
                data={"message": message.pk, "reason": recorded[:300]},
            )
            state = Message.Delivery.FAILED
        else:
            wait = backoff(attempts)
            if error.retry_after:  # the provider said when (HTTP 429 Retry-After)
                wait = max(wait, dt.timedelta(seconds=min(error.retry_after, 3600)))
            Message.objects.filter(pk=message.pk).update(
                delivery_error=recorded, delivery_due_at=now + wait
            )
            state = Message.Delivery.QUEUED
        transaction.on_commit(
            lambda: _publish("message.updated", message.conversation, message=message.pk)
        )
        return state
    sent: dict[str, object] = {}
    if provider_id:
        # The provider's id: its delivery and read reports name the message by it.
        sent["external_id"] = provider_id[:255]
    Message.objects.filter(pk=message.pk).update(
        delivery=Message.Delivery.SENT,
        sent_at=timezone.now(),
        delivery_error="",
        delivery_due_at=None,
        **sent,
    )
    _publish("message.updated", message.conversation, message=message.pk)
    return Message.Delivery.SENT


@task()
def deliver_task(*, message_id: int) -> str:
    """The worker's form of message_deliver (idempotent: a sent or claimed message is not sent
    again)."""
    return message_deliver(message_id=message_id)


def delivery_retry_due(message_id: int) -> None:
    transaction.on_commit(lambda: deliver_task.enqueue(message_id=message_id))


def message_retry(*, message: Message) -> None:
    """An agent asks to try a failed message again."""
    if message.delivery != Message.Delivery.FAILED:
        raise ValidationError(_("Only failed messages can be sent again."))
    Message.objects.filter(pk=message.pk).update(
        delivery=Message.Delivery.QUEUED, delivery_attempts=0, delivery_error=""
    )
    transaction.on_commit(lambda: deliver_task.enqueue(message_id=message.pk))


def on_message_created(event: Event) -> None:
    """Event handler: an agent's reply was stored; hand it to its channel."""
    deliver = event.payload.get("deliver")
    message_id = int(event.payload.get("message", 0))
    if deliver == "now":
        # A chat reply is a push to the open widget: no reason to wait for the worker.
        try:
            message_deliver(message_id=message_id)
        except Exception:
            logger.exception(
                "instant delivery of message %s failed; queued for the worker", message_id
            )
            deliver_task.enqueue(message_id=message_id)
    elif deliver == "queue":
        deliver_task.enqueue(message_id=message_id)
