"""What Layan does by itself. For now: the acknowledgement of a new request.

"We got it (#1042); our hours are …; expect a reply by …" — plus the help-center articles the
answer bot is confident answer the question. Sent once per conversation, by email, for
requests that came in by email or the contact form; never to automatic mail (auto-replies,
lists, daemons), so two autoresponders cannot talk to each other.

An acknowledgement with an answer is a self-service session (channel "email"): its link lets
the customer say whether the article answered them ("yes" solves the request with no person
involved); otherwise it counts as resolved only if the request was solved without a reply.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from layan.answerbot.models import BotSession
from layan.answerbot.services import Answer, bot_ask, bot_settle
from layan.conversations.models import Conversation, ConversationEvent, Message
from layan.conversations.services import timeline_add
from layan.core.events import Event
from layan.inboxes.mail import send_workspace_email
from layan.inboxes.models import Inbox
from layan.sla.selectors import expected_reply_at, support_hours_summary

ACKNOWLEDGED_CHANNELS = {Inbox.Kind.EMAIL, Inbox.Kind.WEBFORM}
ANSWERED_SALT = "layan.automations.answered"
# How long the "did this answer your question?" link in an acknowledgement works.
ANSWERED_LINK_DAYS = 30


def session_key(conversation_id: int) -> str:
    return f"email:{conversation_id}"


def answered_token(conversation_id: int) -> str:
    return signing.dumps(conversation_id, salt=ANSWERED_SALT)


def answered_conversation(token: str) -> Conversation | None:
    """The conversation an acknowledgement's link is for (None: forged or expired)."""
    try:
        conversation_id = signing.loads(
            token, salt=ANSWERED_SALT, max_age=ANSWERED_LINK_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return None
    return (
        Conversation.objects.select_related("workspace", "customer")
        .filter(pk=conversation_id)
        .first()
    )


def answered_already(conversation: Conversation) -> bool:
    """The customer has said whether the acknowledgement's article answered them."""
    return (
        BotSession.objects.filter(
            workspace_id=conversation.workspace_id, key=session_key(conversation.pk)
        )
        .exclude(outcome=BotSession.Outcome.OPEN)
        .exists()
    )


def answered_record(*, conversation: Conversation, answered: bool) -> bool:
    """The customer says whether the acknowledgement's article answered them. The first word
    counts (False: already said); "yes" solves the request with no person involved."""
    return bot_settle(
        workspace_id=conversation.workspace_id,
        session_key=session_key(conversation.pk),
        resolved=answered,
        reason="answered" if answered else "not_answered",
        conversation=conversation,
        action="resolved" if answered else "not_answered",
        once=True,
    )


def on_conversation_created(event: Event) -> None:
    """Event handler: queue the acknowledgement of a request a customer opened."""
    if event.payload.get("channel") in ACKNOWLEDGED_CHANNELS:
        acknowledge_task.enqueue(conversation_id=int(event.payload["conversation"]))


def acknowledgement_send(*, conversation_id: int) -> str:
    """Send the acknowledgement once; returns what happened (for the task result)."""
    conversation = (
        Conversation.objects.select_related("workspace", "customer", "inbox")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None or not conversation.workspace.acknowledge_requests:
        return "off"
    if conversation.inbox.redirect_only:
        return "redirected instead"
    first = (
        conversation.messages.filter(direction=Message.Direction.INBOUND)
        .select_related("raw")
        .order_by("created_at", "id")
        .first()
    )
    if first is None or first.headers.get("automated"):
        return "not a customer request"
    if first.raw_id and first.raw and first.raw.source == "demo":
        # The demo's made-up customers get no mail.
        return "demo"
    address = conversation.customer.email
    if not address:
        return "no address"
    if conversation.events.filter(kind=ConversationEvent.Kind.ACKNOWLEDGED).exists():
        return "already sent"
    workspace = conversation.workspace
    language = conversation.language or conversation.customer.language or workspace.default_language
    result = bot_ask(
        workspace=workspace,
        question=f"{conversation.subject}\n{first.text}",
        language=language,
        channel="email",
        session_key=session_key(conversation.pk),
        conversation_id=conversation.pk,
    )
    suggestion = None
    if isinstance(result, Answer):
        suggestion = {
            "answered_url": settings.BASE_URL
            + reverse("request_answered", args=[answered_token(conversation.pk)]),
            "title": result.translation.title,
            "passage": result.text,
            "url": settings.BASE_URL
            + reverse(
                "helpcenter:article",
                args=[result.translation.language, result.article.pk, result.translation.slug],
            ),
        }
    with translation.override(language), timezone.override(workspace.timezone):
        hours = support_hours_summary(workspace=workspace)
        body = render_to_string(
            "automations/acknowledgement.txt",
            {
                "conversation": conversation,
                "workspace": workspace,
                "hours": hours,
                "reply_by": timezone.localtime(expected_reply_at(workspace=workspace)),
                "suggestion": suggestion,
            },
        )
        subject = _("We got your message: %(subject)s [#%(number)s]") % {
            "subject": conversation.subject or workspace.name,
            "number": conversation.number,
        }
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    if first.external_id and conversation.inbox.kind == Inbox.Kind.EMAIL:
        headers["In-Reply-To"] = f"<{first.external_id}>"
        headers["References"] = f"<{first.external_id}>"
    send_workspace_email(
        workspace=workspace,
        to=address,
        subject=subject,
        body=body,
        headers=headers,
        # An emailed request is answered from the address it was sent to.
        inbox=conversation.inbox if conversation.inbox.kind == Inbox.Kind.EMAIL else None,
    )
    timeline_add(
        conversation=conversation,
        actor=None,
        kind=ConversationEvent.Kind.ACKNOWLEDGED,
        data={"to": address, **({"article": suggestion["title"]} if suggestion else {})},
    )
    return "sent"


@task()
def acknowledge_task(*, conversation_id: int) -> str:
    return acknowledgement_send(conversation_id=conversation_id)
