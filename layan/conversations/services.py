"""Writes for conversations: receive a message, reply, note, assign, status, tags.

Every state change writes a ConversationEvent (the timeline) and publishes a domain event that
`layan.wiring.event_handlers` turns into realtime pushes after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from layan.accounts.models import Team, User, Workspace
from layan.conversations import placeholders
from layan.conversations.models import (
    Attachment,
    Conversation,
    ConversationEvent,
    Message,
    Tag,
    WorkspaceCounter,
)
from layan.core.events import Event, publish
from layan.customers.models import Customer, CustomerMerge
from layan.inboxes import registry
from layan.inboxes.models import Inbox
from layan.inboxes.types import InboundAttachment
from layan.search.analysis import detect_language

logger = logging.getLogger(__name__)

TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_SUBJECT_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|sv|vs|balas|bls|trs|teruskan|回复|回覆|答复|转发|轉寄)\s*(\[\d+\])?\s*[:：]\s*"
    r"|\[#\d+\]\s*)",
    re.IGNORECASE,
)


def subject_key(subject: str) -> str:
    """A subject without reply/forward prefixes and ticket numbers, for matching threads."""
    previous = None
    key = subject
    while key != previous:
        previous = key
        key = _SUBJECT_PREFIX.sub("", key)
    key = re.sub(r"\[#\d+\]", "", key)
    return " ".join(key.casefold().split())[:255]


def preview_of(text: str) -> str:
    """The one line of a message shown in the inbox list."""
    return " ".join(text.split())[:200]


def timeline_add(
    *, conversation: Conversation, actor: User | None, kind: str, data: dict[str, object]
) -> ConversationEvent:
    return ConversationEvent.objects.create(
        conversation=conversation, actor=actor, kind=kind, data=data
    )


def _publish(name: str, conversation: Conversation, **payload: object) -> None:
    publish(
        Event(
            name=name,
            workspace_id=conversation.workspace_id,
            payload={"conversation": conversation.pk, "number": conversation.number, **payload},
        )
    )


def next_numbers(workspace_id: int, count: int = 1) -> range:
    """`count` new conversation numbers of the workspace, in order."""
    # The UPDATE takes the row lock (PostgreSQL) / the write lock (SQLite) until commit, so
    # numbers are handed out one batch at a time and never twice. RETURNING (PostgreSQL,
    # SQLite 3.35+) reads the new value in the same statement.
    table = WorkspaceCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_conversation_number = last_conversation_number + %s "  # noqa: S608
            "WHERE workspace_id = %s RETURNING last_conversation_number",
            [count, workspace_id],
        )
        row = cursor.fetchone()
    if row is not None:
        return range(int(row[0]) - count + 1, int(row[0]) + 1)
    try:
        with transaction.atomic():
            WorkspaceCounter.objects.create(
                workspace_id=workspace_id, last_conversation_number=count
            )
        return range(1, count + 1)
    except IntegrityError:
        return next_numbers(workspace_id, count)


def conversation_build(
    *,
    inbox: Inbox,
    customer: Customer,
    subject: str,
    language: str = "",
    now: dt.datetime,
    first_message_text: str | None = None,
) -> Conversation:
    """A new conversation, not saved yet (no number). With `first_message_text`, it is opened
    by that customer message (counted and timed here, so receiving it needs no second write)."""
    opened_by_customer = (
        {
            "message_count": 1,
            "preview": preview_of(first_message_text),
            "first_customer_message_at": now,
            "last_customer_message_at": now,
            "waiting_since": now,
        }
        if first_message_text is not None
        else {}
    )
    return Conversation(
        workspace_id=inbox.workspace_id,
        subject=subject[:255],
        subject_key=subject_key(subject),
        inbox=inbox,
        customer=customer,
        team_id=inbox.team_id,
        language=language,
        reply_token=get_random_string(16, TOKEN_ALPHABET),
        created_at=now,
        last_activity_at=now,
        **opened_by_customer,
    )


def conversation_create(
    *,
    inbox: Inbox,
    customer: Customer,
    subject: str,
    actor: User | None = None,
    language: str = "",
    now: dt.datetime | None = None,
    data: dict[str, object] | None = None,
    first_message_text: str | None = None,
) -> Conversation:
    """A new conversation (see conversation_build), numbered, saved and on the timeline."""
    conversation = conversation_build(
        inbox=inbox,
        customer=customer,
        subject=subject,
        language=language,
        now=now or timezone.now(),
        first_message_text=first_message_text,
    )
    conversation.number = next_numbers(inbox.workspace_id)[0]
    conversation.save(force_insert=True)
    timeline_add(
        conversation=conversation,
        actor=actor,
        kind=ConversationEvent.Kind.CREATED,
        data={"inbox": inbox.name, **(data or {})},
    )
    _publish("conversation.created", conversation, channel=inbox.kind)
    return conversation


def _save_attachments(message: Message, attachments: Iterable[InboundAttachment]) -> None:
    saved = []
    omitted = []
    for item in attachments:
        if len(item.content) > settings.MAX_ATTACHMENT_BYTES:
            # Not copied out of the original, which keeps it (agents can open the original).
            omitted.append({"filename": item.filename[:255], "size": len(item.content)})
            continue
        attachment = Attachment(
            message=message,
            filename=item.filename[:255],
            content_type=item.content_type[:120],
            size=len(item.content),
            content_id=item.content_id[:255],
            is_inline=item.is_inline,
        )
        # Stored under a random name: the customer's file name never becomes a path.
        attachment.file.save(get_random_string(20), ContentFile(item.content), save=True)
        saved.append(attachment)
    if omitted:
        message.headers = {**message.headers, "omitted_attachments": omitted}
        message.save(update_fields=["headers"])
    if message.html and any(item.content_id for item in saved):
        html = message.html
        for attachment in saved:
            if attachment.content_id:
                # Attachments are served to signed-in agents only (never from public /media/).
                url = reverse("desk:attachment", args=[attachment.pk])
                html = html.replace(f"cid:{attachment.content_id}", url)
        message.html = html
        message.save(update_fields=["html"])


CUSTOMER_MESSAGE_FIELDS = [
    "message_count", "preview", "last_activity_at", "last_customer_message_at",
    "first_customer_message_at", "waiting_since", "language", "status",
    "reopen_count", "reopened_at", "solved_at",
]  # fmt: skip


def customer_message_apply(
    *, conversation: Conversation, text: str, now: dt.datetime, languages: list[str]
) -> list[ConversationEvent]:
    """What a new customer message does to its conversation, in memory: counts and times,
    language, reopening. Returns the timeline rows to write; the caller saves
    CUSTOMER_MESSAGE_FIELDS (one message or a batch of them)."""
    events = []
    conversation.message_count += 1
    conversation.preview = preview_of(text)
    conversation.last_activity_at = now
    conversation.last_customer_message_at = now
    conversation.first_customer_message_at = conversation.first_customer_message_at or now
    conversation.waiting_since = conversation.waiting_since or now
    if not conversation.language:
        conversation.language = detect_language(f"{conversation.subject}\n{text}", languages)
    if conversation.status == Conversation.Status.SOLVED:
        conversation.reopen_count += 1
        conversation.reopened_at = now
        conversation.solved_at = None
        events.append(
            ConversationEvent(
                conversation=conversation, kind=ConversationEvent.Kind.REOPENED, data={}
            )
        )
    if conversation.status in {
        Conversation.Status.PENDING,
        Conversation.Status.ON_HOLD,
        Conversation.Status.SOLVED,
    }:
        events.append(
            ConversationEvent(
                conversation=conversation,
                kind=ConversationEvent.Kind.STATUS,
                data={"from": conversation.status, "to": Conversation.Status.OPEN},
            )
        )
        conversation.status = Conversation.Status.OPEN
    return events


def _after_customer_message(
    *, conversation: Conversation, message: Message, now: dt.datetime
) -> None:
    languages = (
        []
        if conversation.language
        else Workspace.objects.only("languages").get(pk=conversation.workspace_id).languages
    )
    events = customer_message_apply(
        conversation=conversation, text=message.text, now=now, languages=languages
    )
    ConversationEvent.objects.bulk_create(events)
    conversation.save(update_fields=CUSTOMER_MESSAGE_FIELDS)


def signature_for(*, agent: User, workspace: Workspace) -> str:
    values = placeholders.context_for(agent=agent, workspace=workspace)
    return placeholders.render(workspace.reply_signature, values).strip()


def reply_send(
    *,
    conversation: Conversation,
    agent: User,
    text: str,
    attachments: Iterable[InboundAttachment] = (),
    status: str | None = None,
    now: dt.datetime | None = None,
    headers: dict[str, Any] | None = None,
    signed: bool = True,
) -> Message:
    """An agent's reply, signed with their name, queued for delivery on its channel.

    `headers` carry what the channel needs besides the text (a WhatsApp template and its
    parameters); `signed=False` for text that may not change (an approved template)."""
    text = text.strip()
    attachments = list(attachments)
    if not text and not attachments:
        raise ValidationError(_("Write a reply first."))
    if status is not None and status not in Conversation.Status.values:
        raise ValidationError(_("Unknown status."))
    now = now or timezone.now()
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("inbox", "workspace")
            .get(pk=conversation.pk)
        )
        adapter = registry.adapter_for(conversation.inbox.kind)
        signs = adapter.signs_replies and signed
        signature = signature_for(agent=agent, workspace=conversation.workspace) if signs else ""
        body = f"{text}\n\n{signature}" if signature else text
        message = Message.objects.create(
            conversation=conversation,
            inbox=conversation.inbox,
            direction=Message.Direction.OUTBOUND,
            author_kind=Message.Author.AGENT,
            author_agent=agent,
            text=body,
            headers=headers or {},
            external_id=adapter.new_external_id(conversation=conversation),
            sender=conversation.inbox.address,
            delivery=Message.Delivery.QUEUED if adapter.can_send else Message.Delivery.NONE,
            created_at=now,
        )
        _save_attachments(message, attachments)
        if conversation.assignee_id is None:
            # Whoever answers first owns the conversation: fewer hand-offs, one voice.
            _assign(conversation=conversation, assignee=agent, actor=agent)
        conversation.message_count += 1
        conversation.agent_reply_count += 1
        conversation.first_agent_reply_at = conversation.first_agent_reply_at or now
        conversation.last_agent_reply_at = now
        conversation.last_activity_at = now
        conversation.waiting_since = None
        conversation.preview = preview_of(text)
        new_status = status or (
            Conversation.Status.OPEN
            if conversation.status == Conversation.Status.NEW
            else conversation.status
        )
        _set_status(conversation=conversation, status=new_status, actor=agent, now=now)
        conversation.save()
        # Delivery follows from the event (conversations.delivery.on_message_created).
        deliver = "now" if adapter.instant else "queue"
        _publish(
            "message.created",
            conversation,
            message=message.pk,
            **({"deliver": deliver} if adapter.can_send else {}),
        )
    return message


def automatic_reply_send(
    *, conversation: Conversation, text: str, headers: dict[str, Any] | None = None
) -> Message:
    """A message Layan sends by itself (a redirect), delivered on the conversation's channel
    like a reply but signed by nobody: the conversation keeps its status and its owner, and no
    agent reply is counted."""
    now = timezone.now()
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("inbox")
            .get(pk=conversation.pk)
        )
        adapter = registry.adapter_for(conversation.inbox.kind)
        message = Message.objects.create(
            conversation=conversation,
            inbox=conversation.inbox,
            direction=Message.Direction.OUTBOUND,
            author_kind=Message.Author.SYSTEM,
            text=text.strip(),
            headers={"automated": True, **(headers or {})},
            external_id=adapter.new_external_id(conversation=conversation),
            sender=conversation.inbox.address,
            delivery=Message.Delivery.QUEUED if adapter.can_send else Message.Delivery.NONE,
            created_at=now,
        )
        Conversation.objects.filter(pk=conversation.pk).update(
            message_count=F("message_count") + 1, last_activity_at=now
        )
        deliver = "now" if adapter.instant else "queue"
        _publish(
            "message.created",
            conversation,
            message=message.pk,
            **({"deliver": deliver} if adapter.can_send else {}),
        )
    return message


def call_logged(
    *, inbox: Inbox, customer: Customer, agent: User, headers: dict[str, Any]
) -> Message:
    """An agent calls a customer from Layan: the call goes on the customer's open conversation
    on this line (a new one, the agent's, when there is none) as the agent's message, logged
    rather than delivered (the voice service places the call)."""
    now = timezone.now()
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .filter(inbox=inbox, customer=customer, status__in=Conversation.OPEN_STATUSES)
            .order_by("-last_activity_at", "-id")
            .first()
        )
        if conversation is None:
            conversation = conversation_create(
                inbox=inbox, customer=customer, subject="", actor=agent,
                data={"opened_by": agent.name},
            )  # fmt: skip
            _assign(conversation=conversation, assignee=agent, actor=agent)
        message = Message.objects.create(
            conversation=conversation,
            inbox=inbox,
            direction=Message.Direction.OUTBOUND,
            author_kind=Message.Author.AGENT,
            author_agent=agent,
            headers=headers,
            sender=inbox.address,
            delivery=Message.Delivery.NONE,
            created_at=now,
        )
        conversation.message_count += 1
        conversation.last_activity_at = now
        conversation.save()
        _publish("message.created", conversation, message=message.pk)
    return message


def conversation_redirect(*, conversation_id: int) -> bool:
    """A customer wrote to a redirect-only inbox: the conversation is kept but closed without a
    person (in no queue, no view of work to do), and its timeline says why. Runs inside the
    receiving transaction. False: it was closed already."""
    conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation_id)
    if conversation.status == Conversation.Status.CLOSED:
        return False
    timeline_add(
        conversation=conversation, actor=None, kind=ConversationEvent.Kind.REDIRECTED, data={}
    )
    _set_status(
        conversation=conversation,
        status=Conversation.Status.CLOSED,
        actor=None,
        now=timezone.now(),
    )
    conversation.save()
    _publish("conversation.updated", conversation)
    return True


def note_add(*, conversation: Conversation, agent: User, text: str) -> Message:
    """An internal note: visible to agents only, never delivered (see conversations.delivery)."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Write a note first."))
    with transaction.atomic():
        return _note_create(conversation=conversation, agent=agent, text=text)


def _note_create(*, conversation: Conversation, agent: User, text: str) -> Message:
    message = Message.objects.create(
        conversation=conversation,
        inbox_id=conversation.inbox_id,
        direction=Message.Direction.INTERNAL,
        author_kind=Message.Author.AGENT,
        author_agent=agent,
        is_note=True,
        text=text,
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        message_count=F("message_count") + 1, last_activity_at=timezone.now()
    )
    _publish("message.created", conversation, message=message.pk)
    return message


def conversation_assign(
    *, conversation: Conversation, assignee: User | None, actor: User | None
) -> Conversation:
    """Assign (or, with None, unassign); `actor` None means the system (routing) did it."""
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("assignee")
            .get(pk=conversation.pk)
        )
        assigned = _assign(conversation=conversation, assignee=assignee, actor=actor)
        conversation.save(update_fields=["assignee"])
        # "routed": the system assigned it (routing reacts to agents' changes, not its own);
        # "assigned": to whom, when that changed (a chat's visitor is told who joined).
        extra = {"assigned": assignee.pk} if assigned and assignee is not None else {}
        _publish("conversation.updated", conversation, routed=actor is None, **extra)
    return conversation


def bot_reply_add(
    *, conversation: Conversation, text: str, headers: dict[str, object], record: bool = True
) -> Message:
    """The answer bot's message in a conversation (already in front of the customer: a chat).
    `record` False: the message says what another timeline row records (a hand-off)."""
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            inbox_id=conversation.inbox_id,
            direction=Message.Direction.OUTBOUND,
            author_kind=Message.Author.BOT,
            text=text,
            headers=headers,
            delivery=Message.Delivery.SENT,
            sent_at=now,
            created_at=now,
        )
        Conversation.objects.filter(pk=conversation.pk).update(
            message_count=F("message_count") + 1, last_activity_at=now
        )
        if record:
            timeline_add(
                conversation=conversation,
                actor=None,
                kind=ConversationEvent.Kind.BOT,
                data={"action": "answered", **{k: v for k, v in headers.items() if k != "answers"}},
            )
        _publish("message.created", conversation, message=message.pk)
    return message


def conversation_bot_outcome(*, conversation: Conversation, action: str, reason: str = "") -> None:
    """The bot's session ended: "resolved" (the customer said it answered them: solved, no
    person needed) or "handed_off" (to a person: the conversation is routed like any other)."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
        timeline_add(
            conversation=conversation,
            actor=None,
            kind=ConversationEvent.Kind.BOT,
            data={"action": action, **({"reason": reason} if reason else {})},
        )
        if action == "resolved" and conversation.status in Conversation.OPEN_STATUSES:
            _set_status(
                conversation=conversation,
                status=Conversation.Status.SOLVED,
                actor=None,
                now=timezone.now(),
            )
            conversation.save()
        _publish("conversation.updated", conversation)


def _assign(*, conversation: Conversation, assignee: User | None, actor: User | None) -> bool:
    """Set the assignee with its timeline row; False when it was already so."""
    previous = conversation.assignee
    if (previous.pk if previous else None) == (assignee.pk if assignee else None):
        return False
    if assignee is not None and assignee.workspace_id != conversation.workspace_id:
        raise ValidationError(_("That agent is not in this workspace."))
    kind = (
        ConversationEvent.Kind.TRANSFERRED
        if previous is not None and assignee is not None
        else ConversationEvent.Kind.ASSIGNED
    )
    timeline_add(
        conversation=conversation,
        actor=actor,
        kind=kind,
        data={
            "from": previous.name if previous else None,
            "to": assignee.name if assignee else None,
        },
    )
    conversation.assignee = assignee
    return True


def _set_status(
    *, conversation: Conversation, status: str, actor: User | None, now: dt.datetime
) -> None:
    if status == conversation.status:
        return
    timeline_add(
        conversation=conversation,
        actor=actor,
        kind=ConversationEvent.Kind.STATUS,
        data={"from": conversation.status, "to": status},
    )
    if status == Conversation.Status.SOLVED:
        conversation.solved_at = now
    elif status == Conversation.Status.CLOSED:
        conversation.closed_at = now
        conversation.solved_at = conversation.solved_at or now
    else:
        conversation.solved_at = None
        conversation.closed_at = None
    if status in {Conversation.Status.SOLVED, Conversation.Status.CLOSED}:
        conversation.waiting_since = None
        _publish("conversation.solved", conversation)
    conversation.status = status


@dataclass(frozen=True)
class Changes:
    """What an agent changed on a conversation; None means "leave as it is"."""

    status: str | None = None
    priority: int | None = None
    assignee: User | None = None
    unassign: bool = False
    team: Team | None = None
    no_team: bool = False
    tags: list[str] | None = None
    # An internal note that goes with the change (a transfer's hand-over).
    note: str = ""


def conversation_update(
    *, conversation: Conversation, actor: User, changes: Changes
) -> Conversation:
    now = timezone.now()
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("assignee", "team")
            .get(pk=conversation.pk)
        )
        if changes.status is not None:
            if changes.status not in Conversation.Status.values:
                raise ValidationError(_("Unknown status."))
            _set_status(conversation=conversation, status=changes.status, actor=actor, now=now)
        if changes.priority is not None and changes.priority != conversation.priority:
            if changes.priority not in Conversation.Priority.values:
                raise ValidationError(_("Unknown priority."))
            timeline_add(
                conversation=conversation,
                actor=actor,
                kind=ConversationEvent.Kind.PRIORITY,
                data={"from": conversation.priority, "to": changes.priority},
            )
            conversation.priority = changes.priority
        assigned = False
        if changes.assignee is not None or changes.unassign:
            assigned = _assign(conversation=conversation, assignee=changes.assignee, actor=actor)
        if changes.team is not None or changes.no_team:
            team = changes.team
            if team is not None and team.workspace_id != conversation.workspace_id:
                raise ValidationError(_("That team is not in this workspace."))
            if (team.pk if team else None) != conversation.team_id:
                timeline_add(
                    conversation=conversation,
                    actor=actor,
                    kind=ConversationEvent.Kind.TEAM,
                    data={
                        "from": conversation.team.name if conversation.team else None,
                        "to": team.name if team else None,
                    },
                )
                conversation.team = team
        if changes.tags is not None:
            _set_tags(conversation=conversation, names=changes.tags, actor=actor)
        conversation.save()
        if changes.note.strip():
            _note_create(conversation=conversation, agent=actor, text=changes.note.strip())
        extra = {"assigned": changes.assignee.pk} if assigned and changes.assignee else {}
        _publish("conversation.updated", conversation, **extra)
    return conversation


def _set_tags(*, conversation: Conversation, names: list[str], actor: User | None) -> None:
    wanted = {" ".join(name.split())[:60] for name in names if name.strip()}
    current = {tag.name: tag for tag in conversation.tags.all()}
    for name in sorted(wanted - set(current)):
        tag, _created = Tag.objects.get_or_create(workspace_id=conversation.workspace_id, name=name)
        conversation.tags.add(tag)
        timeline_add(
            conversation=conversation,
            actor=actor,
            kind=ConversationEvent.Kind.TAGGED,
            data={"tag": name},
        )
    for name in sorted(set(current) - wanted):
        conversation.tags.remove(current[name])
        timeline_add(
            conversation=conversation,
            actor=actor,
            kind=ConversationEvent.Kind.UNTAGGED,
            data={"tag": name},
        )


def conversations_bulk_update(
    *, workspace: Workspace, actor: User, ids: list[int], changes: Changes, add_tag: str = ""
) -> int:
    """Apply the same change to many conversations (each gets its own timeline rows)."""
    count = 0
    for conversation in Conversation.objects.filter(workspace=workspace, pk__in=ids[:500]):
        if add_tag:
            names = [tag.name for tag in conversation.tags.all()] + [add_tag]
            changes = replace(changes, tags=names)
        conversation_update(conversation=conversation, actor=actor, changes=changes)
        count += 1
    return count


def conversation_open_for_customer(
    *,
    inbox: Inbox,
    customer: Customer,
    agent: User,
    subject: str,
    text: str,
    send: bool,
) -> Conversation:
    """An agent opens a conversation on a customer's behalf (a call, a walk-in, an outbound email).

    With `send`, the text is the first outbound message (emailed on an email inbox); otherwise
    it is logged as what the customer told us.
    """
    if not subject.strip():
        raise ValidationError(_("Enter a subject."))
    with transaction.atomic():
        conversation = conversation_create(
            inbox=inbox,
            customer=customer,
            subject=subject,
            actor=agent,
            data={"opened_by": agent.name},
        )
        _assign(conversation=conversation, assignee=agent, actor=agent)
        conversation.save()
        if send:
            reply_send(conversation=conversation, agent=agent, text=text)
        elif text.strip():
            message = Message.objects.create(
                conversation=conversation,
                inbox=inbox,
                direction=Message.Direction.INBOUND,
                author_kind=Message.Author.CUSTOMER,
                text=text.strip(),
                headers={"logged_by": agent.name},
            )
            _after_customer_message(conversation=conversation, message=message, now=timezone.now())
    return conversation


def on_customer_merged(event: Event) -> None:
    """Event handler, inside the merge's transaction: the customer's conversations go with
    them, recorded on the merge so that undoing it gives back exactly these."""
    merge = CustomerMerge.objects.select_related("source", "target").get(pk=event.payload["merge"])
    actor = _actor(event)
    conversations = list(Conversation.objects.filter(customer=merge.source))
    merge.conversation_ids = [conversation.pk for conversation in conversations]
    merge.save(update_fields=["conversation_ids"])
    Conversation.objects.filter(pk__in=merge.conversation_ids).update(customer=merge.target)
    for conversation in conversations:
        timeline_add(
            conversation=conversation,
            actor=actor,
            kind="merged",
            data={"from": str(merge.source), "to": str(merge.target), "merge": merge.pk},
        )


def on_customer_unmerged(event: Event) -> None:
    """Event handler, inside the undo's transaction: the conversations the merge moved go back
    (those still with the customer they were merged into)."""
    merge = CustomerMerge.objects.select_related("source", "target").get(pk=event.payload["merge"])
    actor = _actor(event)
    Conversation.objects.filter(pk__in=merge.conversation_ids, customer=merge.target).update(
        customer=merge.source
    )
    for conversation in Conversation.objects.filter(pk__in=merge.conversation_ids):
        timeline_add(
            conversation=conversation,
            actor=actor,
            kind="unmerged",
            data={"from": str(merge.target), "to": str(merge.source), "merge": merge.pk},
        )


def _actor(event: Event) -> User | None:
    actor_id = event.payload.get("actor")
    return User.objects.filter(pk=actor_id).first() if actor_id else None
