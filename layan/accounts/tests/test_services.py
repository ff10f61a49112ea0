"""Agents, admins and their availability, through the services."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.test import Client

from layan.accounts import services
from layan.accounts.models import AvailabilityEvent, Skill, Team, User
from layan.core.timers import fire_all_due
from layan.core.worker import run_tasks_now
from layan.testing.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_invited_agent_gets_an_email_in_their_language_and_can_set_a_password(
    cast: Cast, outbox: list[EmailMessage]
) -> None:
    # Given Iris invites Budi, who works in Indonesian (the workspace default is English),
    care = Team.objects.create(workspace=cast.workspace, name="Customer care")
    indonesian = Skill.objects.get(workspace=cast.workspace, code="id")
    budi = services.agent_invite(
        workspace=cast.workspace,
        email="Budi@Toko.Example",
        name=" Budi Santoso ",
        role=User.Role.AGENT,
        teams=[care],
        skills=[indonesian],
        actor=cast.iris,
    )
    budi.language = "id"
    budi.save()
    # then the account exists without a usable password, and no mail is sent inline:
    assert (budi.email, budi.name, budi.has_usable_password()) == (
        "budi@toko.example",
        "Budi Santoso",
        False,
    )
    assert list(budi.teams.all()) == [care]
    assert outbox == []
    # when the worker runs the queued task,
    run_tasks_now()
    # then one email, in Indonesian, carries a working set-password link.
    assert len(outbox) == 1
    assert outbox[0].to == ["budi@toko.example"]
    assert outbox[0].subject == "Anda diundang ke meja layanan Toko Test"
    link = re.search(r"http://\S+/desk/password-reset/\S+/", str(outbox[0].body))
    assert link
    client = Client()
    form_page = client.get(link.group(0).removeprefix("http://127.0.0.1:8000"), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Jakarta-2026-pass", "new_password2": "Jakarta-2026-pass"},
    )
    assert response.status_code == 302
    budi.refresh_from_db()
    assert budi.check_password("Jakarta-2026-pass")


def test_the_same_email_cannot_be_invited_twice(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        services.agent_invite(
            workspace=cast.workspace,
            email=cast.alice.email.upper(),
            name="Alice Again",
            role=User.Role.AGENT,
            actor=cast.iris,
        )


def test_the_last_admin_cannot_be_demoted_or_deactivated(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="at least one active admin"):
        services.agent_update(
            agent=cast.iris,
            actor=cast.alice,
            name=cast.iris.name,
            role=User.Role.AGENT,
            is_active=True,
            teams=[],
            skills=[],
        )
    # With a second admin, demoting Iris is fine.
    cast.alice.role = User.Role.ADMIN
    cast.alice.save()
    services.agent_update(
        agent=cast.iris,
        actor=cast.alice,
        name=cast.iris.name,
        role=User.Role.AGENT,
        is_active=True,
        teams=[],
        skills=[],
    )
    assert User.objects.get(pk=cast.iris.pk).role == "agent"


def test_an_admin_cannot_deactivate_themselves(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="your own account"):
        services.agent_update(
            agent=cast.iris,
            actor=cast.iris,
            name="Iris",
            role=User.Role.ADMIN,
            is_active=False,
            teams=[],
            skills=[],
        )


def test_deactivating_an_agent_takes_them_offline_with_a_timeline_row(cast: Cast) -> None:
    services.agent_set_availability(
        agent=cast.alice, availability="online", source="manual", actor=cast.alice
    )
    services.agent_update(
        agent=cast.alice,
        actor=cast.iris,
        name=cast.alice.name,
        role=User.Role.AGENT,
        is_active=False,
        teams=[],
        skills=[],
    )
    latest = AvailabilityEvent.objects.filter(agent=cast.alice).first()
    assert latest is not None
    assert (latest.previous, latest.availability, latest.source, latest.actor) == (
        "online",
        "offline",
        "admin",
        cast.iris,
    )


def test_each_availability_change_is_one_timeline_row(cast: Cast) -> None:
    for value in ["online", "online", "away", "offline"]:
        services.agent_set_availability(
            agent=cast.alice, availability=value, source="manual", actor=cast.alice
        )
    rows = list(
        AvailabilityEvent.objects.filter(agent=cast.alice)
        .order_by("id")
        .values_list("previous", "availability")
    )
    assert rows == [("offline", "online"), ("online", "away"), ("away", "offline")]


def test_an_unknown_availability_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        services.agent_set_availability(
            agent=cast.alice, availability="sleeping", source="manual", actor=cast.alice
        )


def test_a_silent_desk_goes_offline_after_the_presence_timeout(
    cast: Cast, settings: object
) -> None:
    start = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        # Given Alice goes online and her desk sends a heartbeat five minutes later,
        services.agent_set_availability(
            agent=cast.alice, availability="online", source="login", actor=cast.alice
        )
        traveller.shift(dt.timedelta(minutes=5))
        services.agent_seen(agent_id=cast.alice.pk)
        # then ten minutes after going online she is still online (the heartbeat counted),
        traveller.shift(dt.timedelta(minutes=5, seconds=1))
        assert fire_all_due() == 0
        # and ten minutes after the last heartbeat the timer takes her offline, once.
        traveller.shift(dt.timedelta(minutes=5))
        assert fire_all_due() == 1
        assert fire_all_due() == 0
    alice = User.objects.get(pk=cast.alice.pk)
    assert (alice.availability, alice.presence_due_at) == ("offline", None)
    assert AvailabilityEvent.objects.filter(agent=alice, source="timeout").count() == 1


def test_heartbeats_from_an_offline_agent_change_nothing(cast: Cast) -> None:
    services.agent_seen(agent_id=cast.alice.pk)
    alice = User.objects.get(pk=cast.alice.pk)
    assert (alice.availability, alice.presence_due_at) == ("offline", None)


def test_password_reset_request_for_an_unknown_address_sends_nothing(
    cast: Cast, outbox: list[EmailMessage]
) -> None:
    services.password_reset_request(email="nobody@example.com")
    run_tasks_now()
    assert outbox == []
