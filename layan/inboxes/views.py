"""Admin screens for inboxes (channels)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from layan.accounts.access import admin_required, current_agent
from layan.inboxes import registry, services
from layan.inboxes.forms import InboxForm
from layan.inboxes.models import InboundRaw, Inbox


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
                    redirect_only=data.get("redirect_only", False),
                )
            else:
                services.inbox_update(
                    inbox=inbox,
                    name=data["name"],
                    address=data.get("address", ""),
                    config=form.config(),
                    team=data["team"],
                    is_active=data["is_active"],
                    redirect_only=data.get("redirect_only", False),
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
