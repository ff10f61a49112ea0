"""Inbound and outbound for every channel: store first, then parse, receive, deliver.

`inbound_ingest` is the one path every channel's inbound takes (IMAP poller, SMTP receiver,
`layan email ingest`, webhooks later): the payload is committed as an `InboundRaw` row before
anything else happens, processing is claimed by compare-and-set so two workers never process one
payload, and a failure leaves the row FAILED with its error (retried with backoff when the
failure may be temporary). `message_deliver` is the one place anything leaves the building.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from layan.accounts.models import Team, User, Workspace
from layan.conversations.models import Conversation, ConversationEvent, Message
from layan.conversations.services import message_receive, timeline_add
from layan.core.events import Event, publish
from layan.customers.services import customer_resolve
from layan.inboxes import registry
from layan.inboxes.models import InboundRaw, Inbox
from layan.inboxes.types import InboundMessage

logger = logging.getLogger(__name__)

MAX_PROCESS_ATTEMPTS = 5
MAX_DELIVERY_ATTEMPTS = 6
# A claimed delivery that never reports back (the worker died mid-send) is tried again after this.
DELIVERY_LEASE = dt.timedelta(minutes=10)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8… minutes, at most an hour."""
    return dt.timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


@transaction.atomic
def inbox_create(
    *,
    workspace: Workspace,
    kind: str,
    name: str,
    address: str = "",
    config: dict[str, Any] | None = None,
    team: Team | None = None,
) -> Inbox:
    adapter = registry.adapter_for(kind)
    inbox = Inbox(
        workspace=workspace,
        kind=kind,
        name=name.strip(),
        address=address.strip().lower(),
        config=adapter.validate_config(config or {}),
        team=team,
    )
    inbox.full_clean()
    inbox.save()
    inbox_schedule_poll(inbox=inbox)
    return inbox


@transaction.atomic
def inbox_update(
    *,
    inbox: Inbox,
    name: str,
    address: str,
    config: dict[str, Any],
    team: Team | None,
    is_active: bool,
) -> Inbox:
    inbox.name = name.strip()
    inbox.address = address.strip().lower()
    inbox.config = registry.adapter_for(inbox.kind).validate_config(config)
    inbox.team = team
    inbox.is_active = is_active
    inbox.full_clean()
    inbox.save()
    inbox_schedule_poll(inbox=inbox)
    return inbox


def inbox_schedule_poll(*, inbox: Inbox, delay: dt.timedelta | None = None) -> None:
    polls = (
        inbox.is_active and inbox.kind == Inbox.Kind.EMAIL and bool(inbox.config.get("imap_host"))
    )
    due = timezone.now() + (delay or dt.timedelta()) if polls else None
    Inbox.objects.filter(pk=inbox.pk).update(poll_due_at=due)
    inbox.poll_due_at = due


def inbox_for_address(*, address: str, workspace: Workspace | None = None) -> Inbox | None:
    """The email inbox a recipient address belongs to (plus-addressing ignored)."""
    local, _at, domain = address.strip().lower().partition("@")
    if not domain:
        return None
    inboxes = Inbox.objects.filter(
        kind=Inbox.Kind.EMAIL, is_active=True, address=f"{local.split('+')[0]}@{domain}"
    ).select_related("workspace")
    if workspace is not None:
        inboxes = inboxes.filter(workspace=workspace)
    return inboxes.first()


@dataclass(frozen=True)
class IngestResult:
    """What happened to one inbound payload: ok, duplicate, ignored or failed."""

    status: str
    raw_id: int
    conversation_number: int | None = None
    reason: str = ""
    conversation_id: int | None = None
    # The message stored (or found again, for a duplicate) when this run processed it.
    message_id: int | None = None

    def line(self) -> str:
        if self.status in {"ok", "duplicate"}:
            return f"{self.status} {self.conversation_number}"
        return f"failed {self.reason}"


def inbound_store(*, inbox: Inbox, payload: bytes, source: str) -> tuple[InboundRaw, bool]:
    """Commit the payload (or find it, if these exact bytes came before)."""
    digest = hashlib.sha256(payload).hexdigest()
    try:
        with transaction.atomic():
            raw = InboundRaw.objects.create(
                inbox=inbox, source=source, digest=digest, payload=payload
            )
    except IntegrityError:
        return InboundRaw.objects.select_related("inbox__workspace").get(
            inbox=inbox, digest=digest
        ), False
    raw.inbox = inbox
    return raw, True


def inbound_ingest(*, inbox: Inbox, payload: bytes, source: str) -> IngestResult:
    raw, _created = inbound_store(inbox=inbox, payload=payload, source=source)
    return inbound_process(raw=raw)


def _result_of(raw: InboundRaw, *, duplicate: bool = False) -> IngestResult:
    number = (
        Conversation.objects.filter(pk=raw.conversation_id).values_list("number", flat=True).first()
        if raw.conversation_id
        else None
    )
    conversation_id = raw.conversation_id
    status = {
        InboundRaw.Status.PROCESSED: "duplicate" if duplicate else "ok",
        InboundRaw.Status.DUPLICATE: "duplicate",
        InboundRaw.Status.IGNORED: "ignored",
    }.get(InboundRaw.Status(raw.status), "failed")
    if status == "failed" and raw.status == InboundRaw.Status.PENDING:
        return IngestResult(
            "failed", raw.pk, number, "being processed by another worker", conversation_id
        )
    return IngestResult(status, raw.pk, number, raw.error, conversation_id)


def inbound_process(
    *, raw_id: int | None = None, raw: InboundRaw | None = None, actor: User | None = None
) -> IngestResult:
    """Parse and receive one stored payload. Never raises: failures are recorded on the row.

    Everything a payload creates (customer, conversation, message) is written in one
    transaction. When a concurrent delivery of the same message or sender wins a unique
    constraint, that transaction rolls back as a whole and the payload is processed once more,
    now finding what the other delivery wrote (so a race never leaves an empty conversation).
    """
    if raw is None:
        raw = InboundRaw.objects.select_related("inbox__workspace").get(pk=raw_id or 0)
    if raw.status not in {InboundRaw.Status.PENDING, InboundRaw.Status.FAILED}:
        return _result_of(raw, duplicate=True)
    try:
        inbound = registry.adapter_for(raw.inbox.kind).parse_inbound(bytes(raw.payload))
    except Exception as error:
        # The same bytes will fail the same way: kept for an admin to look at and reprocess.
        logger.warning("inbound %s could not be parsed: %s", raw.pk, error)
        return _fail(raw, f"{_('Could not read the message')}: {error}", retry=False)
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                claimed = InboundRaw.objects.filter(
                    pk=raw.pk,
                    status__in=[InboundRaw.Status.PENDING, InboundRaw.Status.FAILED],
                    attempts=raw.attempts,
                ).update(attempts=F("attempts") + 1, retry_due_at=None, reprocessed_by=actor)
                if not claimed:
                    raw.refresh_from_db()
                    return _result_of(raw, duplicate=True)
                status, conversation, reason, message_id = inbound_receive(
                    inbox=raw.inbox, inbound=inbound, raw=raw
                )
                InboundRaw.objects.filter(pk=raw.pk).update(
                    status=status,
                    error=reason,
                    conversation=conversation,
                    processed_at=timezone.now(),
                )
        except IntegrityError:
            if attempt == 1:
                logger.info("inbound %s raced another delivery; processing it again", raw.pk)
                continue
            logger.exception("inbound %s failed", raw.pk)
            raw.refresh_from_db()
            return _fail(raw, "IntegrityError", retry=True)
        except Exception as error:
            logger.exception("inbound %s failed", raw.pk)
            raw.refresh_from_db()
            return _fail(raw, f"{type(error).__name__}: {error}", retry=True)
        outcome = {
            InboundRaw.Status.PROCESSED: "ok",
            InboundRaw.Status.DUPLICATE: "duplicate",
            InboundRaw.Status.IGNORED: "ignored",
        }[InboundRaw.Status(status)]
        return IngestResult(
            outcome,
            raw.pk,
            conversation.number if conversation else None,
            reason,
            conversation.pk if conversation else None,
            message_id,
        )
    raise AssertionError("unreachable")


def _fail(raw: InboundRaw, error: str, *, retry: bool) -> IngestResult:
    attempts = raw.attempts + 1
    due = timezone.now() + backoff(attempts) if retry and attempts < MAX_PROCESS_ATTEMPTS else None
    InboundRaw.objects.filter(pk=raw.pk).update(
        status=InboundRaw.Status.FAILED, error=error[:2000], attempts=attempts, retry_due_at=due
    )
    return IngestResult("failed", raw.pk, None, error.splitlines()[0][:300] if error else "")


def inbound_receive(
    *, inbox: Inbox, inbound: InboundMessage, raw: InboundRaw | None
) -> tuple[str, Conversation | None, str, int | None]:
    """Inside the processing transaction: customer, conversation, message. Returns the raw row's
    new status, the conversation it landed in, why it was ignored (if it was), and the message."""
    workspace = inbox.workspace
    if inbound.bounce is not None:
        return _bounce_receive(inbox=inbox, inbound=inbound)
    if inbox.address and inbound.sender_address == inbox.address:
        return InboundRaw.Status.IGNORED, None, "sent by this inbox itself (mail loop)", None
    if not inbound.language:
        from layan.search.analysis import detect_language

        inbound.language = detect_language(
            f"{inbound.subject}\n{inbound.text}", workspace.languages
        )
    customer = customer_resolve(
        workspace=workspace,
        kind=inbound.identity_kind,
        address=inbound.sender_address,
        name=inbound.sender_name,
        language=inbound.language,
    )
    # A racing duplicate raises IntegrityError here: inbound_process rolls back and retries.
    received = message_receive(inbox=inbox, customer=customer, inbound=inbound, raw=raw)
    if received.created_conversation and getattr(registry.adapter_for(inbox.kind), "live", False):
        from layan.routing.services import conversation_route

        # A live chat needs a person now: straight to an available agent, or the queue; unless
        # the answer bot replies first (it routes the chat when it hands off).
        if not inbox.config.get("bot"):
            conversation_route(conversation=received.conversation)
    status = InboundRaw.Status.DUPLICATE if received.duplicate else InboundRaw.Status.PROCESSED
    return status, received.conversation, "", received.message.pk


def _bounce_receive(
    *, inbox: Inbox, inbound: InboundMessage
) -> tuple[str, Conversation | None, str, int | None]:
    assert inbound.bounce is not None
    original = (
        Message.objects.filter(
            conversation__workspace_id=inbox.workspace_id,
            external_id=inbound.bounce.original_message_id,
            direction=Message.Direction.OUTBOUND,
        )
        .select_related("conversation")
        .first()
    )
    if original is None:
        return (
            InboundRaw.Status.IGNORED,
            None,
            "delivery report about a message we did not send",
            None,
        )
    reason = inbound.bounce.reason[:1000]
    Message.objects.filter(pk=original.pk).update(
        delivery=Message.Delivery.FAILED, delivery_error=reason, delivery_due_at=None
    )
    conversation = original.conversation
    timeline_add(
        conversation=conversation,
        actor=None,
        kind=ConversationEvent.Kind.DELIVERY_FAILED,
        data={"message": original.pk, "reason": reason},
    )
    _publish_message(conversation, original.pk)
    return InboundRaw.Status.PROCESSED, conversation, "", original.pk


def _publish_message(conversation: Conversation, message_id: int) -> None:
    publish(
        Event(
            name="message.updated",
            workspace_id=conversation.workspace_id,
            payload={
                "conversation": conversation.pk,
                "number": conversation.number,
                "message": message_id,
            },
        )
    )


def inbound_reprocess(*, raw: InboundRaw, actor: User) -> IngestResult:
    if raw.status not in {InboundRaw.Status.FAILED, InboundRaw.Status.PENDING}:
        raise ValidationError(_("Only failed messages can be processed again."))
    return inbound_process(raw_id=raw.pk, actor=actor)


def inbound_retry_due(raw_id: int) -> None:
    """Timer handler (inside the claim transaction): hand the retry to the task worker."""
    from layan.inboxes.tasks import inbound_process_task

    transaction.on_commit(lambda: inbound_process_task.enqueue(raw_id=raw_id))


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
        registry.adapter_for(message.inbox.kind).send(message=message)
    except registry.DeliveryError as error:
        if error.permanent or attempts >= MAX_DELIVERY_ATTEMPTS:
            Message.objects.filter(pk=message.pk).update(
                delivery=Message.Delivery.FAILED,
                delivery_error=str(error)[:2000],
                delivery_due_at=None,
            )
            timeline_add(
                conversation=message.conversation,
                actor=None,
                kind=ConversationEvent.Kind.DELIVERY_FAILED,
                data={"message": message.pk, "reason": str(error)[:300]},
            )
            state = Message.Delivery.FAILED
        else:
            Message.objects.filter(pk=message.pk).update(
                delivery_error=str(error)[:2000], delivery_due_at=now + backoff(attempts)
            )
            state = Message.Delivery.QUEUED
        transaction.on_commit(lambda: _publish_message(message.conversation, message.pk))
        return state
    Message.objects.filter(pk=message.pk).update(
        delivery=Message.Delivery.SENT,
        sent_at=timezone.now(),
        delivery_error="",
        delivery_due_at=None,
    )
    _publish_message(message.conversation, message.pk)
    return Message.Delivery.SENT


def delivery_retry_due(message_id: int) -> None:
    from layan.inboxes.tasks import deliver_task

    transaction.on_commit(lambda: deliver_task.enqueue(message_id=message_id))


def message_retry(*, message: Message) -> None:
    """An agent asks to try a failed message again."""
    from layan.inboxes.tasks import deliver_task

    if message.delivery != Message.Delivery.FAILED:
        raise ValidationError(_("Only failed messages can be sent again."))
    Message.objects.filter(pk=message.pk).update(
        delivery=Message.Delivery.QUEUED, delivery_attempts=0, delivery_error=""
    )
    transaction.on_commit(lambda: deliver_task.enqueue(message_id=message.pk))


def inbox_poll_due(inbox_id: int) -> None:
    """Timer handler: schedule the next poll first (a crashed poll must not stop polling)."""
    from layan.inboxes.tasks import imap_poll_task

    inbox = Inbox.objects.get(pk=inbox_id)
    seconds = int(inbox.config.get("poll_seconds", 60))
    inbox_schedule_poll(inbox=inbox, delay=dt.timedelta(seconds=seconds))
    transaction.on_commit(lambda: imap_poll_task.enqueue(inbox_id=inbox_id))
