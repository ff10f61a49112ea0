"""A phone inbox's settings: a number on a Twilio-compatible voice service, or none (calls are
logged by hand)."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from layan.inboxes.config import api_address, reject_unknown
from layan.inboxes.secrets import unseal

DEFAULT_API = "https://api.twilio.com"
ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


@dataclass(frozen=True)
class PhoneConfig:
    account_sid: str = ""
    auth_token: str = ""
    # The lines an incoming call rings at once (E.164): the agents' phones or the shop's desk.
    ring_numbers: list[str] = field(default_factory=list)
    # The voice service's REST API (calls placed from the desk).
    api_base: str = DEFAULT_API
    # The shared secret of the generic CTI webhook (any phone system that can POST JSON).
    cti_secret: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhoneConfig:
        reject_unknown(data, cls.__dataclass_fields__)
        numbers = data.get("ring_numbers") or []
        if isinstance(numbers, str):
            numbers = re.split(r"[\s,;]+", numbers)
        config = cls(
            account_sid=str(data.get("account_sid", "")).strip(),
            auth_token=unseal(data.get("auth_token", "")).strip(),
            ring_numbers=[re.sub(r"[^\d+]", "", str(n)) for n in numbers if str(n).strip()],
            api_base=api_address(data.get("api_base"), default=DEFAULT_API),
            cti_secret=unseal(data.get("cti_secret", "")).strip(),
        )
        if config.account_sid and not ACCOUNT_SID.match(config.account_sid):
            raise ValidationError(_("An account SID is AC followed by 32 hexadecimal digits."))
        if config.account_sid and not config.ring_numbers:
            raise ValidationError(_("Add at least one number for incoming calls to ring."))
        for number in config.ring_numbers:
            if not E164.match(number):
                raise ValidationError(
                    _("Write each number to ring with its country code, e.g. +62 812 3456 7890.")
                )
        return config

    def authorization(self) -> dict[str, str]:
        """The account's credentials for the service's API and recordings (HTTP Basic)."""
        pair = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return {"Authorization": f"Basic {pair}"}

    @property
    def connected(self) -> bool:
        """Calls come in by webhook (else agents log them by hand)."""
        return bool(self.account_sid and self.auth_token)
