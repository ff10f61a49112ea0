"""Public help-center pages. Articles and search arrive with the knowledge base."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from layan.accounts.models import ContactChannel
from layan.core.workspaces import workspace_for_request


def home(request: HttpRequest) -> HttpResponse:
    workspace = workspace_for_request(request)
    if workspace is None:
        return render(request, "helpcenter/not_set_up.html", status=503)
    return render(request, "helpcenter/home.html", {"channels": _channels(workspace.pk)})


def contact(request: HttpRequest) -> HttpResponse:
    workspace = workspace_for_request(request)
    if workspace is None:
        return render(request, "helpcenter/not_set_up.html", status=503)
    return render(request, "helpcenter/contact.html", {"channels": _channels(workspace.pk)})


def search(request: HttpRequest) -> HttpResponse:
    workspace = workspace_for_request(request)
    if workspace is None:
        return render(request, "helpcenter/not_set_up.html", status=503)
    query = request.GET.get("q", "")[:200].strip()
    return render(
        request,
        "helpcenter/search.html",
        {"query": query, "channels": _channels(workspace.pk)},
    )


def _channels(workspace_id: int) -> list[ContactChannel]:
    return list(ContactChannel.objects.filter(workspace_id=workspace_id, is_active=True))
