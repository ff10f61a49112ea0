"""Chat by email: a reply for a visitor who left, and the transcript a visitor asks for."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from layan.conversations.models import Conversation, Message
from layan.inboxes.email.adapter import send_email_via_inbox, send_workspace_email


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
    send_workspace_email(
        workspace=conversation.workspace,
        to=email,
        subject=subject,
        body=body,
        headers={"Auto-Submitted": "auto-generated"},
    )
    return "sent"
