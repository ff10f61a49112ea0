from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import ngettext

from layan.core import moments, text, translated

register = template.Library()


@register.filter
def duration_words(minutes: int | None) -> str:
    """120 -> "2 hours", 90 -> "90 minutes", 2880 -> "2 days", in the active language."""
    if not minutes:
        return ""
    if minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


@register.filter
def get_item(mapping: dict[str, str] | None, key: str) -> str:
    """`{{ urls|get_item:code }}`: a dictionary lookup with a variable key ('' when absent)."""
    return (mapping or {}).get(key, "")


@register.filter
def moment(value: dt.datetime | None) -> str:
    """A date and time the reader's way, with the time zone named: the reply-by promise."""
    return moments.moment(value) if value else ""


@register.filter
def zone_name(value: str | None = None) -> str:
    """A time zone as the reader names it ("China time" / 北京时间, "Jakarta time" / WIB)."""
    return moments.zone_name(value or None)


@register.simple_tag
def sentence_gap() -> str:
    """Between two sentences: a space, none in Chinese ("。明天", not "。 明天")."""
    return text.sentence_gap()


@register.filter(name="in_language")
def in_language_filter(texts: dict[str, str] | None, fallback: str = "") -> str:
    """`{{ channel.notes|in_language }}`: a text the shop wrote per language, in the reader's."""
    return translated.in_language(texts, fallback=fallback)


@register.filter(expects_localtime=True)
def clock(value: dt.datetime | dt.time | None) -> str:
    """A time of day the reader's way: 09:00, or 09.00 in Indonesian."""
    return moments.clock(value) if value is not None else ""
