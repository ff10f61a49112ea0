"""Live chat: visitor tokens, what the widget shows, messages in, replies out, the queue.

A visitor is known by a random key inside a signed token the widget keeps (localStorage); the
key becomes a `visitor` identity of a customer on the first message. Everything a visitor sends
goes through `inbound_ingest` like any other channel: stored raw first, deduplicated by the
message's client id, threaded into the visitor's open chat.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.http.request import validate_host
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from layan.accounts.models import User
from layan.answerbot.services import Answer, bot_ask, bot_settle
from layan.channels.livechat.config import ChatConfig, origin_allowed
from layan.channels.livechat.mail import chat_email_task
from layan.conversations.inbound import inbound_ingest_many
from layan.conversations.models import Attachment, Conversation, Message
from layan.conversations.services import bot_reply_add
from layan.core.events import Event, publish
from layan.core.text import sentences
from layan.customers.models import Customer, Identity
from layan.customers.services import customer_find, customer_merge, customer_resolve, identity_add
from layan.inboxes.models import Inbox
from layan.realtime import groups, push
from layan.realtime.presence import visitor_is_present
from layan.routing.services import conversation_route
from layan.sla import hours
from layan.sla.selectors import reply_time, support_snapshot_shared

VISITOR_SALT = "layan.chat.visitor"
FILE_SALT = "layan.chat.file"
# Files one visitor may send per window (the socket's own frames are limited in realtime/chat).
UPLOADS_PER_WINDOW = 10
UPLOAD_WINDOW_SECONDS = 600
HISTORY_LIMIT = 200
# The wait estimate needs this many recent chats to say anything.
ESTIMATE_MIN_SAMPLES = 5
ESTIMATE_WINDOW = dt.timedelta(days=7)


class ChatError(Exception):
    """A visitor's frame that cannot be accepted; the message is safe to show the visitor."""


def chat_config(inbox: Inbox) -> ChatConfig:
    return ChatConfig.from_dict(inbox.config or {})


def origin_permitted(*, inbox: Inbox, origin: str) -> bool:
    """May a page at `origin` use this chat (socket and uploads)? Layan's own pages always may
    (the preview page); other sites when the chat inbox allows them."""
    host = urlsplit(origin).hostname or ""
    if host and validate_host(host, settings.ALLOWED_HOSTS):
        return True
    return bool(origin) and origin_allowed(chat_config(inbox), origin)


def visitor_token_issue(*, inbox: Inbox) -> tuple[str, str]:
    # 144 random bits (24 characters) from one read of the system's random source.
    key = secrets.token_urlsafe(18)
    return signing.dumps({"i": inbox.pk, "v": key}, salt=VISITOR_SALT), key


def visitor_token_read(*, inbox: Inbox, token: str) -> str | None:
    """The visitor key inside a token this inbox issued, or None."""
    try:
        data = signing.loads(token, salt=VISITOR_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("i") != inbox.pk:
        return None
    key = data.get("v")
    return key if isinstance(key, str) and key else None


def visitor_customer(*, inbox: Inbox, key: str) -> Customer | None:
    return customer_find(workspace=inbox.workspace, kind=Identity.Kind.VISITOR, address=key)


def visitor_conversations(*, inbox: Inbox, key: str) -> QuerySet[Conversation]:
    """The chats this visitor took part in. Not every chat of the customer: an email typed into
    the widget links the visitor to a customer, but must not show a stranger that customer's
    earlier chats."""
    own = Message.objects.filter(inbox=inbox, external_id__startswith=f"chat:{key}:").values(
        "conversation_id"
    )
    return Conversation.objects.filter(workspace_id=inbox.workspace_id, pk__in=own)


def file_url(attachment: Attachment) -> str:
    return reverse("chat_file", args=[signing.dumps(attachment.pk, salt=FILE_SALT)])


def file_from_signature(signature: str) -> Attachment | None:
    try:
        attachment_id = signing.loads(signature, salt=FILE_SALT)
    except signing.BadSignature:
        return None
    return Attachment.objects.filter(pk=attachment_id).first()


def message_payload(message: Message, *, with_files: bool = True) -> dict[str, Any]:
    """A message as the widget shows it (`with_files` False: it is known to have none)."""
    author = {
        Message.Author.CUSTOMER: "visitor",
        Message.Author.AGENT: "agent",
        Message.Author.BOT: "bot",
    }.get(Message.Author(message.author_kind), "system")
    client_id = ""
    if message.external_id.startswith("chat:"):
        client_id = message.external_id.rpartition(":")[2]
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "client_id": client_id,
        "author": author,
        "name": message.author_agent.name if message.author_agent else "",
        "text": message.text,
        "files": [
            {
                "name": attachment.filename,
                "type": attachment.content_type,
                "size": attachment.size,
                "url": file_url(attachment),
            }
            for attachment in (message.attachments.all() if with_files else [])
        ],
        "at": message.created_at.isoformat(),
        # The bot's answer: the article it comes from (the widget offers "That answered it").
        **(
            {"article": {"title": message.headers.get("title", ""), "url": message.headers["url"]}}
            if author == "bot" and message.headers.get("url")
            else {}
        ),
        # The bot passed the chat to a person: its earlier answers are no longer to judge.
        **(
            {"handoff": True, "agent": message.headers.get("agent", "")}
            if author == "bot" and message.headers.get("handoff")
            else {}
        ),
    }


def chat_messages(*, inbox: Inbox, key: str, after: int = 0) -> list[dict[str, Any]]:
    """What the visitor sees, oldest first: their chats' messages after `after` (no notes)."""
    messages = (
        Message.objects.filter(
            conversation__in=visitor_conversations(inbox=inbox, key=key), pk__gt=after
        )
        .exclude(is_note=True)
        .exclude(direction=Message.Direction.INTERNAL)
        .select_related("author_agent")
        .prefetch_related("attachments")
        .order_by("-id")[:HISTORY_LIMIT]
    )
    return [message_payload(message) for message in reversed(messages)]


def open_chat_ids(*, inbox: Inbox, key: str) -> list[int]:
    return list(
        visitor_conversations(inbox=inbox, key=key)
        .filter(status__in=Conversation.OPEN_STATUSES)
        .values_list("pk", flat=True)
    )


def upload_allowed(*, inbox: Inbox, key: str) -> bool:
    """Count one upload by this visitor; False once they sent too many in the window."""
    counter = f"chat.uploads.{inbox.pk}.{key}"
    if cache.add(counter, 1, UPLOAD_WINDOW_SECONDS):
        return True
    try:
        return cache.incr(counter) <= UPLOADS_PER_WINDOW
    except ValueError:
        # Expired between the two calls: a new window.
        cache.add(counter, 1, UPLOAD_WINDOW_SECONDS)
        return True


def agents_online(*, workspace_id: int) -> int:
    return User.objects.filter(
        workspace_id=workspace_id, is_active=True, availability=User.Availability.ONLINE
    ).count()


@dataclass(frozen=True)
class ChatState:
    """Whether a person can chat now, and if not, when to expect a reply."""

    online: bool
    reply_by: dt.datetime | None
    hours_open: bool | None


def chat_state(*, inbox: Inbox, now: dt.datetime | None = None) -> ChatState:
    now = now or timezone.now()
    workspace = inbox.workspace
    # Asked on every page view with the widget: the hours come from the cache (once read,
    # they serve both answers).
    schedule = support_snapshot_shared(workspace=workspace)
    has_hours = schedule is not None and not schedule.is_empty
    hours_open = hours.status_at(schedule, now).is_open if schedule and has_hours else None
    online = hours_open is not False and agents_online(workspace_id=workspace.pk) > 0
    reply_by = None if online else reply_time(workspace=workspace, schedule=schedule, now=now)
    return ChatState(online=online, reply_by=reply_by, hours_open=hours_open)


@dataclass(frozen=True)
class QueueState:
    position: int
    # None: the data cannot back a promise (too few recent chats, or nobody online).
    wait_minutes: int | None


def chat_queue_state(*, conversation_id: int, now: dt.datetime | None = None) -> QueueState | None:
    """Where an unassigned chat stands in the queue, and a wait the recent data supports."""
    now = now or timezone.now()
    conversation = (
        Conversation.objects.filter(pk=conversation_id)
        .only("workspace_id", "assignee_id", "waiting_since", "status", "created_at")
        .first()
    )
    if (
        conversation is None
        or conversation.assignee_id is not None
        or conversation.status not in Conversation.OPEN_STATUSES
    ):
        return None
    since = conversation.waiting_since or conversation.created_at
    ahead = (
        Conversation.objects.filter(
            workspace_id=conversation.workspace_id,
            inbox__kind=Inbox.Kind.CHAT,
            assignee__isnull=True,
            status__in=Conversation.OPEN_STATUSES,
            waiting_since__lt=since,
        )
        .exclude(pk=conversation.pk)
        .count()
    )
    position = ahead + 1
    online = agents_online(workspace_id=conversation.workspace_id)
    waits = sorted(
        (first_reply - first_message).total_seconds()
        for first_reply, first_message in Conversation.objects.filter(
            workspace_id=conversation.workspace_id,
            inbox__kind=Inbox.Kind.CHAT,
            first_agent_reply_at__gte=now - ESTIMATE_WINDOW,
            first_customer_message_at__isnull=False,
        )
        .order_by("-first_agent_reply_at")
        .values_list("first_agent_reply_at", "first_customer_message_at")[:200]
        if first_reply is not None and first_message is not None
    )
    if online == 0 or len(waits) < ESTIMATE_MIN_SAMPLES:
        return QueueState(position=position, wait_minutes=None)
    # The 80th percentile of recent first replies, once per round of online agents ahead:
    # a figure four chats in five actually met, never the optimistic average.
    p80 = waits[min(len(waits) - 1, math.ceil(0.8 * len(waits)) - 1)]
    rounds = math.ceil(position / online)
    return QueueState(position=position, wait_minutes=max(1, math.ceil(p80 * rounds / 60)))


@transaction.atomic
def visitor_identify(*, inbox: Inbox, key: str, name: str = "", email: str = "") -> Customer:
    """The visitor gave their name and email: link them to that customer (and their history)."""
    email = email.strip().lower()
    name = name.strip()[:160]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ChatError(_("Enter a valid email address.")) from None
    workspace = inbox.workspace
    visitor = visitor_customer(inbox=inbox, key=key)
    known = (
        customer_find(workspace=workspace, kind=Identity.Kind.EMAIL, address=email)
        if email
        else None
    )
    if visitor is None and known is not None:
        Identity.objects.create(
            workspace=workspace, customer=known, kind=Identity.Kind.VISITOR, address=key
        )
        customer = known
    elif visitor is None:
        customer = customer_resolve(
            workspace=workspace, kind=Identity.Kind.VISITOR, address=key, name=name
        )
        if email:
            identity_add(customer=customer, kind=Identity.Kind.EMAIL, address=email)
    elif known is not None and known.pk != visitor.pk:
        customer_merge(source=visitor, target=known, actor=None)
        customer = known
    else:
        customer = visitor
        if email and known is None:
            identity_add(customer=customer, kind=Identity.Kind.EMAIL, address=email)
    if name and not customer.name:
        customer.name = name
        customer.save(update_fields=["name"])
    return customer


@dataclass(frozen=True)
class ChatReceived:
    message: dict[str, Any]
    conversation_id: int
    # Nobody has the chat yet: the visitor is told where they stand in the queue.
    waiting: bool
    # The chat began with this message and went straight to this person: the visitor is told
    # (the "agent" event of the routing is sent before their socket joins the chat's group).
    taken_by: str = ""


@dataclass(frozen=True)
class ChatFrame:
    """One visitor message as the widget sent it."""

    key: str
    client_id: str
    text: str
    meta: dict[str, str]
    files: list[tuple[str, str, bytes]] = field(default_factory=list)


def chat_receive(
    *,
    inbox: Inbox,
    key: str,
    client_id: str,
    text: str,
    meta: dict[str, str],
    files: list[tuple[str, str, bytes]] | None = None,
) -> ChatReceived:
    """One visitor message (see chats_receive); ChatError when it could not be stored."""
    frame = ChatFrame(key=key, client_id=client_id, text=text, meta=meta, files=files or [])
    received = chats_receive(inbox=inbox, frames=[frame])[0]
    if isinstance(received, ChatError):
        raise received
    return received


def _frame_payload(frame: ChatFrame) -> bytes:
    payload = {
        "visitor": frame.key,
        "client_id": frame.client_id,
        "text": frame.text,
        **{k: v for k, v in frame.meta.items() if isinstance(v, str)},
        "files": [
            {"name": name, "type": content_type, "data": base64.b64encode(content).decode()}
            for name, content_type, content in frame.files
        ],
    }
    return json.dumps(payload, sort_keys=True).encode()


def chats_receive(*, inbox: Inbox, frames: Sequence[ChatFrame]) -> list[ChatReceived | ChatError]:
    """Visitor messages through the shared inbound path (stored first, deduplicated), as one
    batch: the frames that reached this process while the previous batch was being written.
    One result per frame, in order; a frame that could not be stored gets a ChatError."""

    results = inbound_ingest_many(
        inbox=inbox, payloads=[_frame_payload(frame) for frame in frames], source="chat"
    )
    stored = [result.status in {"ok", "duplicate"} for result in results]
    # What this run wrote comes back with its result; a duplicate found again by an earlier
    # run (the same bytes: a resent frame) is read back by its channel id.
    missing = [
        f"chat:{frame.key}:{frame.client_id}"
        for frame, result, ok in zip(frames, results, stored, strict=True)
        if ok and result.message is None
    ]
    by_external = (
        {
            message.external_id: message
            for message in Message.objects.select_related("conversation").filter(
                inbox=inbox, external_id__in=missing
            )
        }
        if missing
        else {}
    )
    messages = [
        (result.message or by_external.get(f"chat:{frame.key}:{frame.client_id}") if ok else None)
        for frame, result, ok in zip(frames, results, stored, strict=True)
    ]
    routed = _routed([message.conversation for message in messages if message is not None])
    received: list[ChatReceived | ChatError] = []
    for frame, message in zip(frames, messages, strict=True):
        if message is None:
            received.append(ChatError(_("Your message could not be sent. Please try again.")))
            continue
        conversation = message.conversation
        assignee_id, taken_by = routed.get(conversation.pk, (conversation.assignee_id, ""))
        received.append(
            ChatReceived(
                message=message_payload(message, with_files=bool(frame.files)),
                conversation_id=message.conversation_id,
                waiting=assignee_id is None,
                taken_by=taken_by,
            )
        )
    return received


def _routed(conversations: list[Conversation]) -> dict[int, tuple[int | None, str]]:
    """Who has each chat this batch opened: routing ran as it opened (inside the ingest's
    transaction), after these rows were read. One query, and only when the batch opened one:
    the quick path's rows (chats that go on) are partial and never new."""
    new = {
        conversation.pk
        for conversation in conversations
        if "message_count" in conversation.__dict__ and conversation.message_count <= 1
    }
    if not new:
        return {}
    return {
        pk: (assignee_id, name or "")
        for pk, assignee_id, name in Conversation.objects.filter(pk__in=new).values_list(
            "pk", "assignee_id", "assignee__name"
        )
    }


def on_chat_assigned(event: Event) -> None:
    """Event handler: a person took a chat (routing, or an agent): the visitor's widget says
    who will reply, so a routed chat is never silent."""
    agent_id = event.payload.get("assigned")
    if not agent_id:
        return
    conversation_id = int(event.payload["conversation"])
    # A chat, still with that person: one query.
    name = (
        Conversation.objects.filter(
            pk=conversation_id, inbox__kind=Inbox.Kind.CHAT, assignee_id=agent_id
        )
        .values_list("assignee__name", flat=True)
        .first()
    )
    if name is not None:
        chat_push(conversation_id=conversation_id, event="agent", data={"name": name})


def chat_push(*, conversation_id: int, event: str, data: dict[str, Any]) -> None:
    push.group_send(
        groups.chat(conversation_id), {"type": "chat.event", "event": event, "data": data}
    )


def chat_reply_deliver(*, message: Message) -> None:
    """The chat adapter's send: push to the open widget; a visitor who has left gets an email
    (when they gave an address) and sees the reply in the widget on their next visit."""
    chat_push(
        conversation_id=message.conversation_id, event="message", data=message_payload(message)
    )
    if visitor_is_present(conversation_id=message.conversation_id):
        return
    if message.conversation.customer.email:
        transaction.on_commit(lambda: chat_email_task.enqueue(message_id=message.pk))


def chat_mark_read(*, inbox: Inbox, key: str, conversation_id: int, upto: int) -> bool:
    """The visitor has seen the chat up to message `upto`: tell the agents' desks."""
    if not visitor_conversations(inbox=inbox, key=key).filter(pk=conversation_id).exists():
        return False
    updated = Conversation.objects.filter(pk=conversation_id, customer_read_upto__lt=upto).update(
        customer_read_upto=upto
    )
    if updated:
        publish(
            Event(
                name="conversation.read",
                workspace_id=inbox.workspace_id,
                payload={"conversation": conversation_id, "by": "customer", "upto": upto},
            )
        )
    return bool(updated)


def agent_mark_read(*, conversation_id: int) -> int:
    """An agent has the chat open: the visitor's messages so far are read."""
    upto = (
        Message.objects.filter(conversation_id=conversation_id, direction=Message.Direction.INBOUND)
        .order_by("-id")
        .values_list("pk", flat=True)
        .first()
    ) or 0
    if upto and Conversation.objects.filter(pk=conversation_id, agent_read_upto__lt=upto).update(
        agent_read_upto=upto
    ):
        chat_push(conversation_id=conversation_id, event="read", data={"upto": upto})
    return upto


def chat_bot_turn(*, inbox: Inbox, message_id: int) -> dict[str, Any] | None:
    """With the bot on, answer a visitor's message in a chat no person has yet. Returns the
    bot's message for the widget: its answer, or, when it hands off, who will reply and when
    (the chat is then routed to a person like any other). None: the bot is off, or a person has
    the chat or was already asked for."""

    if not chat_config(inbox).bot:
        return None
    message = Message.objects.select_related("conversation__workspace").get(
        pk=message_id, inbox=inbox
    )
    conversation = message.conversation
    if (
        message.author_kind != Message.Author.CUSTOMER
        or conversation.assignee_id is not None
        or conversation.status not in Conversation.OPEN_STATUSES
        or conversation.events.filter(kind="bot", data__action="handed_off").exists()
        or Message.objects.filter(conversation=conversation, headers__answers=message.pk).exists()
    ):
        return None
    result = bot_ask(
        workspace=conversation.workspace,
        question=message.text,
        language=conversation.language or None,
        channel="chat",
        session_key=f"chat:{conversation.pk}",
        conversation_id=conversation.pk,
        count_unanswered=True,
    )
    if not isinstance(result, Answer):
        return _bot_hand_off(
            inbox=inbox, conversation=conversation, reason=result.reason, answers=message.pk
        )
    translation = result.translation
    url = settings.BASE_URL + reverse(
        "helpcenter:article", args=[translation.language, result.article.pk, translation.slug]
    )
    reply = bot_reply_add(
        conversation=conversation,
        text=f"{result.text}\n\n{translation.title}: {url}",
        headers={
            "answers": message.pk,
            "article": result.article.pk,
            "title": translation.title,
            "url": url,
            "confidence": round(result.confidence, 3),
        },
    )
    return message_payload(reply, with_files=False)


def _bot_hand_off(
    *, inbox: Inbox, conversation: Conversation, reason: str, answers: int | None = None
) -> dict[str, Any]:
    """The bot passes the chat to a person: the session ends, the chat is routed, and the
    visitor is told in their language who will reply, or that a person will as soon as one is
    free (the queue frame that follows gives the position and wait). Never silence."""

    bot_settle(
        workspace_id=conversation.workspace_id,
        session_key=f"chat:{conversation.pk}",
        resolved=False,
        reason=reason,
        conversation=conversation,
    )
    agent = conversation_route(conversation=conversation)
    with override(conversation.language or inbox.workspace.default_language):
        if reason == "asked_for_person":
            opening = _("Of course.")
        else:
            opening = _("I'm not sure I have the right answer to that.")
        if agent is not None:
            follow = _("%(name)s from our team will reply here.") % {"name": agent.name}
        elif chat_state(inbox=inbox).online:
            follow = _("I've passed your question to our team: a person will reply here.")
        else:
            follow = _(
                "I've passed your question to our team: they are away now and will reply "
                "as soon as they are back."
            )
        text = sentences(opening, follow)
    headers: dict[str, object] = {"handoff": reason}
    if answers:
        headers["answers"] = answers
    if agent is not None:
        # Named already: the widget does not announce them again when the routing event comes.
        headers["agent"] = agent.name
    reply = bot_reply_add(conversation=conversation, text=text, headers=headers, record=False)
    return message_payload(reply, with_files=False)


def chat_bot_feedback(
    *, inbox: Inbox, key: str, message_id: int, answered: bool
) -> dict[str, Any] | None:
    """The visitor pressed "That answered it" (the chat is solved by the bot) or "Talk to a
    person" (routed to an agent). Returns the bot's hand-off message for the widget when the
    visitor asked for a person; None otherwise, also for a message that is not theirs to judge.
    """

    message = (
        Message.objects.filter(
            pk=message_id,
            author_kind=Message.Author.BOT,
            conversation__in=visitor_conversations(inbox=inbox, key=key),
        )
        .select_related("conversation")
        .first()
    )
    if message is None:
        return None
    conversation = message.conversation
    if conversation.events.filter(kind="bot", data__action__in=["resolved", "handed_off"]).exists():
        return None
    if not answered:
        return _bot_hand_off(inbox=inbox, conversation=conversation, reason="asked_for_person")
    bot_settle(
        workspace_id=conversation.workspace_id,
        session_key=f"chat:{conversation.pk}",
        resolved=True,
        reason="confirmed",
        conversation=conversation,
    )
    return None
