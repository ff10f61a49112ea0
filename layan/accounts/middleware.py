"""Per-request language and time zone: an agent's saved choice, else the visitor's."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from layan.accounts.models import User
from layan.accounts.workspaces import workspace_for_request

TIMEZONE_COOKIE = "layan_tz"
# Webhooks: machines calling, with no language, time zone or person to serve (and a burst of
# them must cost as little as possible).
MACHINE_PATHS = ("/hooks/",)
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def valid_timezone(name: str | None) -> str | None:
    if not name or len(name) > 64:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return name


def request_timezone(request: HttpRequest) -> str:
    """The agent's own zone, else the visitor's browser zone (cookie), else the business's."""
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.timezone:
        return user.timezone
    from_cookie = valid_timezone(unquote(request.COOKIES.get(TIMEZONE_COOKIE, "")))
    if from_cookie:
        return from_cookie
    workspace = workspace_for_request(request)
    return workspace.timezone if workspace else "UTC"


class PreferencesMiddleware:
    """Runs after LocaleMiddleware and authentication: an agent's saved language wins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(MACHINE_PATHS):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.language in LANGUAGE_CODES:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        timezone.activate(zoneinfo.ZoneInfo(request_timezone(request)))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
