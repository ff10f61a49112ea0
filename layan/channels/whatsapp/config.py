"""A WhatsApp inbox's settings (`Inbox.config`): one business phone number on the Cloud API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from layan.inboxes.config import api_address, reject_unknown
from layan.inboxes.secrets import unseal

DEFAULT_GRAPH = "https://graph.facebook.com"
API_VERSION = "v23.0"
NUMERIC_ID = re.compile(r"^\d{5,30}$")


@dataclass(frozen=True)
class WhatsAppConfig:
    # The business number's id and its WhatsApp Business Account's id (Meta's dashboard).
    phone_number_id: str = ""
    business_account_id: str = ""
    # A system user's permanent access token, the app's secret (signs webhooks), and the verify
    # token the admin typed into Meta's webhook settings.
    access_token: str = ""
    app_secret: str = ""
    verify_token: str = ""
    graph_base: str = DEFAULT_GRAPH

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WhatsAppConfig:
        reject_unknown(data, cls.__dataclass_fields__)
        config = cls(
            phone_number_id=str(data.get("phone_number_id", "")).strip(),
            business_account_id=str(data.get("business_account_id", "")).strip(),
            access_token=unseal(data.get("access_token", "")).strip(),
            app_secret=unseal(data.get("app_secret", "")).strip(),
            verify_token=unseal(data.get("verify_token", "")).strip(),
            graph_base=api_address(data.get("graph_base"), default=DEFAULT_GRAPH),
        )
        for value in (config.phone_number_id, config.business_account_id):
            if value and not NUMERIC_ID.match(value):
                raise ValidationError(_("Meta's ids are numbers (5 to 30 digits)."))
        return config

    def url(self, path: str) -> str:
        return f"{self.graph_base}/{API_VERSION}/{path}"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}
