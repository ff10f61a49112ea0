"""Instagram's webhook (Meta's address check, signed calls) and the private reply to a comment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from layan.accounts.access import agent_required, current_agent
from layan.channels.instagram.config import InstagramConfig
from layan.channels.instagram.parse import split
from layan.conversations import services
from layan.conversations.access import access_conversation
from layan.conversations.inbound import inbound_accept
from layan.inboxes.selectors import webhook_inbox
from layan.inboxes.webhooks import meta_call_refused, meta_verification


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest, inbox_id: int) -> HttpResponse:
    inbox = webhook_inbox(inbox_id=inbox_id, kind="instagram")
    if inbox is None:
        raise Http404
    config = InstagramConfig.from_dict(inbox.config)
    if request.method == "GET":
        return meta_verification(request, verify_token=config.verify_token, inbox_id=inbox.pk)
    if meta_call_refused(request, app_secret=config.app_secret, inbox_id=inbox.pk):
        return HttpResponseForbidden("bad signature")
    try:
        events = split(request.body)
    except ValueError:
        events = [request.body]  # signed by Meta but not understood: kept, shown as failed
    if events:
        inbound_accept(inbox=inbox, payloads=events, source="instagram")
    return HttpResponse(status=200)


@require_POST
@agent_required
def private_reply(request: HttpRequest, number: int) -> HttpResponse:
    """Answer a public comment with a direct message to its author (Meta's private reply)."""
    agent = current_agent(request)
    conversation = access_conversation(actor=agent, number=number)
    if conversation.inbox.kind != "instagram":
        raise Http404
    try:
        services.reply_send(
            conversation=conversation,
            agent=agent,
            text=request.POST.get("text", ""),
            headers={"private": True},
        )
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return redirect("desk:conversation", conversation.number)
