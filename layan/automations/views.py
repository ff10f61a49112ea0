"""The page an acknowledgement's "did this answer your question?" link opens."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from layan.automations import services
from layan.sla.selectors import expected_reply_at


@require_http_methods(["GET", "POST"])
def request_answered(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (mail scanners open links: a GET never changes anything); POST records."""
    conversation = services.answered_conversation(token)
    if conversation is None:
        raise Http404
    language = conversation.language or conversation.customer.language
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
    choice = request.POST.get("answered") if request.method == "POST" else None
    if request.method == "POST" and choice not in {"yes", "no"}:
        return HttpResponse(status=400)
    said = "already" if services.answered_already(conversation) else ""
    if choice and not said:
        recorded = services.answered_record(conversation=conversation, answered=choice == "yes")
        said = choice if recorded else "already"
    return render(
        request,
        "automations/answered.html",
        {
            "conversation": conversation,
            "said": said,
            "open": conversation.is_open,
            "reply_by": expected_reply_at(workspace=conversation.workspace),
        },
    )
