"""Chat by email: a reply for a visitor who left, and the transcript a visitor asks for."""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from layan.conversations.models import Conversation, Message
from layan.inboxes.email.adapter import send_email_via_inbox
from layan.inboxes.models import Inbox


def _email_inbox(workspace_id: int) -> Inbox | None:
    return (
        Inbox.objects.filter(workspace_id=workspace_id, kind=Inbox.Kind.EMAIL, is_active=True)
        .order_by("id")
        .first()
    )


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
            "inboxes/chat_transcript.txt",
            {"conversation": conversation, "messages": messages},
        )
        subject = _("Your chat with %(business)s") % {"business": conversation.workspace.name}
    inbox = _email_inbox(conversation.workspace_id)
    sender = inbox.address if inbox else parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    EmailMessage(
        subject=subject,
        body=body,
        from_email=f"{conversation.workspace.name} <{sender}>",
        to=[email],
        headers={"Auto-Submitted": "auto-generated"},
    ).send()
    return "sent"
