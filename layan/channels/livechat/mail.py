"""Chat by email: a reply for a visitor who left, and the transcript (asked for, or sent when
the chat is solved)."""

from __future__ import annotations

from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from layan.channels.livechat.config import ChatConfig
from layan.conversations.models import Conversation, ConversationEvent, Message
from layan.conversations.services import timeline_add
from layan.core.events import Event
from layan.inboxes.mail import send_email_via_inbox, send_workspace_email
from layan.inboxes.models import Inbox


def chat_reply_email(*, message_id: int) -> str:
    """Send one agent chat reply by email (to a visitor who left the page)."""
    message = Message.objects.select_related(
        "conversation__customer", "conversation__workspace", "inbox", "author_agent"
    ).get(pk=message_id)
    if message.is_note or message.direction != Message.Direction.OUTBOUND:
        return "refused"
    if message.headers.get("emailed"):
        return "already emailed"
    if not message.conversation.customer.email:
        return "no address"
    send_email_via_inbox(message)
    Message.objects.filter(pk=message.pk).update(
        headers={**message.headers, "emailed": timezone.now().isoformat()}
    )
    return "sent"


def chat_transcript_send(*, conversation_id: int, email: str, language: str) -> str:
    conversation = Conversation.objects.select_related("workspace").get(pk=conversation_id)
    messages = (
        conversation.messages.exclude(is_note=True)
        .exclude(direction=Message.Direction.INTERNAL)
        .select_related("author_agent")
        .order_by("created_at", "id")
    )
    with translation.override(language or conversation.workspace.default_language):
        body = render_to_string(
            "livechat/chat_transcript.txt",
            {"conversation": conversation, "messages": messages},
        )
        subject = _("Your chat with %(business)s") % {"business": conversation.workspace.name}
    send_workspace_email(
        workspace=conversation.workspace,
        to=email,
        subject=subject,
        body=body,
        headers={"Auto-Submitted": "auto-generated"},
    )
    timeline_add(
        conversation=conversation,
        actor=None,
        kind=ConversationEvent.Kind.TRANSCRIPT,
        data={"to": email},
    )
    return "sent"


def on_conversation_solved(event: Event) -> None:
    """Event handler: a solved chat's transcript goes to the visitor, by a task."""
    conversation_id = int(event.payload["conversation"])
    if Conversation.objects.filter(pk=conversation_id, inbox__kind=Inbox.Kind.CHAT).exists():
        chat_transcript_on_solve_task.enqueue(conversation_id=conversation_id)


def chat_transcript_on_solve(*, conversation_id: int) -> str:
    """Email the transcript of a solved chat once: not again unless the chat went on after the
    last one, never without an address, never when the inbox turned it off."""
    conversation = (
        Conversation.objects.select_related("inbox", "customer").filter(pk=conversation_id).first()
    )
    if conversation is None or conversation.status not in {
        Conversation.Status.SOLVED,
        Conversation.Status.CLOSED,
    }:
        return "not solved"
    if not ChatConfig.from_dict(conversation.inbox.config).transcript_on_solve:
        return "off"
    address = conversation.customer.email
    if not address:
        return "no address"
    last_sent = (
        conversation.events.filter(kind=ConversationEvent.Kind.TRANSCRIPT)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    talk = conversation.messages.exclude(is_note=True)
    if last_sent is not None and not talk.filter(created_at__gt=last_sent).exists():
        return "already sent"
    if not talk.exclude(author_kind=Message.Author.CUSTOMER).exists():
        # Nobody answered: there is nothing to keep.
        return "no answer"
    return chat_transcript_send(
        conversation_id=conversation.pk, email=address, language=conversation.customer.language
    )


@task()
def chat_email_task(*, message_id: int) -> str:
    """Email an agent's chat reply to a visitor who has left the page (idempotent per message)."""
    return chat_reply_email(message_id=message_id)


@task()
def chat_transcript_task(*, conversation_id: int, email: str, language: str) -> str:
    return chat_transcript_send(conversation_id=conversation_id, email=email, language=language)


@task()
def chat_transcript_on_solve_task(*, conversation_id: int) -> str:
    return chat_transcript_on_solve(conversation_id=conversation_id)
