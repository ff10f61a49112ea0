"""Canned replies (macros): listed, added, edited and deleted by admins."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.accounts.access import admin_required, current_agent
from layan.conversations.access import access_macro
from layan.conversations.forms import MacroForm
from layan.conversations.models import Macro


@admin_required
def macros(request: HttpRequest, macro_id: int | None = None) -> HttpResponse:
    agent = current_agent(request)
    macro = (
        access_macro(actor=agent, macro_id=macro_id)
        if macro_id
        else Macro(workspace=agent.workspace, created_by=agent)
    )
    form = MacroForm(request.POST or None, instance=macro)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Canned reply saved."))
        return redirect("desk:macros")
    return render(
        request,
        "conversations/macros.html",
        {
            "section": "macros",
            "form": form,
            "editing": macro if macro_id else None,
            "macros": Macro.objects.filter(workspace_id=agent.workspace_id),
        },
    )


@require_POST
@admin_required
def macro_delete(request: HttpRequest, macro_id: int) -> HttpResponse:
    agent = current_agent(request)
    access_macro(actor=agent, macro_id=macro_id).delete()
    messages.success(request, _("Canned reply deleted."))
    return redirect("desk:macros")
