"""Reads of support hours, shaped for display in the viewer's time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from layan.accounts.models import Workspace
from layan.sla import hours
from layan.sla.models import BusinessHours, Weekday


def schedule_snapshot(schedule: BusinessHours) -> hours.Schedule:
    return hours.Schedule(
        timezone=schedule.timezone,
        intervals=tuple(
            hours.Interval(weekday=i.weekday, opens=i.opens, closes=i.closes)
            for i in schedule.intervals.all()
        ),
        holidays={h.date: h.names for h in schedule.holidays.all()},
    )


def support_schedule(*, workspace: Workspace) -> BusinessHours | None:
    return (
        BusinessHours.objects.filter(workspace=workspace, is_default=True)
        .prefetch_related("intervals", "holidays")
        .first()
    )


def support_snapshot(*, workspace: Workspace) -> hours.Schedule | None:
    """The workspace's support hours as a value, or None when it has none."""
    schedule_row = support_schedule(workspace=workspace)
    return schedule_snapshot(schedule_row) if schedule_row is not None else None


@dataclass(frozen=True)
class DayHours:
    weekday: str
    spans: list[tuple[dt.time, dt.time]]


@dataclass(frozen=True)
class SupportHoursSummary:
    is_open: bool
    has_hours: bool
    # In the viewer's time zone.
    closes_at: dt.datetime | None
    opens_at: dt.datetime | None
    # "today", "tomorrow", "week" (within six days: show the weekday) or "date".
    opens_when: str
    # The same for closes_at: an overnight stretch ends tomorrow, not today.
    closes_when: str
    reply_within_minutes: int
    # The weekly table, in the business's own time zone.
    business_timezone: str
    week: list[DayHours]
    # (date, {language: name})
    holidays: list[tuple[dt.date, dict[str, str]]]


def _when(moment: dt.datetime, now: dt.datetime) -> str:
    days = (moment.date() - now.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 7:
        return "week"
    return "date"


def support_hours_summary(
    *, workspace: Workspace, now: dt.datetime | None = None
) -> SupportHoursSummary | None:
    """Open or closed now, the next change, and the weekly table. Times in the active zone."""
    schedule = support_snapshot(workspace=workspace)
    if schedule is None:
        return None
    now = now or timezone.now()
    status = hours.status_at(schedule, now)
    viewer_tz = timezone.get_current_timezone()
    local_now = now.astimezone(viewer_tz)
    opens_at = status.opens_at.astimezone(viewer_tz) if status.opens_at else None
    closes_at = status.closes_at.astimezone(viewer_tz) if status.closes_at else None
    week = [
        DayHours(
            weekday=str(label),
            spans=[(i.opens, i.closes) for i in schedule.intervals if i.weekday == value],
        )
        for value, label in Weekday.choices
    ]
    return SupportHoursSummary(
        is_open=status.is_open,
        has_hours=not schedule.is_empty,
        closes_at=closes_at,
        opens_at=opens_at,
        opens_when=_when(opens_at, local_now) if opens_at else "",
        closes_when=_when(closes_at, local_now) if closes_at else "",
        reply_within_minutes=workspace.reply_within_minutes,
        business_timezone=schedule.timezone,
        week=week,
        holidays=hours.upcoming_holidays(schedule, now.astimezone(schedule.tz).date()),
    )


def support_hours_next_change(
    *, workspace: Workspace, now: dt.datetime | None = None
) -> dt.datetime | None:
    """The next time support opens or closes (None without hours: always the same)."""
    schedule = support_snapshot(workspace=workspace)
    if schedule is None:
        return None
    status = hours.status_at(schedule, now or timezone.now())
    changes = [moment for moment in (status.opens_at, status.closes_at) if moment is not None]
    return min(changes, default=None)


SNAPSHOT_SECONDS = 300


def support_snapshot_shared(*, workspace: Workspace) -> hours.Schedule | None:
    """support_snapshot from the cache, for what every page view asks (the chat widget's
    socket): kept under the workspace's `pages_version`, which each change of its support hours
    renews (`business_hours_set`, the admin), so a workspace read fresh never gets old hours;
    five minutes at most in any case."""
    key = f"sla.snapshot.{workspace.pk}.{workspace.pages_version}"
    cached = cache.get(key)
    if cached is not None:
        schedule: hours.Schedule | None = cached[0]
        return schedule
    schedule = support_snapshot(workspace=workspace)
    cache.set(key, (schedule,), SNAPSHOT_SECONDS)
    return schedule


def expected_reply_at(*, workspace: Workspace, now: dt.datetime | None = None) -> dt.datetime:
    """When a customer writing now can expect a person's reply: the workspace's reply promise,
    counted in opening hours (around the clock when no hours are set)."""
    return reply_time(workspace=workspace, schedule=support_snapshot(workspace=workspace), now=now)


def reply_time(
    *, workspace: Workspace, schedule: hours.Schedule | None, now: dt.datetime | None = None
) -> dt.datetime:
    """expected_reply_at for a schedule already read."""
    now = now or timezone.now()
    promise = dt.timedelta(minutes=workspace.reply_within_minutes)
    if schedule is None or schedule.is_empty:
        return now + promise
    return hours.add_business_time(schedule, now, promise) or now + promise
