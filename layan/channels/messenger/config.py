"""A Messenger inbox's settings: one Facebook Page, through Meta's Graph API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from layan.inboxes.config import api_address, reject_unknown
from layan.inboxes.secrets import unseal

DEFAULT_GRAPH = "https://graph.facebook.com"
NUMERIC_ID = re.compile(r"^\d{5,30}$")


@dataclass(frozen=True)
class MessengerConfig:
    page_id: str = ""
    # A Page access token with pages_messaging (and pages_manage_engagement for comments).
    access_token: str = ""
    app_secret: str = ""
    verify_token: str = ""
    graph_base: str = DEFAULT_GRAPH

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MessengerConfig:
        reject_unknown(data, cls.__dataclass_fields__)
        config = cls(
            page_id=str(data.get("page_id", "")).strip(),
            access_token=unseal(data.get("access_token", "")).strip(),
            app_secret=unseal(data.get("app_secret", "")).strip(),
            verify_token=unseal(data.get("verify_token", "")).strip(),
            graph_base=api_address(data.get("graph_base"), default=DEFAULT_GRAPH),
        )
        if config.page_id and not NUMERIC_ID.match(config.page_id):
            raise ValidationError(_("Meta's ids are numbers (5 to 30 digits)."))
        return config
