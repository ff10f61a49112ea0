"""The help center's contact form: article suggestions while typing, then a conversation."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST

from layan.accounts.workspaces import workspace_for_request
from layan.answerbot.services import Answer, bot_ask, bot_settle
from layan.channels.webform.forms import ContactForm
from layan.conversations.inbound import inbound_ingest
from layan.conversations.models import Conversation
from layan.inboxes.models import Inbox
from layan.inboxes.selectors import active_inbox
from layan.knowledge.selectors import search_articles
from layan.knowledge.views.helpcenter import contact_channels, not_set_up
from layan.sla.selectors import expected_reply_at

THANKS_SALT = "layan.webform.thanks"
SUGGESTIONS = 3


def contact(request: HttpRequest) -> HttpResponse:
    return contact_page(request)


def contact_page(request: HttpRequest, *, form: Any = None, status: int = 200) -> HttpResponse:
    """The ways to reach a person, with the contact form when the workspace has a web form."""
    workspace = workspace_for_request(request)
    if workspace is None:
        return not_set_up(request)
    has_form = active_inbox(kind=Inbox.Kind.WEBFORM, workspace_id=workspace.pk) is not None
    return render(
        request,
        "helpcenter/contact.html",
        {
            "channels": contact_channels(workspace),
            "form": (form or ContactForm()) if has_form else None,
        },
        status=status,
    )


def _inbox_or_404(request: HttpRequest) -> Inbox:
    workspace = workspace_for_request(request)
    inbox = active_inbox(kind=Inbox.Kind.WEBFORM, workspace_id=workspace.pk) if workspace else None
    if inbox is None:
        raise Http404
    return inbox


@require_POST
def contact_send(request: HttpRequest) -> HttpResponse:
    inbox = _inbox_or_404(request)
    form = ContactForm(request.POST, request.FILES)
    if not form.is_valid():
        return contact_page(request, form=form, status=400)
    data = form.cleaned_data
    upload = data.get("attachment")
    payload = {
        "form_id": data["form_id"],
        "name": data["name"],
        "email": data["email"],
        "subject": data["subject"],
        "message": data["message"],
        "language": translation.get_language() or "",
        "page_url": request.headers.get("Referer", "")[:500],
        "suggested": form.suggested_ids(),
        "files": [
            {
                "name": upload.name or "file",
                "type": upload.content_type or "application/octet-stream",
                "data": base64.b64encode(upload.read()).decode(),
            }
        ]
        if upload
        else [],
    }
    result = inbound_ingest(
        inbox=inbox, payload=json.dumps(payload, sort_keys=True).encode(), source="webform"
    )
    if result.conversation_id is None:
        form.add_error(None, result.reason or "failed")
        return contact_page(request, form=form, status=400)
    if result.status == "ok" and form.suggested_ids():
        bot_settle(
            workspace_id=inbox.workspace_id,
            session_key=f"webform:{data['form_id']}",
            resolved=False,
            reason="submitted_anyway",
            conversation=Conversation.objects.get(pk=result.conversation_id),
            action="submitted_anyway",
        )
    token = signing.dumps(result.conversation_id, salt=THANKS_SALT)
    return redirect("contact_thanks", token=token)


@require_GET
def contact_thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        conversation_id = signing.loads(token, salt=THANKS_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        raise Http404 from None
    conversation = (
        Conversation.objects.select_related("workspace", "customer")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise Http404
    return render(
        request,
        "webform/contact_thanks.html",
        {
            "conversation": conversation,
            "reply_by": expected_reply_at(workspace=conversation.workspace),
        },
    )


@require_GET
def contact_suggest(request: HttpRequest) -> HttpResponse:
    """Articles that may answer what the customer is typing (htmx), best first."""

    workspace = workspace_for_request(request)
    text = " ".join(request.GET.get(field, "")[:1000] for field in ("subject", "message")).strip()
    if workspace is None or len(text) < 4:
        return render(request, "webform/_contact_suggestions.html", {"results": []})
    language = translation.get_language() or workspace.default_language
    form_id = request.GET.get("form_id", "")[:64]
    results = search_articles(workspace=workspace, query=text, language=language, limit=SUGGESTIONS)
    # A self-service attempt when anything is shown: resolved unless this form is sent anyway
    # (see contact_send).
    best = bot_ask(
        workspace=workspace,
        question=text,
        language=language,
        channel="webform",
        session_key=f"webform:{form_id}" if form_id else "",
        suggested=[r.link.article.pk for r in results],
    )
    confident = best if isinstance(best, Answer) else None
    if confident is not None:
        results = [r for r in results if r.link.article.pk != confident.article.pk][
            : SUGGESTIONS - 1
        ]
    shown = ([confident.article.pk] if confident else []) + [r.link.article.pk for r in results]
    return render(
        request,
        "webform/_contact_suggestions.html",
        {"answer": confident, "results": results, "shown": ",".join(map(str, shown))},
    )
