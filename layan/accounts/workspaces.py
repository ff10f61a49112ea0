"""Which workspace a request is for.

An install serves one workspace today; everything is already keyed by workspace so that a
host-to-workspace lookup can replace `default_workspace` without touching callers.
"""

from __future__ import annotations

from django.http import HttpRequest

from layan.accounts.models import User, Workspace


def default_workspace() -> Workspace | None:
    return Workspace.objects.order_by("id").first()


def workspace_for_request(request: HttpRequest) -> Workspace | None:
    cached: Workspace | None = getattr(request, "_layan_workspace", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    workspace = user.workspace if isinstance(user, User) else default_workspace()
    request._layan_workspace = workspace  # type: ignore[attr-defined]
    return workspace
