"""Admin screens for inboxes (channels) and for inbound mail that could not be processed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.accounts.access import admin_required, current_agent
from layan.inboxes import registry, services
from layan.inboxes.forms import InboxForm
from layan.inboxes.models import InboundRaw, Inbox
from layan.inboxes.templatetags.inboxes import inbound_error


@admin_required
def inbox_list(request: HttpRequest) -> HttpResponse:
    agent = current_agent(request)
    inboxes = Inbox.objects.filter(workspace_id=agent.workspace_id).select_related("team")
    failed = InboundRaw.objects.filter(
        inbox__workspace_id=agent.workspace_id, status=InboundRaw.Status.FAILED
    ).count()
    return render(
        request,
        "inboxes/inboxes.html",
        {"section": "inboxes", "inboxes": inboxes, "failed": failed},
    )


@admin_required
def inbox_edit(request: HttpRequest, inbox_id: int | None = None) -> HttpResponse:
    agent = current_agent(request)
    inbox = (
        get_object_or_404(Inbox, pk=inbox_id, workspace_id=agent.workspace_id)
        if inbox_id is not None
        else None
    )
    kind = (
        inbox.kind if inbox is not None else request.POST.get("kind") or request.GET.get("kind", "")
    )
    if kind not in registry.adapters():
        # A new inbox: first its kind, which decides the settings it has.
        return render(
            request,
            "inboxes/inbox_form.html",
            {"section": "inboxes", "kinds": registry.kind_choices(), "inbox": None},
        )
    form = InboxForm(request.POST or None, workspace=agent.workspace, inbox=inbox, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if inbox is None:
                services.inbox_create(
                    workspace=agent.workspace,
                    kind=data["kind"],
                    name=data["name"],
                    address=data.get("address", ""),
                    config=form.config(),
                    team=data["team"],
                )
            else:
                services.inbox_update(
                    inbox=inbox,
                    name=data["name"],
                    address=data.get("address", ""),
                    config=form.config(),
                    team=data["team"],
                    is_active=data["is_active"],
                )
            messages.success(request, _("Inbox saved."))
            return redirect("desk:inboxes")
        except ValidationError as problem:
            form.add_error(None, problem)
    return render(
        request,
        "inboxes/inbox_form.html",
        {
            "section": "inboxes",
            "form": form,
            "inbox": inbox,
            "embed": registry.adapter_for(kind).settings_template if inbox else "",
        },
    )


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
    return render(request, "inboxes/failed.html", {"section": "inboxes", "rows": rows})


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
        result = services.inbound_reprocess(raw=raw, actor=agent)
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
