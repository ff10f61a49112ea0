"""Background work: tasks enqueued by requests run in the worker; timers fire exactly once."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.core.mail import EmailMessage
from django.db import connections
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from layan.accounts.models import AvailabilityEvent, User
from layan.core import timers
from layan.core.worker import run_tasks_now
from layan.testing.personas import PASSWORD, Cast, make_agent

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_task_enqueued_by_a_request_is_run_by_the_worker(
    cast: Cast, outbox: list[EmailMessage]
) -> None:
    # When Alice asks for a password reset on the login page,
    response = Client().post("/desk/password-reset/", {"email": "ALICE@toko-test.example"})
    assert response.status_code == 302
    # then the request only queued the work,
    assert outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    # and the worker sends the email and records the task as done.
    run_tasks_now()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert [message.to for message in outbox] == [["alice@toko-test.example"]]
    # The link in it lets her choose a new password and log in with it.
    path = re.search(r"/desk/password-reset/\S+/", str(outbox[0].body))
    assert path
    client = Client()
    form_page = client.get(path.group(0), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "new-Jakarta-pass-1", "new_password2": "new-Jakarta-pass-1"},
    )
    assert Client().login(username="alice@toko-test.example", password="new-Jakarta-pass-1")
    assert not Client().login(username="alice@toko-test.example", password=PASSWORD)


def _make_due_agents(cast: Cast, count: int) -> list[int]:
    past = timezone.now() - dt.timedelta(minutes=1)
    ids = []
    for number in range(count):
        agent = make_agent(
            workspace=cast.workspace,
            name=f"Agent {number}",
            email=f"agent{number}@toko-test.example",
        )
        ids.append(agent.pk)
    User.objects.filter(pk__in=ids).update(availability="online", presence_due_at=past)
    return ids


def test_two_workers_never_fire_the_same_timer_twice(cast: Cast) -> None:
    # Given 60 agents whose presence timers are all due,
    ids = _make_due_agents(cast, 60)
    fired: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            total = 0
            while User.objects.filter(presence_due_at__isnull=False).exists():
                total += timers.fire_all_due()
            fired.append(total)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    # when two workers, each with its own database connection, race through them,
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # then every timer fired exactly once between them.
    assert errors == []
    assert sum(fired) == 60
    events = AvailabilityEvent.objects.filter(agent_id__in=ids, source="timeout")
    assert events.count() == 60
    assert sorted(events.values_list("agent_id", flat=True)) == sorted(ids)


def test_a_failing_timer_is_retried_later_not_lost(cast: Cast) -> None:
    (agent_id,) = _make_due_agents(cast, 1)
    calls: list[int] = []

    def flaky(pk: int) -> None:
        calls.append(pk)
        User.objects.filter(pk=pk).update(availability="offline")
        if len(calls) == 1:
            raise RuntimeError("the mail server is down")

    timer = timers.Timer(name="test.flaky", model=User, due_field="presence_due_at", handler=flaky)
    now = timezone.now()
    # The first attempt fails: its writes roll back and the row is due again a minute later.
    assert timers.fire_due(timer, now=now) == 0
    agent = User.objects.get(pk=agent_id)
    assert agent.availability == "online"
    assert agent.presence_due_at == now + timers.RETRY_DELAY
    assert timers.fire_due(timer, now=now) == 0
    # After the delay the retry succeeds, once.
    assert timers.fire_due(timer, now=now + timers.RETRY_DELAY) == 1
    assert User.objects.get(pk=agent_id).presence_due_at is None
    assert calls == [agent_id, agent_id]
