"""Permission-checked loads and view decorators for the agent workspace."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from layan.accounts.models import Team, User

View = Callable[..., HttpResponseBase]


def agent_required(view: View) -> View:
    return login_required(view)


def admin_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not getattr(request.user, "is_admin", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def current_agent(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def access_agent(*, actor: User, agent_id: int) -> User:
    """An agent of the actor's own workspace (admins manage agents)."""
    if not actor.is_admin:
        raise PermissionDenied
    return get_object_or_404(User, pk=agent_id, workspace_id=actor.workspace_id)


def access_team(*, actor: User, team_id: int) -> Team:
    if not actor.is_admin:
        raise PermissionDenied
    return get_object_or_404(Team, pk=team_id, workspace_id=actor.workspace_id)
