from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from layan.accounts.models import Skill, Team, User, Workspace


def colleagues(*, workspace: Workspace) -> QuerySet[User]:
    return User.objects.filter(workspace=workspace, is_active=True).order_by("name")


def agents_for_admin(*, workspace: Workspace) -> QuerySet[User]:
    return (
        User.objects.filter(workspace=workspace)
        .prefetch_related(
            Prefetch("teams", queryset=Team.objects.order_by("name")),
            Prefetch("skills", queryset=Skill.objects.order_by("kind", "name")),
        )
        .order_by("-is_active", "name")
    )


def teams_for_admin(*, workspace: Workspace) -> QuerySet[Team]:
    return (
        Team.objects.filter(workspace=workspace)
        .prefetch_related(Prefetch("members", queryset=User.objects.order_by("name")))
        .order_by("name")
    )
