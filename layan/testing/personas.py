"""The people and places every test talks about.

- Toko Test: a shop in Jakarta (Asia/Jakarta), open Mon-Fri 09:00-17:00.
- Iris: its admin.  Alice: an agent in "Care".  Olga: an agent in another team, "Billing".
- Stella: the admin of a *different* workspace, who must never see Toko Test's data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from layan.accounts import services
from layan.accounts.models import Team, User, Workspace
from layan.sla import hours
from layan.sla import services as sla_services
from layan.sla.models import BusinessHours

PASSWORD = "correct horse battery staple"

OFFICE_HOURS = [
    hours.Interval(weekday=day, opens=dt.time(9), closes=dt.time(17)) for day in range(5)
]


def make_workspace(
    *,
    name: str = "Toko Test",
    slug: str = "toko-test",
    timezone_name: str = "Asia/Jakarta",
    intervals: list[hours.Interval] | None = None,
) -> Workspace:
    workspace = services.workspace_create(
        name=name,
        slug=slug,
        timezone_name=timezone_name,
        languages=["en", "id", "zh-hans"],
        default_language="en",
    )
    set_hours(workspace, OFFICE_HOURS if intervals is None else intervals)
    return workspace


def set_hours(
    workspace: Workspace,
    intervals: list[hours.Interval],
    holidays: list[tuple[dt.date, dict[str, str]]] | None = None,
    timezone_name: str | None = None,
) -> None:
    schedule = BusinessHours.objects.get(workspace=workspace, is_default=True)
    sla_services.business_hours_set(
        schedule=schedule,
        timezone_name=timezone_name or schedule.timezone,
        intervals=intervals,
        holidays=holidays or [],
    )


def make_agent(
    *,
    workspace: Workspace,
    name: str,
    email: str | None = None,
    role: str = User.Role.AGENT,
    teams: tuple[str, ...] = (),
    language: str = "",
) -> User:
    user = User.objects.create_user(
        email or f"{name.split()[0].lower()}@{workspace.slug}.example",
        PASSWORD,
        workspace=workspace,
        name=name,
        role=role,
        language=language,
        is_staff=role == User.Role.ADMIN,
    )
    for team_name in teams:
        team, _created = Team.objects.get_or_create(workspace=workspace, name=team_name)
        team.members.add(user)
    return user


@dataclass(frozen=True)
class Cast:
    workspace: Workspace
    iris: User
    alice: User
    olga: User
    other_workspace: Workspace
    stella: User


def make_cast() -> Cast:
    workspace = make_workspace()
    other = make_workspace(name="Other Shop", slug="other-shop", timezone_name="Asia/Shanghai")
    return Cast(
        workspace=workspace,
        iris=make_agent(workspace=workspace, name="Iris Admin", role=User.Role.ADMIN),
        alice=make_agent(workspace=workspace, name="Alice Agent", teams=("Care",)),
        olga=make_agent(workspace=workspace, name="Olga Other", teams=("Billing",)),
        other_workspace=other,
        stella=make_agent(workspace=other, name="Stella Stranger", role=User.Role.ADMIN),
    )
