"""A moment as people of each language write it, with the time zone named their way.

"Tuesday, 8 December 2026, 11:00 (Jakarta time)", "Selasa, 8 Desember 2026 pukul 11.00 WIB",
"2026年12月8日（星期二）11:00（雅加达时间）". Django's date formats give the date in each locale's
order; the weekday, the time and the zone's name are put around it by a translated pattern.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

# The zones of Layan's first markets, named as their people name them. Others by their city
# and offset: "Sao Paulo (UTC-03:00)".
ZONE_NAMES = {
    "Asia/Jakarta": gettext_lazy("Jakarta time"),
    "Asia/Pontianak": gettext_lazy("Jakarta time"),
    "Asia/Makassar": gettext_lazy("Makassar time"),
    "Asia/Jayapura": gettext_lazy("Jayapura time"),
    "Asia/Shanghai": gettext_lazy("China time"),
    "Asia/Chongqing": gettext_lazy("China time"),
    "Asia/Urumqi": gettext_lazy("China time"),
    "PRC": gettext_lazy("China time"),
    "Asia/Hong_Kong": gettext_lazy("Hong Kong time"),
    "Asia/Taipei": gettext_lazy("Taipei time"),
    "Asia/Singapore": gettext_lazy("Singapore time"),
    "Asia/Kuala_Lumpur": gettext_lazy("Malaysia time"),
    "UTC": gettext_lazy("UTC"),
    "Etc/UTC": gettext_lazy("UTC"),
}


def zone_name(zone: str | dt.tzinfo | None = None, *, at: dt.datetime | None = None) -> str:
    """The active language's name for a time zone (the current one by default)."""
    tz = zone if isinstance(zone, dt.tzinfo) else None
    key = zone if isinstance(zone, str) else getattr(tz, "key", "")
    if not key and zone is None:
        tz = timezone.get_current_timezone()
        key = getattr(tz, "key", "")
    if key in ZONE_NAMES:
        return str(ZONE_NAMES[key])
    if tz is None:
        try:
            tz = zoneinfo.ZoneInfo(key)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return key
    offset = (at or timezone.now()).astimezone(tz).utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    offset_text = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    city = key.rpartition("/")[2].replace("_", " ")
    return f"{city} ({offset_text})" if "/" in key else offset_text


def clock(value: dt.datetime | dt.time) -> str:
    """A time of day the active language's way: 14:05, or 14.05 in Indonesian."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    # Translators: a time of day as a Django date format ("H:i" = 14:05; Indonesian: "H.i").
    return formats.time_format(value, pgettext("time of day", "H:i"))


def moment(value: dt.datetime) -> str:
    """`value` in the current time zone, written the active language's way, its zone named."""
    local = timezone.localtime(value)
    parts = {
        "weekday": formats.date_format(local, "l"),
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": clock(local),
    }
    # Translators: keep the three placeholders; order and punctuation are yours.
    text = _("%(weekday)s, %(date)s, %(time)s") % parts
    # Translators: a moment and its time zone's name: "…, 11:00 (Jakarta time)".
    return _("%(moment)s (%(zone)s)") % {"moment": text, "zone": zone_name(at=local)}
