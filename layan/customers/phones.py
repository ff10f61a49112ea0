"""Phone numbers in one spelling, E.164 ("+62811111222"), whichever way a person wrote them.

"+62 811 111 222" and "0811-111-222" are one number for a shop in Jakarta: a number without
its country code is read in the workspace's country, which is the country of its time zone
(tzdata's zone.tab: Asia/Jakarta -> ID, Asia/Shanghai -> CN).
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import phonenumbers


@functools.cache
def _zone_countries() -> dict[str, str]:
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    countries = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            if len(fields) >= 3:
                countries[fields[2]] = fields[0]
    return countries


def region_for_timezone(timezone_name: str) -> str:
    """The ISO country of a time zone ("" when it has none, such as UTC)."""
    return _zone_countries().get(timezone_name, "")


def phone_normalize(address: str, *, region: str = "", international: bool = False) -> str:
    """E.164 when the number can be read (with its country code, or in `region`); otherwise
    its digits, so that the same text always gives the same identity. `international`: digits
    without "+" are read with a country code first (a WhatsApp id, a number stored as digits)."""
    text = address.strip()
    digits = re.sub(r"[^0-9]", "", text)
    if not digits:
        return ""
    candidates = [text]
    # Written without "+" but perhaps with its country code ("62811…", as WhatsApp ids are).
    if not text.startswith(("+", "0")):
        candidates.insert(len(candidates) if not international else 0, "+" + digits)
    readings = []
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region or None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            readings.append(number)
    # A reading that is a real number in its country's plan wins over one of merely the right
    # length ("13800138000" in China is +86 138…, not +1 380…).
    readings.sort(key=lambda number: not phonenumbers.is_valid_number(number))
    if readings:
        return phonenumbers.format_number(readings[0], phonenumbers.PhoneNumberFormat.E164)
    return digits
