"""Admin screens for inbound payloads that could not be processed: their error, their source
as it arrived, and "Process again"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.accounts.access import admin_required, current_agent
from layan.conversations import inbound
from layan.inboxes.models import InboundRaw
from layan.inboxes.templatetags.inboxes import inbound_error


@admin_required
def inbound_failed(request: HttpRequest) -> HttpResponse:
    agent = current_agent(request)
    rows = (
        InboundRaw.objects.filter(
            inbox__workspace_id=agent.workspace_id, status=InboundRaw.Status.FAILED
        )
        .select_related("inbox")
        .defer("payload")[:200]
    )
    return render(
        request, "conversations/inbound_failed.html", {"section": "inboxes", "rows": rows}
    )


@admin_required
def inbound_source(request: HttpRequest, raw_id: int) -> HttpResponse:
    agent = current_agent(request)
    raw = get_object_or_404(InboundRaw, pk=raw_id, inbox__workspace_id=agent.workspace_id)
    response = HttpResponse(bytes(raw.payload), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="inbound-{raw.pk}.eml"'
    return response


@require_POST
@admin_required
def inbound_reprocess(request: HttpRequest, raw_id: int) -> HttpResponse:
    agent = current_agent(request)
    raw = get_object_or_404(InboundRaw, pk=raw_id, inbox__workspace_id=agent.workspace_id)
    try:
        result = inbound.inbound_reprocess(raw=raw, actor=agent)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
        return redirect("desk:inbound_failed")
    if result.status == "failed":
        messages.error(
            request, _("Still failing: %(reason)s") % {"reason": inbound_error(result.reason)}
        )
    else:
        messages.success(
            request,
            _("Processed: conversation #%(number)s.") % {"number": result.conversation_number},
        )
    return redirect("desk:inbound_failed")
