"""Receiving customer messages: find the conversation each continues, or open one; store it.

One implementation for one message and for a batch (an IMAP poll, an import, a burst of chat
frames): `messages_receive` reads everything the threading rules need with a constant number of
queries for the whole batch, decides message by message in order (a message may continue a
conversation an earlier message of the same batch opened), and writes in bulk.
`message_receive` is the batch of one. `messages_continue_open` is the quick path for the
common case of a messaging channel (a message in a chat that is already open and needs no
change but its counts): one guarded UPDATE per message and one INSERT, or None when any
message needs the full path.

Threading, in the order of docs/architecture.md: a messaging channel's open conversation
(`continues_latest`) -> our Message-IDs in In-Reply-To / References -> a reply token -> the
conversation number, from that conversation's customer only -> the same customer's open
conversation in this inbox with the same normalised subject, active recently.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from layan.conversations.models import Conversation, ConversationEvent, Message
from layan.conversations.services import (
    CUSTOMER_MESSAGE_FIELDS,
    _publish,
    _save_attachments,
    conversation_build,
    customer_message_apply,
    next_numbers,
    preview_of,
    subject_key,
)
from layan.core.rows import column, rows_insert, table
from layan.customers.models import Customer, Identity
from layan.customers.services import PHONE_KINDS, identity_normalize
from layan.inboxes.models import InboundRaw, Inbox
from layan.inboxes.types import InboundMessage

# The subject rule only threads into a conversation active within this window.
SUBJECT_MATCH_WINDOW = dt.timedelta(days=14)
# Only the last references of a long thread are looked up (the newest are at the end).
MAX_REFERENCES = 50


@dataclass(frozen=True)
class Incoming:
    """One customer message to receive: who sent it (resolved), what it says, its raw row."""

    customer: Customer
    inbound: InboundMessage
    raw: InboundRaw | None = None


@dataclass(frozen=True)
class Received:
    conversation: Conversation
    message: Message
    duplicate: bool
    created_conversation: bool


def message_receive(
    *,
    inbox: Inbox,
    customer: Customer,
    inbound: InboundMessage,
    raw: InboundRaw | None = None,
    now: dt.datetime | None = None,
) -> Received:
    """Store one customer message (see messages_receive)."""
    return messages_receive(inbox=inbox, items=[Incoming(customer, inbound, raw)], now=now)[0]


class _Threads:
    """What the threading rules need for a batch, read at once, kept current as it is planned."""

    def __init__(
        self, *, inbox: Inbox, items: Sequence[Incoming], now: dt.datetime, duplicates: bool
    ) -> None:
        self.inbox = inbox
        workspace_id = inbox.workspace_id
        inbounds = [item.inbound for item in items]
        customer_ids = {item.customer.pk for item in items}
        # Our message ids in the inbox: a message seen before is a duplicate.
        external_ids = {inbound.external_id for inbound in inbounds if inbound.external_id}
        self.existing: dict[str, tuple[int, int]] = (
            {
                external_id: (pk, conversation_id)
                for external_id, pk, conversation_id in Message.objects.filter(
                    inbox=inbox, external_id__in=external_ids
                )
                .order_by()  # a lookup: the message model's ordering would only cost time
                .values_list("external_id", "id", "conversation_id")
            }
            if external_ids and duplicates
            else {}
        )
        # Referenced message id -> (message pk, conversation pk), across the workspace.
        references = {
            reference
            for inbound in inbounds
            if not inbound.continues_latest
            for reference in inbound.references[-MAX_REFERENCES:]
        }
        self.referenced: dict[str, tuple[int, int]] = {}
        if references:
            for external_id, pk, conversation_id in (
                Message.objects.filter(
                    conversation__workspace_id=workspace_id, external_id__in=references
                )
                .order_by()
                .values_list("external_id", "id", "conversation_id")
            ):
                if pk > self.referenced.get(external_id, (0, 0))[0]:
                    self.referenced[external_id] = (pk, conversation_id)
        # Open conversations of these customers in this inbox: the messaging-channel rule and
        # the subject rule choose among them. The other rules are asked only when this batch
        # can use them (a chat frame needs none).
        wanted = Q(inbox=inbox, customer_id__in=customer_ids, status__in=Conversation.OPEN_STATUSES)
        known = {conversation for _message, conversation in self.referenced.values()}
        known |= {conversation for _message, conversation in self.existing.values()}
        if known:
            wanted |= Q(pk__in=known)
        tokens = {token for inbound in inbounds for token in inbound.thread_tokens}
        if tokens:
            wanted |= Q(reply_token__in=tokens)
        numbers = {inbound.conversation_number for inbound in inbounds} - {None}
        if numbers:
            wanted |= Q(number__in=numbers, customer_id__in=customer_ids)
        # Locked: what is decided from these rows holds until commit (an agent may be changing
        # one right now; SQLite's write lock serialises the same way).
        self.by_id: dict[int, Conversation] = {
            conversation.pk: conversation
            for conversation in Conversation.objects.select_for_update().filter(
                wanted, workspace_id=workspace_id
            )
        }
        self.by_token = {c.reply_token: c for c in self.by_id.values() if c.reply_token in tokens}
        self.by_number = {
            (c.number, c.customer_id): c for c in self.by_id.values() if c.number in numbers
        }
        # Newest activity first, so the first found per customer is the one to continue.
        self.open_of: dict[int, list[Conversation]] = {}
        for conversation in sorted(
            self.by_id.values(), key=lambda c: (c.last_activity_at, c.pk), reverse=True
        ):
            if (
                conversation.inbox_id == inbox.pk
                and conversation.customer_id in customer_ids
                and conversation.status in Conversation.OPEN_STATUSES
            ):
                self.open_of.setdefault(conversation.customer_id, []).append(conversation)
        self.window_start = now - SUBJECT_MATCH_WINDOW
        # Messages planned in this batch: their ids thread like stored ones, newer than any.
        self.planned: dict[str, Conversation] = {}

    def find(self, *, customer: Customer, inbound: InboundMessage) -> Conversation | None:
        if inbound.continues_latest:
            return next(iter(self.open_of.get(customer.pk, [])), None)
        if inbound.references:
            recent = inbound.references[-MAX_REFERENCES:]
            for reference in reversed(recent):
                if reference in self.planned:
                    return self.planned[reference]
            # The newest stored message among the references decides.
            known = [self.referenced[ref] for ref in recent if ref in self.referenced]
            if known:
                return self.by_id[max(known)[1]]
        for token in inbound.thread_tokens:
            if token in self.by_token:
                return self.by_token[token]
        if inbound.conversation_number is not None:
            found = self.by_number.get((inbound.conversation_number, customer.pk))
            if found is not None:
                return found
        key = subject_key(inbound.subject)
        if key:
            for conversation in self.open_of.get(customer.pk, []):
                if (
                    conversation.subject_key == key
                    and conversation.last_activity_at >= self.window_start
                ):
                    return conversation
        return None

    def remember(self, *, conversation: Conversation, inbound: InboundMessage) -> None:
        """A message of the batch went to `conversation`: later ones may continue it."""
        if inbound.external_id:
            self.planned[inbound.external_id] = conversation
        if conversation.status in Conversation.OPEN_STATUSES:
            latest = self.open_of.setdefault(conversation.customer_id, [])
            if conversation in latest:
                latest.remove(conversation)
            latest.insert(0, conversation)


def messages_receive(
    *,
    inbox: Inbox,
    items: Sequence[Incoming],
    now: dt.datetime | None = None,
    look_up_duplicates: bool = True,
) -> list[Received]:
    """Store each customer message in the conversation it continues, or in a new one; the
    results are in the order of `items`. Runs inside the caller's transaction.

    Idempotent: a message whose channel id this inbox already has (or that came earlier in the
    batch) is not stored again. When two deliveries race, the unique constraint decides: the
    loser's insert raises IntegrityError, and its caller rolls back the whole attempt (see
    conversations.inbound.inbound_process_many). With `look_up_duplicates=False` the constraint is
    the only check (one query fewer): a message stored before raises IntegrityError too, and
    the caller's next attempt, looking them up, reports it as the duplicate it is.
    """
    now = now or timezone.now()
    threads = _Threads(inbox=inbox, items=items, now=now, duplicates=look_up_duplicates)
    languages = inbox.workspace.languages
    created: list[tuple[Conversation, dict[str, object]]] = []
    continued: dict[int, Conversation] = {}
    events: list[ConversationEvent] = []
    messages: list[tuple[Message, Incoming]] = []
    # Per item: (conversation, message, duplicate, opened a conversation)
    plans: list[tuple[Conversation, Message | int, bool, bool]] = []
    planned_messages: dict[str, Message] = {}
    for item in items:
        inbound, customer = item.inbound, item.customer
        external_id = inbound.external_id
        if external_id in threads.existing:
            message_id, conversation_id = threads.existing[external_id]
            plans.append((threads.by_id[conversation_id], message_id, True, False))
            continue
        if external_id in planned_messages:
            earlier = planned_messages[external_id]
            plans.append((earlier.conversation, earlier, True, False))
            continue
        conversation = threads.find(customer=customer, inbound=inbound)
        opened = conversation is None or conversation.status == Conversation.Status.CLOSED
        if conversation is None or opened:
            previous = conversation
            conversation = conversation_build(
                inbox=inbox,
                customer=customer,
                subject=inbound.subject or (previous.subject if previous else ""),
                language=inbound.language or (previous.language if previous else ""),
                now=now,
                first_message_text=inbound.text,
            )
            created.append((conversation, {"follow_up_of": previous.number} if previous else {}))
        else:
            if conversation.pk is not None:
                continued[conversation.pk] = conversation
            events += customer_message_apply(
                conversation=conversation, text=inbound.text, now=now, languages=languages
            )
        message = _message_for(
            inbox=inbox, conversation=conversation, inbound=inbound, raw=item.raw, now=now
        )
        messages.append((message, item))
        if external_id:
            planned_messages[external_id] = message
        threads.remember(conversation=conversation, inbound=inbound)
        plans.append((conversation, message, False, opened))
    _write(
        inbox=inbox,
        created=created,
        continued=list(continued.values()),
        events=events,
        messages=messages,
    )
    duplicates = Message.objects.in_bulk(
        [message for _c, message, _d, _o in plans if isinstance(message, int)]
    )
    for conversation, planned, _d, _o in plans:
        if isinstance(planned, int):
            duplicates[planned].conversation = conversation
    return [
        Received(
            conversation,
            duplicates[message] if isinstance(message, int) else message,
            duplicate,
            opened,
        )
        for conversation, message, duplicate, opened in plans
    ]


def may_continue_open(inbound: InboundMessage) -> bool:
    """Whether messages_continue_open may take this message (it may still find that the
    conversation or customer needs the full path)."""
    return (
        inbound.continues_latest
        and not inbound.attachments
        and inbound.bounce is None
        and inbound.status is None
        and not inbound.ignored
    )


def messages_continue_open(
    *,
    inbox: Inbox,
    items: Sequence[tuple[InboundMessage, InboundRaw | None]],
    now: dt.datetime | None = None,
) -> list[Received] | None:
    """The common case of a messaging channel, quickly: each message continues its sender's
    newest open conversation in this inbox, which is new or open with its language known, and
    its customer has nothing to learn from it (language known; a name, or none claimed). Then
    messages_receive would only count the message on the conversation and insert it; here that
    is one guarded UPDATE per message (found, checked and changed in one statement, with no
    query building) and one INSERT for all.

    None as soon as one message does not qualify (a new sender or conversation, a status to
    change, attachments): the caller rolls back what this wrote and takes the full path. Runs
    inside the caller's transaction; a message stored before raises IntegrityError, as with
    messages_receive(look_up_duplicates=False)."""
    now = now or timezone.now()
    if not all(may_continue_open(inbound) for inbound, _raw in items):
        return None
    stamp = connection.ops.adapt_datetimefield_value(now)
    continued: list[tuple[Conversation, Message]] = []
    with connection.cursor() as cursor:
        for inbound, raw in items:
            address = identity_normalize(
                kind=inbound.identity_kind,
                address=inbound.sender_address,
                workspace=inbox.workspace if inbound.identity_kind in PHONE_KINDS else None,
            )
            params: list[Any] = [
                *[preview_of(inbound.text), stamp, stamp, stamp, stamp],
                *[inbox.workspace_id, inbound.identity_kind, address, inbox.pk],
                *Conversation.OPEN_STATUSES,
                *[Conversation.Status.NEW, Conversation.Status.OPEN],
                inbound.sender_name,
            ]
            cursor.execute(_continue_sql(), params)
            row = cursor.fetchone()
            if row is None:
                return None
            conversation = Conversation.from_db(connection.alias, _RETURNED, row)
            message = _message_for(
                inbox=inbox, conversation=conversation, inbound=inbound, raw=raw, now=now
            )
            continued.append((conversation, message))
    rows_insert([message for _conversation, message in continued])
    for conversation, message in continued:
        _publish(
            "message.created",
            conversation,
            message=message.pk,
            channel=inbox.kind,
            **({"media": True} if message.headers.get("media") else {}),
        )
    return [Received(conversation, message, False, False) for conversation, message in continued]


# What the quick path reads back of each conversation (the rest loads if asked for), in the
# order of the model's fields: Model.from_db takes a partial row in that order.
_RETURNED_FIELDS = [
    field
    for field in Conversation._meta.concrete_fields
    if field.attname
    in {"id", "number", "workspace_id", "inbox_id", "customer_id", "assignee_id", "status"}
]
_RETURNED = [field.attname for field in _RETURNED_FIELDS]


@functools.cache
def _continue_sql() -> str:
    """messages_continue_open's statement, named from the models (quoted for this database)."""

    def c(field: str, model: type[models.Model] = Conversation) -> str:
        return column(model, field)

    conversations, identities, customers = (table(m) for m in (Conversation, Identity, Customer))
    statuses = ", ".join(["%s"] * len(Conversation.OPEN_STATUSES))
    # Only names from the models and placeholders: every value is a parameter.
    return (
        f"UPDATE {conversations} SET "  # noqa: S608
        f"{c('message_count')} = {c('message_count')} + 1, {c('preview')} = %s, "
        f"{c('last_activity_at')} = %s, {c('last_customer_message_at')} = %s, "
        f"{c('first_customer_message_at')} = COALESCE({c('first_customer_message_at')}, %s), "
        f"{c('waiting_since')} = COALESCE({c('waiting_since')}, %s) "
        # The conversation messages_receive would continue: the sender's newest open one. The
        # sender's customer is a subquery of its own (one row at most: the identity is unique),
        # so the database starts from it whatever its statistics say about the conversations.
        f"WHERE {c('id')} = (SELECT o.{c('id')} FROM {conversations} o "
        f"WHERE o.{c('customer')} = (SELECT i.{c('customer', Identity)} FROM {identities} i "
        f"WHERE i.{c('workspace', Identity)} = %s AND i.{c('kind', Identity)} = %s "
        f"AND i.{c('address', Identity)} = %s) "
        f"AND o.{c('inbox')} = %s AND o.{c('status')} IN ({statuses}) "
        f"ORDER BY o.{c('last_activity_at')} DESC, o.{c('id')} DESC LIMIT 1) "
        # ...and only when the message changes nothing else about it or its customer.
        f"AND {c('status')} IN (%s, %s) AND {c('language')} <> '' "
        f"AND {c('customer')} IN (SELECT {c('id', Customer)} FROM {customers} "
        f"WHERE {c('language', Customer)} <> '' AND ({c('name', Customer)} <> '' OR %s = '')) "
        f"RETURNING {', '.join(c(field.name) for field in _RETURNED_FIELDS)}"
    )


def _message_for(
    *,
    inbox: Inbox,
    conversation: Conversation,
    inbound: InboundMessage,
    raw: InboundRaw | None,
    now: dt.datetime,
) -> Message:
    return Message(
        conversation=conversation,
        inbox=inbox,
        direction=Message.Direction.INBOUND,
        author_kind=Message.Author.CUSTOMER,
        text=inbound.text,
        full_text=inbound.full_text if inbound.full_text != inbound.text else "",
        html=inbound.html,
        external_id=inbound.external_id,
        sender=inbound.sender_address[:255],
        recipients=inbound.recipients[:50],
        # "automated" (auto-reply, list, daemon): automations must never answer this message.
        headers={
            **inbound.headers,
            **({"automated": inbound.automated_reason} if inbound.automated_reason else {}),
        },
        raw=raw,
        created_at=now,
    )


def _write(
    *,
    inbox: Inbox,
    created: list[tuple[Conversation, dict[str, object]]],
    continued: list[Conversation],
    events: list[ConversationEvent],
    messages: list[tuple[Message, Incoming]],
) -> None:
    for conversation in continued:
        # One UPDATE each: cheaper than bulk_update's CASE expressions for a batch's few rows.
        conversation.save(update_fields=CUSTOMER_MESSAGE_FIELDS)
    if created:
        numbers = next_numbers(inbox.workspace_id, len(created))
        for (conversation, _data), number in zip(created, numbers, strict=True):
            conversation.number = number
        Conversation.objects.bulk_create([conversation for conversation, _data in created])
        events += [
            ConversationEvent(
                conversation=conversation,
                kind=ConversationEvent.Kind.CREATED,
                data={"inbox": inbox.name, **data},
            )
            for conversation, data in created
        ]
    # Rows pointing at conversations opened in this batch take their new ids on the way in.
    ConversationEvent.objects.bulk_create(events)
    Message.objects.bulk_create([message for message, _item in messages])
    for message, item in messages:
        if item.inbound.attachments:
            _save_attachments(message, item.inbound.attachments)
    for conversation, _data in created:
        _publish("conversation.created", conversation, channel=inbox.kind)
    for message, _item in messages:
        _publish(
            "message.created",
            message.conversation,
            message=message.pk,
            channel=inbox.kind,
            **({"media": True} if message.headers.get("media") else {}),
        )
