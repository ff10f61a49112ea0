"""Simplified Chinese as shops write it: prices grouped by thousands ("Rp 15,000", as in CLDR
and every Chinese shop's checkout), where Django's own formats group nothing ("15000")."""

from django.conf.locale.zh_Hans.formats import *  # type: ignore[import-untyped]  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
