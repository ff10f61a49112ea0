"""A task queued under its old path before an upgrade still runs after it (migrations 0007 and
0009, which rename the stored paths of tasks that moved)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django_tasks_db.models import DBTaskResult

from layan.conversations.inbound import inbound_process_task
from layan.core.worker import run_tasks_now
from layan.inboxes.models import InboundRaw, Inbox
from layan.testing.mail import customer_email

moved = importlib.import_module("layan.conversations.migrations.0007_moved_task_paths")
beside = importlib.import_module("layan.conversations.migrations.0009_tasks_beside_services")


@pytest.mark.django_db(transaction=True)
def test_a_payload_queued_under_the_old_task_path_is_processed(email_inbox: Inbox) -> None:
    raw = InboundRaw.objects.create(
        inbox=email_inbox,
        source="smtp",
        digest="d" * 64,
        payload=customer_email(to=email_inbox.address),
    )
    result = inbound_process_task.enqueue(raw_id=raw.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        task_path="layan.inboxes.tasks.inbound_process_task"
    )

    moved.rename(apps, None)
    beside.rename(apps, None)
    run_tasks_now()

    raw.refresh_from_db()
    assert raw.status == InboundRaw.Status.PROCESSED
    assert raw.conversation is not None


def test_every_moved_path_names_a_task_that_exists() -> None:
    from django.tasks import Task
    from django.utils.module_loading import import_string

    assert len(moved.MOVED) == 6
    # Every path ever renamed ends, through the later renames, at a task that exists.
    for path in [*moved.MOVED, *beside.MOVED]:
        while path in moved.MOVED or path in beside.MOVED:
            path = beside.MOVED.get(path) or moved.MOVED[path]
        assert isinstance(import_string(path), Task), path
