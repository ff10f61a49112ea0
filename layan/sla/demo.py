"""The demo shop's support hours: weekdays 08-12 and 13-17, Saturday morning, and the
holidays an Indonesian shop closes for, named in each language."""

from __future__ import annotations

import datetime as dt

from layan.accounts.models import Workspace
from layan.sla.models import BusinessHours, Holiday, OpeningInterval

WEEK = (
    [(day, "08:00", "12:00") for day in range(5)]
    + [(day, "13:00", "17:00") for day in range(5)]
    + [(5, "09:00", "14:00")]
)

HOLIDAYS = [
    (dt.date(2026, 12, 25), {"en": "Christmas Day", "id": "Hari Raya Natal", "zh-hans": "圣诞节"}),
    (dt.date(2027, 1, 1), {"en": "New Year's Day", "id": "Tahun Baru Masehi", "zh-hans": "元旦"}),
    (
        dt.date(2027, 2, 6),
        {"en": "Chinese New Year", "id": "Tahun Baru Imlek", "zh-hans": "春节"},
    ),
    (
        dt.date(2027, 8, 17),
        {"en": "Independence Day", "id": "Hari Kemerdekaan RI", "zh-hans": "印尼独立日"},
    ),
]


def load_hours(workspace: Workspace) -> None:
    schedule = BusinessHours.objects.get(workspace=workspace, is_default=True)
    if not schedule.intervals.exists():
        OpeningInterval.objects.bulk_create(
            OpeningInterval(
                schedule=schedule,
                weekday=day,
                opens=dt.time.fromisoformat(opens),
                closes=dt.time.fromisoformat(closes),
            )
            for day, opens, closes in WEEK
        )
    for day, names in HOLIDAYS:
        Holiday.objects.get_or_create(schedule=schedule, date=day, defaults={"names": names})
