"""Support hours: when is a shop open, and when does it open next?

This file is the house-style example for tests:
- one behaviour per test, named as a sentence about what a person sees or relies on;
- given / when / then, with exact expected values written out (no re-computing the answer
  with the code under test);
- real values: a Jakarta shop with a lunch break, an Indonesian holiday, a Berlin DST night.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from layan.sla.hours import Interval, Schedule, Status, status_at

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
T = dt.time


def jakarta(day: int, hour: int, minute: int = 0) -> dt.datetime:
    # November 2026: the 23rd is a Monday.
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=JAKARTA)


# Given Toko Layan's week: Mon-Fri 08-12 and 13-17 (lunch break), Saturday 09-14, Sunday shut.
SHOP = Schedule(
    timezone="Asia/Jakarta",
    intervals=tuple(
        [Interval(d, T(8), T(12)) for d in range(5)]
        + [Interval(d, T(13), T(17)) for d in range(5)]
        + [Interval(5, T(9), T(14))]
    ),
    holidays={dt.date(2026, 11, 25): {"id": "Hari Guru (demo holiday)"}},
)


def test_open_in_the_morning_says_when_it_closes_for_lunch() -> None:
    # When a customer looks on Monday at 10:30,
    status = status_at(SHOP, jakarta(23, 10, 30))
    # then support is open until the lunch break.
    assert status == Status(is_open=True, closes_at=jakarta(23, 12), opens_at=None)


def test_lunch_break_is_closed_and_reopens_at_one() -> None:
    status = status_at(SHOP, jakarta(23, 12, 15))
    assert status == Status(is_open=False, closes_at=None, opens_at=jakarta(23, 13))


def test_closing_time_itself_is_closed() -> None:
    assert status_at(SHOP, jakarta(23, 17)).opens_at == jakarta(24, 8)


def test_saturday_evening_points_to_monday_morning() -> None:
    status = status_at(SHOP, jakarta(28, 19))
    assert status.opens_at == jakarta(30, 8)


def test_a_holiday_is_skipped_entirely() -> None:
    # Tuesday after closing: Wednesday the 25th is a holiday, so Thursday 08:00.
    assert status_at(SHOP, jakarta(24, 18)).opens_at == jakarta(26, 8)
    assert status_at(SHOP, jakarta(25, 10)).is_open is False


def test_times_from_other_zones_are_compared_as_instants() -> None:
    # 03:30 UTC on Monday is 10:30 in Jakarta.
    monday_utc = dt.datetime(2026, 11, 23, 3, 30, tzinfo=dt.UTC)
    assert status_at(SHOP, monday_utc).is_open is True


def test_a_night_shift_runs_past_midnight() -> None:
    night = Schedule(timezone="Asia/Jakarta", intervals=(Interval(4, T(22), T(2)),))
    # Friday 23:00 is open until Saturday 02:00.
    assert status_at(night, jakarta(27, 23)) == Status(True, jakarta(28, 2), None)
    assert status_at(night, jakarta(28, 1)).is_open is True
    # Saturday 03:00 waits for the next Friday night, 4 December.
    assert status_at(night, jakarta(28, 3)).opens_at == dt.datetime(2026, 12, 4, 22, tzinfo=JAKARTA)


def test_round_the_clock_support_never_closes() -> None:
    always = Schedule(
        timezone="Asia/Jakarta", intervals=tuple(Interval(d, T(0), T(0)) for d in range(7))
    )
    assert status_at(always, jakarta(29, 3)) == Status(is_open=True, closes_at=None, opens_at=None)


def test_no_hours_at_all_is_closed_with_no_promise() -> None:
    empty = Schedule(timezone="Asia/Jakarta", intervals=())
    assert status_at(empty, jakarta(23, 10)) == Status(False, None, None)


def test_opening_on_a_daylight_saving_day_uses_local_wall_time() -> None:
    # Berlin leaves summer time on Sunday 25 October 2026; a shop opening at 09:00 on
    # Monday the 26th opens at 08:00 UTC (CET), not 07:00 UTC (CEST).
    berlin = Schedule(timezone="Europe/Berlin", intervals=(Interval(0, T(9), T(17)),))
    saturday = dt.datetime(2026, 10, 24, 12, tzinfo=dt.UTC)
    assert status_at(berlin, saturday).opens_at == dt.datetime(2026, 10, 26, 8, tzinfo=dt.UTC)


intervals = st.builds(
    Interval,
    weekday=st.integers(0, 6),
    opens=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    closes=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
moments = st.datetimes(
    min_value=dt.datetime(2026, 1, 1),
    max_value=dt.datetime(2027, 12, 31),
    timezones=st.just(dt.UTC),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(intervals, min_size=1, max_size=6), moments)
def test_the_promised_opening_time_is_the_first_open_instant(
    week: list[Interval], now: dt.datetime
) -> None:
    schedule = Schedule(timezone="Asia/Jakarta", intervals=tuple(week))
    status = status_at(schedule, now)
    if status.is_open:
        assert status.opens_at is None
        if status.closes_at is not None:
            assert status.closes_at > now
            assert status_at(schedule, status.closes_at).is_open is False
    else:
        assert status.opens_at is not None
        assert status.opens_at > now
        assert status_at(schedule, status.opens_at).is_open is True
        # Nothing in between is open: check a minute before the promised time.
        just_before = status.opens_at - dt.timedelta(minutes=1)
        if just_before > now:
            assert status_at(schedule, just_before).is_open is False
