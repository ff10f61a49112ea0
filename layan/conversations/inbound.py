"""Inbound for every channel: store first, then parse and receive.

`inbound_ingest` is the one path every channel's inbound takes (IMAP poller, SMTP receiver,
`layan email ingest`, chat frames, the contact form, webhooks): the payload is committed as an
`InboundRaw` row before anything else happens, processing is claimed by compare-and-set so two
workers never process one payload, and a failure leaves the row FAILED with its error (retried
with backoff when the failure may be temporary). A row is stored with a lease: if the process
that stored it dies before processing it, the retry timer picks it up when the lease runs out.
The channel's adapter parses (`inboxes.registry`); `receiving.py` threads and writes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import (
    DatabaseError,
    IntegrityError,
    close_old_connections,
    connection,
    connections,
    models,
    transaction,
)
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from layan.accounts.models import User
from layan.conversations.models import Conversation, ConversationEvent, Message
from layan.conversations.receiving import (
    Incoming,
    may_continue_open,
    messages_continue_open,
    messages_receive,
)
from layan.conversations.services import _publish, timeline_add
from layan.core.rows import column, rows_insert, table
from layan.core.timers import backoff
from layan.customers.services import IdentityClaim, customers_resolve
from layan.inboxes import registry
from layan.inboxes.models import InboundRaw, Inbox
from layan.inboxes.types import InboundMessage, without_null_characters
from layan.search.analysis import detect_language

logger = logging.getLogger(__name__)

MAX_PROCESS_ATTEMPTS = 5
# A stored payload still waiting after this (its process died before processing it) is retried.
PROCESS_LEASE = dt.timedelta(minutes=10)
RETRYABLE = (InboundRaw.Status.PENDING, InboundRaw.Status.QUEUED, InboundRaw.Status.FAILED)


@dataclass(frozen=True)
class IngestResult:
    """What happened to one inbound payload: ok, duplicate, ignored or failed."""

    status: str
    raw_id: int
    conversation_number: int | None = None
    reason: str = ""
    conversation_id: int | None = None
    # The message stored (or found again, for a duplicate) when this run processed it, with its
    # conversation as this run left it (a chat acknowledges it without reading it back).
    message: Message | None = field(default=None, compare=False, repr=False)

    @property
    def message_id(self) -> int | None:
        return self.message.pk if self.message is not None else None

    def line(self) -> str:
        if self.status in {"ok", "duplicate"}:
            return f"{self.status} {self.conversation_number}"
        return f"failed {self.reason}"


def inbound_store(
    *, inbox: Inbox, payload: bytes, source: str, status: str = InboundRaw.Status.PENDING
) -> tuple[InboundRaw, bool]:
    """Commit the payload (or find it, if these exact bytes came before)."""
    digest = hashlib.sha256(payload).hexdigest()
    try:
        raw = InboundRaw(
            inbox=inbox,
            source=source,
            digest=digest,
            payload=payload,
            status=status,
            retry_due_at=timezone.now() + PROCESS_LEASE,
        )
        # One INSERT is a transaction of its own (BEGIN and COMMIT would be two more round
        # trips to the database); inside the caller's transaction, a savepoint keeps a refused
        # duplicate from spoiling it.
        with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
            rows_insert([raw])
    except IntegrityError:
        return InboundRaw.objects.select_related("inbox__workspace").get(
            inbox=inbox, digest=digest
        ), False
    raw.inbox = inbox
    return raw, True


def inbound_store_many(
    *,
    inbox: Inbox,
    payloads: Sequence[bytes],
    source: str,
    status: str = InboundRaw.Status.PENDING,
) -> list[InboundRaw]:
    """Commit many payloads in one transaction (the same bytes twice are one row); the rows are
    in the order of `payloads`."""
    if len(payloads) == 1:
        return [inbound_store(inbox=inbox, payload=payloads[0], source=source, status=status)[0]]
    digests = [hashlib.sha256(payload).hexdigest() for payload in payloads]
    # Nearly always all new: first stored without looking (the unique constraint refuses bytes
    # seen before), then, if that failed, with the ones stored before looked up.
    for look_up in (False, True):
        try:
            return _store_batch(
                inbox, digests, payloads, source=source, status=status, look_up=look_up
            )
        except IntegrityError:
            continue
    # Another process stored some of them meanwhile: one by one finds or stores each.
    return [
        inbound_store(inbox=inbox, payload=payload, source=source, status=status)[0]
        for payload in payloads
    ]


def _store_batch(
    inbox: Inbox,
    digests: list[str],
    payloads: Sequence[bytes],
    *,
    source: str,
    status: str,
    look_up: bool,
) -> list[InboundRaw]:
    with transaction.atomic():
        stored = (
            {
                raw.digest: raw
                for raw in InboundRaw.objects.filter(inbox=inbox, digest__in=set(digests))
            }
            if look_up
            else {}
        )
        new: dict[str, InboundRaw] = {}
        lease = timezone.now() + PROCESS_LEASE
        for digest, payload in zip(digests, payloads, strict=True):
            if digest not in stored and digest not in new:
                new[digest] = InboundRaw(
                    inbox=inbox,
                    source=source,
                    digest=digest,
                    payload=payload,
                    status=status,
                    retry_due_at=lease,
                )
        rows_insert(list(new.values()))
    stored.update(new)
    for raw in stored.values():
        raw.inbox = inbox
    return [stored[digest] for digest in digests]


def inbound_ingest(*, inbox: Inbox, payload: bytes, source: str) -> IngestResult:
    raw, _created = inbound_store(inbox=inbox, payload=payload, source=source)
    return inbound_process(raw=raw)


def inbound_ingest_many(
    *, inbox: Inbox, payloads: Sequence[bytes], source: str
) -> list[IngestResult]:
    """Store, then process, a batch of payloads (an IMAP poll, an import): one result each."""
    raws = inbound_store_many(inbox=inbox, payloads=payloads, source=source)
    return inbound_process_many(raws=raws)


def inbound_accept(*, inbox: Inbox, payloads: Sequence[bytes], source: str) -> list[InboundRaw]:
    """A webhook's events, stored (committed) now, QUEUED for the worker's drain loop: the
    provider gets its answer after one insert, and a burst is processed in batches. The same
    event delivered twice (providers retry) is the same bytes: one row, one message."""
    return inbound_store_many(
        inbox=inbox, payloads=payloads, source=source, status=InboundRaw.Status.QUEUED
    )


DRAIN_BATCH = 100
# How long the drain loop waits when nothing is queued.
DRAIN_IDLE_SECONDS = 0.2


def inbound_drain(*, limit: int = DRAIN_BATCH) -> int:
    """Process one batch of queued payloads, oldest first (each inbox's in arrival order);
    returns how many were taken. Several workers may drain at once: each row is claimed by
    compare-and-set, so none is processed twice."""
    raws = list(
        InboundRaw.objects.select_related("inbox__workspace")
        .filter(status=InboundRaw.Status.QUEUED)
        .order_by("id")[:limit]
    )
    by_inbox: dict[int, list[InboundRaw]] = {}
    for raw in raws:
        by_inbox.setdefault(raw.inbox_id, []).append(raw)
    for batch in by_inbox.values():
        inbound_process_many(raws=batch)
    return len(raws)


def inbound_drain_loop(stop: threading.Event) -> None:
    """Background loop (`layan worker`, `layan run`): drain queued webhook events until stopped.
    A failing pass (the database restarting) is logged and tried again."""
    while not stop.is_set():
        close_old_connections()
        try:
            taken = inbound_drain()
        except Exception:
            logger.exception("inbound drain pass failed")
            taken = 0
        if not taken:
            stop.wait(DRAIN_IDLE_SECONDS)
    connections.close_all()


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
    """Parse and receive one stored payload. Never raises: failures are recorded on the row."""
    if raw is None:
        raw = InboundRaw.objects.select_related("inbox__workspace").get(pk=raw_id or 0)
    return inbound_process_many(raws=[raw], actor=actor)[0]


@task()
def inbound_process_task(*, raw_id: int) -> str:
    return inbound_process(raw_id=raw_id).status


_OUTCOMES = {
    InboundRaw.Status.PROCESSED: "ok",
    InboundRaw.Status.DUPLICATE: "duplicate",
    InboundRaw.Status.IGNORED: "ignored",
}


def inbound_process_many(
    *, raws: Sequence[InboundRaw], actor: User | None = None
) -> list[IngestResult]:
    """Parse and receive stored payloads (of one inbox) in order. Never raises: failures are
    recorded on their rows. The results are in the order of `raws` (a row listed twice is
    processed once and reported as a duplicate the second time).

    Everything the payloads create (customers, conversations, messages) is written in one
    transaction. When it fails — a concurrent delivery of the same message or sender won a
    unique constraint, or one payload cannot be received — it rolls back as a whole and each
    payload is processed again on its own, where a race is retried once (now finding what the
    other delivery wrote, so a race never leaves an empty conversation) and a failure stays
    with the payload that caused it.
    """
    results: dict[int, IngestResult] = {}
    batch: list[tuple[InboundRaw, InboundMessage]] = []
    seen: set[int] = set()
    for raw in raws:
        if raw.pk in seen:
            continue
        seen.add(raw.pk)
        if raw.status not in RETRYABLE:
            results[raw.pk] = _result_of(raw, duplicate=True)
            continue
        try:
            inbound = without_null_characters(
                registry.adapter_for(raw.inbox.kind).parse_inbound(bytes(raw.payload))
            )
        except Exception as error:
            # The same bytes will fail the same way: kept for an admin to look at and reprocess.
            logger.warning("inbound %s could not be parsed: %s", raw.pk, error)
            # Recorded in one language for every reader (the failed-messages page translates it).
            results[raw.pk] = _fail(raw, f"Could not read the message: {error}", retry=False)
            continue
        batch.append((raw, inbound))
    if batch:
        quick = _receive_quick(batch, actor=actor)
        if quick is None:
            quick = _receive_batch(batch, actor=actor, alone=len(batch) == 1)
        results.update(quick)
    ordered = []
    reported: set[int] = set()
    for raw in raws:
        result = results[raw.pk]
        if raw.pk in reported and result.status == "ok":
            result = replace(result, status="duplicate")
        reported.add(raw.pk)
        ordered.append(result)
    return ordered


class _Taken(Exception):
    """Another worker processed the payload while this one was receiving it."""


def _receive_batch(
    batch: list[tuple[InboundRaw, InboundMessage]], *, actor: User | None, alone: bool
) -> dict[int, IngestResult]:
    attempts = (1, 2) if alone else (1,)
    for attempt in attempts:
        try:
            with transaction.atomic():
                outcomes = inbound_receive_many(
                    inbox=batch[0][0].inbox,
                    items=[(inbound, raw) for raw, inbound in batch],
                    # A payload on its own is first tried as new (nearly always right): the
                    # unique constraint catches one seen before, and the second try finds it.
                    look_up_duplicates=not (alone and attempt == 1),
                )
                _raws_record(batch, outcomes, actor=actor)
        except _Taken:
            if alone:
                return {raw.pk: _refreshed_result(raw) for raw, _inbound in batch}
            # Another worker processed some of these meanwhile: each on its own finds out which.
            return _one_by_one(batch, actor=actor, why="some were processed elsewhere")
        except Exception as error:
            if not alone:
                return _one_by_one(batch, actor=actor, why=str(error))
            raw = batch[0][0]
            if isinstance(error, IntegrityError) and attempt == 1:
                logger.info(
                    "inbound %s met a unique constraint (seen before, or raced); again", raw.pk
                )
                continue
            logger.exception("inbound %s failed", raw.pk)
            raw.refresh_from_db()
            kind = "IntegrityError" if isinstance(error, IntegrityError) else type(error).__name__
            detail = "" if isinstance(error, IntegrityError) else f": {error}"
            return {raw.pk: _fail(raw, f"{kind}{detail}", retry=True)}
        return {
            raw.pk: IngestResult(
                _OUTCOMES[InboundRaw.Status(status)],
                raw.pk,
                conversation.number if conversation else None,
                reason,
                conversation.pk if conversation else None,
                message,
            )
            for (raw, _inbound), (status, conversation, reason, message) in zip(
                batch, outcomes, strict=True
            )
        }
    raise AssertionError("unreachable")


class _NotQuick(Exception):
    """A message of the batch needs the full path."""


def _receive_quick(
    batch: list[tuple[InboundRaw, InboundMessage]], *, actor: User | None
) -> dict[int, IngestResult] | None:
    """A batch of messages that only continue open conversations, stored without the full
    path's reads (see messages_continue_open); None, with nothing written, when it does not
    apply."""
    inbox = batch[0][0].inbox
    if not all(may_continue_open(inbound) for _raw, inbound in batch) or (
        inbox.address and any(inbound.sender_address == inbox.address for _r, inbound in batch)
    ):
        return None
    try:
        with transaction.atomic():
            received = messages_continue_open(
                inbox=inbox, items=[(inbound, raw) for raw, inbound in batch]
            )
            if received is None:
                raise _NotQuick
            outcomes: list[Outcome] = [
                (InboundRaw.Status.PROCESSED, r.conversation, "", r.message) for r in received
            ]
            _raws_record(batch, outcomes, actor=actor)
    except (_NotQuick, _Taken, DatabaseError):
        # Rolled back; the full path decides (and records a failure as such, for a retry).
        return None
    return {
        raw.pk: IngestResult("ok", raw.pk, r.conversation.number, "", r.conversation.pk, r.message)
        for (raw, _inbound), r in zip(batch, received, strict=True)
    }


def _one_by_one(
    batch: list[tuple[InboundRaw, InboundMessage]], *, actor: User | None, why: str
) -> dict[int, IngestResult]:
    logger.info("a batch of %s payloads failed (%s); one by one", len(batch), why)
    results: dict[int, IngestResult] = {}
    for raw, inbound in batch:
        raw.refresh_from_db()
        if raw.status in RETRYABLE:
            results.update(_receive_batch([(raw, inbound)], actor=actor, alone=True))
        else:
            results[raw.pk] = _result_of(raw, duplicate=True)
    return results


def _raws_record(
    batch: list[tuple[InboundRaw, InboundMessage]], outcomes: list[Outcome], *, actor: User | None
) -> None:
    """Claim the rows and write their outcomes, in one statement per distinct outcome (one for
    all the rows that became a message of their own, the usual case). Each row is compared
    with the row as it was read — still waiting, with the same attempt count — so that when
    another worker got to one first, this transaction rolls back (`_Taken`) instead of
    recording it twice. Racing is rare (a payload is processed by the process that stored
    it), so claiming as the last step costs nothing up front."""
    now = timezone.now()
    # attempts -> rows that became a message of their own (their conversation is the message's)
    own: dict[int, list[tuple[int, int]]] = {}
    others: dict[tuple[str, str, int | None, int], list[int]] = {}
    for (raw, inbound), (status, conversation, reason, _message) in zip(
        batch, outcomes, strict=True
    ):
        if (
            status == InboundRaw.Status.PROCESSED
            and inbound.bounce is None
            and inbound.status is None
            and conversation
        ):
            own.setdefault(raw.attempts, []).append((raw.pk, conversation.pk))
        else:
            key = (status, reason, conversation.pk if conversation else None, raw.attempts)
            others.setdefault(key, []).append(raw.pk)
    recorded = 0
    stamp = connection.ops.adapt_datetimefield_value(now)
    for attempts, rows in own.items():
        with connection.cursor() as cursor:
            params: list[Any] = [
                *[InboundRaw.Status.PROCESSED, stamp],
                *([rows[0][1]] if len(rows) == 1 else []),
                *[attempts + 1, actor.pk if actor else None],
                *[pk for pk, _conversation in rows],
                *[*RETRYABLE, attempts],
            ]
            cursor.execute(_record_own_sql(len(rows)), params)
            recorded += cursor.rowcount
    for (status, reason, conversation_id, attempts), ids in others.items():
        recorded += InboundRaw.objects.filter(
            pk__in=ids, status__in=RETRYABLE, attempts=attempts
        ).update(
            status=status,
            error=reason,
            processed_at=now,
            conversation_id=conversation_id,
            attempts=attempts + 1,
            retry_due_at=None,
            reprocessed_by=actor,
        )
    if recorded != len(batch):
        raise _Taken


@functools.lru_cache(maxsize=128)
def _record_own_sql(count: int) -> str:
    """_raws_record's statement for rows that each became a message of their own: the ORM's
    UPDATE, written once per row count (building it was a sixth of a chat message's time)."""

    def c(name: str, model: type[models.Model] = InboundRaw) -> str:
        return column(model, name)

    raws = table(InboundRaw)
    # One row: its conversation is a parameter; several: each row's message names its own.
    conversation = (
        "%s"
        if count == 1
        else f"(SELECT m.{c('conversation', Message)} FROM {table(Message)} m "  # noqa: S608
        f"WHERE m.{c('raw', Message)} = {raws}.{c('id')} LIMIT 1)"
    )
    # Only names from the models and placeholders: every value is a parameter.
    return (
        f"UPDATE {raws} SET {c('status')} = %s, {c('error')} = '', "  # noqa: S608
        f"{c('processed_at')} = %s, {c('conversation')} = {conversation}, "
        f"{c('attempts')} = %s, {c('retry_due_at')} = NULL, {c('reprocessed_by')} = %s "
        f"WHERE {c('id')} IN ({', '.join(['%s'] * count)}) "
        f"AND {c('status')} IN ({', '.join(['%s'] * len(RETRYABLE))}) AND {c('attempts')} = %s"
    )


def _refreshed_result(raw: InboundRaw) -> IngestResult:
    raw.refresh_from_db()
    return _result_of(raw, duplicate=True)


def _fail(raw: InboundRaw, error: str, *, retry: bool) -> IngestResult:
    attempts = raw.attempts + 1
    due = timezone.now() + backoff(attempts) if retry and attempts < MAX_PROCESS_ATTEMPTS else None
    if not InboundRaw.objects.filter(pk=raw.pk, status__in=RETRYABLE).update(
        status=InboundRaw.Status.FAILED, error=error[:2000], attempts=attempts, retry_due_at=due
    ):
        return _refreshed_result(raw)  # another worker processed it meanwhile
    return IngestResult("failed", raw.pk, None, error.splitlines()[0][:300] if error else "")


Outcome = tuple[str, Conversation | None, str, Message | None]


def inbound_receive(*, inbox: Inbox, inbound: InboundMessage, raw: InboundRaw | None) -> Outcome:
    """Inside the processing transaction: customer, conversation, message. Returns the raw row's
    new status, the conversation it landed in, why it was ignored (if it was), and the message."""
    return inbound_receive_many(inbox=inbox, items=[(inbound, raw)])[0]


def inbound_receive_many(
    *,
    inbox: Inbox,
    items: Sequence[tuple[InboundMessage, InboundRaw | None]],
    look_up_duplicates: bool = True,
) -> list[Outcome]:
    """inbound_receive for a batch: customers resolved together, messages received together."""
    workspace = inbox.workspace
    outcomes: dict[int, Outcome] = {}
    customer_messages: list[tuple[int, InboundMessage, InboundRaw | None]] = []
    for index, (inbound, raw) in enumerate(items):
        if inbound.bounce is not None:
            outcomes[index] = _bounce_receive(inbox=inbox, inbound=inbound)
        elif inbound.status is not None:
            outcomes[index] = _status_receive(inbox=inbox, inbound=inbound)
        elif inbound.ignored:
            outcomes[index] = (InboundRaw.Status.IGNORED, None, inbound.ignored, None)
        elif inbox.address and inbound.sender_address == inbox.address:
            outcomes[index] = (
                InboundRaw.Status.IGNORED,
                None,
                "sent by this inbox itself (mail loop)",
                None,
            )
        else:
            if not inbound.language:
                inbound.language = detect_language(
                    f"{inbound.subject}\n{inbound.text}", workspace.languages
                )
            customer_messages.append((index, inbound, raw))
    customers = customers_resolve(
        workspace=workspace,
        claims=[
            IdentityClaim(
                kind=inbound.identity_kind,
                address=inbound.sender_address,
                name=inbound.sender_name,
                language=inbound.language,
            )
            for _index, inbound, _raw in customer_messages
        ],
    )
    # A racing duplicate raises IntegrityError here: inbound_process_many rolls back and retries.
    received = messages_receive(
        inbox=inbox,
        look_up_duplicates=look_up_duplicates,
        items=[
            Incoming(customer, inbound, raw)
            for customer, (_index, inbound, raw) in zip(customers, customer_messages, strict=True)
        ],
    )
    # A new live chat was routed as it opened (the event table's conversation.created).
    for (index, _inbound, _raw), outcome in zip(customer_messages, received, strict=True):
        status = InboundRaw.Status.DUPLICATE if outcome.duplicate else InboundRaw.Status.PROCESSED
        outcomes[index] = (status, outcome.conversation, "", outcome.message)
    return [outcomes[index] for index in range(len(items))]


def _bounce_receive(*, inbox: Inbox, inbound: InboundMessage) -> Outcome:
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
    _publish("message.updated", conversation, message=original.pk)
    return InboundRaw.Status.PROCESSED, conversation, "", original


# A report never moves a message back: a late "delivered" after "read" changes nothing.
STATUS_ORDER: dict[str, int] = {
    Message.Delivery.QUEUED: 0,
    Message.Delivery.SENT: 1,
    Message.Delivery.DELIVERED: 2,
    Message.Delivery.READ: 3,
}


def _status_receive(*, inbox: Inbox, inbound: InboundMessage) -> Outcome:
    """A provider's status report on one of our messages: sent, delivered, read or failed.
    Providers send them out of order and more than once: a message only moves forward."""
    assert inbound.status is not None
    report = inbound.status
    original = (
        Message.objects.filter(
            inbox=inbox, external_id=report.external_id, direction=Message.Direction.OUTBOUND
        )
        .select_related("conversation")
        .first()
    )
    if original is None:
        return InboundRaw.Status.IGNORED, None, "report about a message we did not send", None
    conversation = original.conversation
    if report.state == Message.Delivery.FAILED:
        if original.delivery == Message.Delivery.FAILED:
            return InboundRaw.Status.DUPLICATE, conversation, "", original
        recorded = registry.DeliveryError(
            report.detail or report.reason, reason=report.reason
        ).recorded()
        Message.objects.filter(pk=original.pk).update(
            delivery=Message.Delivery.FAILED, delivery_error=recorded, delivery_due_at=None
        )
        timeline_add(
            conversation=conversation,
            actor=None,
            kind=ConversationEvent.Kind.DELIVERY_FAILED,
            data={"message": original.pk, "reason": recorded[:300]},
        )
    else:
        rank = STATUS_ORDER.get(report.state)
        if rank is None:
            return InboundRaw.Status.IGNORED, conversation, f"unknown status {report.state}", None
        behind = [state for state, order in STATUS_ORDER.items() if order < rank]
        if not Message.objects.filter(pk=original.pk, delivery__in=behind).update(
            delivery=report.state
        ):
            return InboundRaw.Status.DUPLICATE, conversation, "", original
    _publish("message.updated", conversation, message=original.pk)
    return InboundRaw.Status.PROCESSED, conversation, "", original


def inbound_reprocess(*, raw: InboundRaw, actor: User) -> IngestResult:
    if raw.status not in {InboundRaw.Status.FAILED, InboundRaw.Status.PENDING}:
        raise ValidationError(_("Only failed messages can be processed again."))
    return inbound_process(raw_id=raw.pk, actor=actor)


def inbound_retry_due(raw_id: int) -> None:
    """Timer handler (inside the claim transaction): hand the retry to the task worker."""
    transaction.on_commit(lambda: inbound_process_task.enqueue(raw_id=raw_id))
