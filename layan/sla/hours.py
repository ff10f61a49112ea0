"""Business-time arithmetic. Nothing outside `layan.sla` computes opening times.

All functions take and return aware datetimes; a `Schedule` is a plain snapshot of the
database rows so the arithmetic is pure and cheap to test.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field

# How far ahead to look for the next opening (a long holiday season still resolves).
HORIZON_DAYS = 400


@dataclass(frozen=True)
class Interval:
    weekday: int
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class Schedule:
    timezone: str
    intervals: tuple[Interval, ...]
    # Closed days and their names ({language: name}); business time only needs the dates.
    holidays: dict[dt.date, dict[str, str]] = field(default_factory=dict)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def is_empty(self) -> bool:
        return not self.intervals


@dataclass(frozen=True)
class Status:
    """Whether support is open at a moment, and the next change."""

    is_open: bool
    # While open: when this stretch of opening hours ends (None: open around the clock).
    closes_at: dt.datetime | None
    # While closed: when support opens next (None: no opening hours at all).
    opens_at: dt.datetime | None


def _spans_for_day(schedule: Schedule, day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    if day in schedule.holidays:
        return
    tz = schedule.tz
    for interval in schedule.intervals:
        if interval.weekday != day.weekday():
            continue
        start = dt.datetime.combine(day, interval.opens, tzinfo=tz)
        end_day = day + dt.timedelta(days=1) if interval.closes <= interval.opens else day
        end = dt.datetime.combine(end_day, interval.closes, tzinfo=tz)
        yield start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def open_spans(
    schedule: Schedule, start: dt.datetime, days: int = HORIZON_DAYS
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Open spans in time order from the local day before `start`, touching spans merged.

    Lazy, day by day: callers stop at the first span they need. Spans of a later day never
    start before those of an earlier one, so merging as they come is exact.
    """
    first_day = start.astimezone(schedule.tz).date() - dt.timedelta(days=1)
    current: tuple[dt.datetime, dt.datetime] | None = None
    for offset in range(days + 1):
        for span_start, span_end in sorted(
            _spans_for_day(schedule, first_day + dt.timedelta(days=offset))
        ):
            if current and span_start <= current[1]:
                current = (current[0], max(current[1], span_end))
                continue
            if current:
                yield current
            current = (span_start, span_end)
    if current:
        yield current


def status_at(schedule: Schedule, now: dt.datetime) -> Status:
    if now.tzinfo is None:
        raise ValueError("status_at needs an aware datetime")
    if schedule.is_empty:
        return Status(is_open=False, closes_at=None, opens_at=None)
    horizon_end = now + dt.timedelta(days=HORIZON_DAYS - 2)
    for span_start, span_end in open_spans(schedule, now):
        if span_end <= now:
            continue
        if span_start <= now:
            # A span that reaches the end of what was generated means open around the clock.
            closes = None if span_end >= horizon_end else span_end
            return Status(is_open=True, closes_at=closes, opens_at=None)
        return Status(is_open=False, closes_at=None, opens_at=span_start)
    return Status(is_open=False, closes_at=None, opens_at=None)


def upcoming_holidays(
    schedule: Schedule, today: dt.date, days: int = 60
) -> list[tuple[dt.date, dict[str, str]]]:
    last = today + dt.timedelta(days=days)
    return sorted(
        ((day, names) for day, names in schedule.holidays.items() if today <= day <= last),
        key=lambda item: item[0],
    )


def add_business_time(
    schedule: Schedule, start: dt.datetime, duration: dt.timedelta
) -> dt.datetime | None:
    """The moment `duration` of opening hours has passed after `start` (None: never opens)."""
    if start.tzinfo is None:
        raise ValueError("add_business_time needs an aware datetime")
    left = duration
    for span_start, span_end in open_spans(schedule, start):
        if span_end <= start:
            continue
        begin = max(span_start, start)
        if begin + left <= span_end:
            return begin + left
        left -= span_end - begin
    return None
