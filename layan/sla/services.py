"""Writes to support hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from layan.accounts.models import Workspace
from layan.accounts.page_cache import public_pages_changed
from layan.core.events import Event
from layan.sla import hours
from layan.sla.models import BusinessHours, Holiday, OpeningInterval


@transaction.atomic
def business_hours_set(
    *,
    schedule: BusinessHours,
    timezone_name: str,
    intervals: Iterable[hours.Interval],
    holidays: Iterable[tuple[dt.date, dict[str, str]]],
) -> BusinessHours:
    """Replace the weekly intervals and holidays of a schedule in one go."""
    schedule.timezone = timezone_name
    schedule.full_clean()
    schedule.save(update_fields=["timezone"])
    schedule.intervals.all().delete()
    OpeningInterval.objects.bulk_create(
        OpeningInterval(schedule=schedule, weekday=i.weekday, opens=i.opens, closes=i.closes)
        for i in intervals
    )
    schedule.holidays.all().delete()
    Holiday.objects.bulk_create(
        Holiday(schedule=schedule, date=day, names=names) for day, names in holidays
    )
    public_pages_changed(schedule.workspace_id)
    return schedule


def on_workspace_created(event: Event) -> None:
    """Event handler, inside the transaction that created the workspace: every workspace has
    its default support-hours schedule (empty: no hours until an admin sets them)."""
    workspace = Workspace.objects.get(pk=event.workspace_id)
    BusinessHours.objects.get_or_create(
        workspace=workspace,
        is_default=True,
        defaults={"name": "Support hours", "timezone": workspace.timezone},
    )
