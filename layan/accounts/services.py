"""Writes for workspaces, agents and teams. Every state change of an agent leaves a timeline row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layan.accounts.models import AvailabilityEvent, Skill, Team, User, Workspace
from layan.accounts.tasks import account_email_task
from layan.core.events import Event, publish

LANGUAGE_SKILL_NAMES = {"en": "English", "id": "Bahasa Indonesia", "zh-hans": "中文"}


@transaction.atomic
def workspace_create(
    *, name: str, slug: str, timezone_name: str, languages: list[str], default_language: str
) -> Workspace:
    """A workspace with one skill per content language (and, through its event, an empty
    support-hours schedule)."""
    workspace = Workspace(
        name=name,
        slug=slug,
        timezone=timezone_name,
        languages=languages,
        default_language=default_language,
    )
    workspace.full_clean()
    workspace.save()
    # Its support hours (empty until an admin sets them) are the sla app's: the event table's
    # `workspace.created`, in this transaction.
    publish(Event(name="workspace.created", workspace_id=workspace.pk))
    for code in languages:
        Skill.objects.create(
            workspace=workspace,
            kind=Skill.Kind.LANGUAGE,
            code=code,
            name=LANGUAGE_SKILL_NAMES.get(code, code),
        )
    return workspace


@transaction.atomic
def workspace_languages_sync(*, workspace: Workspace) -> None:
    """Make sure every content language has its language skill (agents pick them)."""
    for code in workspace.languages:
        Skill.objects.get_or_create(
            workspace=workspace,
            kind=Skill.Kind.LANGUAGE,
            code=code,
            defaults={"name": LANGUAGE_SKILL_NAMES.get(code, code)},
        )


def _check_admins_remain(*, agent: User, role: str, is_active: bool) -> None:
    if agent.is_admin and agent.is_active and (role != User.Role.ADMIN or not is_active):
        others = (
            User.objects.filter(
                workspace_id=agent.workspace_id, role=User.Role.ADMIN, is_active=True
            )
            .exclude(pk=agent.pk)
            .exists()
        )
        if not others:
            raise ValidationError(_("The workspace needs at least one active admin."))


@transaction.atomic
def agent_invite(
    *,
    workspace: Workspace,
    email: str,
    name: str,
    role: str,
    teams: Iterable[Team] = (),
    skills: Iterable[Skill] = (),
    actor: User | None,
) -> User:
    """Create an agent without a password and email them a link to choose one."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An agent with this email address already exists.")})
    agent = User(workspace=workspace, email=email, name=name.strip(), role=role)
    agent.is_staff = role == User.Role.ADMIN
    agent.set_unusable_password()
    agent.full_clean()
    agent.save()
    agent.teams.set(teams)
    agent.skills.set(skills)
    transaction.on_commit(
        lambda: account_email_task.enqueue(
            user_id=agent.pk, kind="invite", base_url=settings.BASE_URL
        )
    )
    return agent


@transaction.atomic
def agent_update(
    *,
    agent: User,
    actor: User,
    name: str,
    role: str,
    is_active: bool,
    teams: Iterable[Team],
    skills: Iterable[Skill],
    chat_limit: int | None = None,
) -> User:
    if agent.pk == actor.pk and not is_active:
        raise ValidationError(_("You cannot deactivate your own account."))
    _check_admins_remain(agent=agent, role=role, is_active=is_active)
    was_active = agent.is_active
    agent.name = name.strip()
    agent.role = role
    agent.is_staff = role == User.Role.ADMIN
    agent.is_active = is_active
    if chat_limit is not None:
        agent.chat_limit = chat_limit
    agent.full_clean()
    # Only the fields this form owns: availability and presence change under other requests.
    agent.save(update_fields=["name", "role", "is_staff", "is_active", "chat_limit"])
    agent.teams.set(teams)
    agent.skills.set(skills)
    if was_active and not is_active:
        agent_set_availability(
            agent=agent, availability=User.Availability.OFFLINE, source="admin", actor=actor
        )
    return agent


def agent_preferences_update(*, agent: User, name: str, language: str, timezone_name: str) -> User:
    agent.name = name.strip()
    agent.language = language
    agent.timezone = timezone_name
    agent.full_clean()
    agent.save(update_fields=["name", "language", "timezone"])
    return agent


def password_reset_request(*, email: str) -> None:
    """Email a reset link when an active agent has this address; say nothing either way."""
    agent = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if agent is not None:
        account_email_task.enqueue(user_id=agent.pk, kind="reset", base_url=settings.BASE_URL)


def _presence_due(availability: str, now: dt.datetime) -> dt.datetime | None:
    if availability == User.Availability.OFFLINE:
        return None
    return now + dt.timedelta(seconds=settings.PRESENCE_TIMEOUT_SECONDS)


@transaction.atomic
def agent_set_availability(
    *, agent: User, availability: str, source: str, actor: User | None
) -> User:
    """Change availability, write the timeline row, and tell every desk of the workspace."""
    if availability not in User.Availability.values:
        raise ValidationError(_("Unknown availability."))
    agent = User.objects.select_for_update().get(pk=agent.pk)
    previous = agent.availability
    now = timezone.now()
    agent.presence_due_at = _presence_due(availability, now)
    if availability != User.Availability.OFFLINE:
        agent.last_seen_at = now
    if previous == availability:
        agent.save(update_fields=["presence_due_at", "last_seen_at"])
        return agent
    agent.availability = availability
    agent.save(update_fields=["availability", "presence_due_at", "last_seen_at"])
    AvailabilityEvent.objects.create(
        agent=agent,
        actor=actor,
        availability=availability,
        previous=previous,
        source=source,
        created_at=now,
    )
    publish(
        Event(
            name="agent.availability_changed",
            workspace_id=agent.workspace_id,
            payload={"agent_id": agent.pk, "availability": availability},
        )
    )
    return agent


def agent_seen(*, agent_id: int) -> None:
    """A heartbeat from an agent's desk: push back the presence timeout.

    Written at most once a minute per agent, so many open tabs cost little.
    """
    now = timezone.now()
    due = now + dt.timedelta(seconds=settings.PRESENCE_TIMEOUT_SECONDS)
    stale = due - dt.timedelta(seconds=60)
    User.objects.filter(
        pk=agent_id,
        availability__in=[User.Availability.ONLINE, User.Availability.AWAY],
        presence_due_at__lt=stale,
    ).update(last_seen_at=now, presence_due_at=due)


def agent_presence_expire(agent_id: int) -> None:
    """Timer handler: an online or away agent's desk went silent, so they are now offline."""
    agent = User.objects.get(pk=agent_id)
    if agent.availability == User.Availability.OFFLINE:
        return
    agent_set_availability(
        agent=agent, availability=User.Availability.OFFLINE, source="timeout", actor=None
    )


@transaction.atomic
def team_save(
    *,
    workspace: Workspace,
    team: Team | None,
    name: str,
    descriptions: dict[str, str],
    members: Iterable[User],
) -> Team:
    team = team or Team(workspace=workspace)
    team.name = name.strip()
    team.descriptions = {code: text.strip() for code, text in descriptions.items() if text.strip()}
    team.full_clean()
    team.save()
    team.members.set(members)
    return team


def team_delete(*, team: Team) -> None:
    team.delete()


def topic_skill_add(*, workspace: Workspace, name: str) -> Skill:
    from django.utils.text import slugify

    name = name.strip()
    code = slugify(name, allow_unicode=True)[:40] or "topic"
    if Skill.objects.filter(workspace=workspace, kind=Skill.Kind.TOPIC, code=code).exists():
        raise ValidationError(_("This topic already exists."))
    return Skill.objects.create(workspace=workspace, kind=Skill.Kind.TOPIC, code=code, name=name)


def topic_skill_delete(*, workspace: Workspace, skill_id: int) -> None:
    """Language skills follow the workspace's languages; only topics are removed by hand."""
    Skill.objects.filter(workspace=workspace, pk=skill_id, kind=Skill.Kind.TOPIC).delete()
