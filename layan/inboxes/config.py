"""Checks every channel's settings share (`Inbox.config`, read by each channel's config class)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Plain http is allowed only to this machine (a self-hosted API server, or tests).
LOOPBACK = ("http://127.0.0.1", "http://[::1]", "http://localhost")


def reject_unknown(data: dict[str, Any], known: Iterable[str]) -> None:
    unknown = set(data) - set(known)
    if unknown:
        raise ValidationError(
            _("Unknown settings: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )


def api_address(value: Any, *, default: str) -> str:
    """A provider's API address: https (or loopback), without its trailing slash."""
    address = (str(value or "").strip() or default).rstrip("/")
    if not address.startswith(("https://", *LOOPBACK)):
        raise ValidationError(_("The API server must be an https:// address."))
    return address
