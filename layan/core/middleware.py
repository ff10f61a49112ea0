"""Per-request language and time zone: an agent's saved choice, else the visitor's."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from layan.accounts.models import User
from layan.core.workspaces import workspace_for_request

TIMEZONE_COOKIE = "layan_tz"
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
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.language in LANGUAGE_CODES:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        timezone.activate(zoneinfo.ZoneInfo(request_timezone(request)))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class NullCharactersMiddleware:
    """Refuses, with a plain 400, a request whose query string or form fields carry a NUL
    character: nobody types one, no text column takes one (PostgreSQL refuses it), and views
    that read a parameter directly (a search query) would otherwise fail with a 500. Django's
    forms already refuse NUL in their fields; this covers everything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request.GET) or (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and _carries_nul(request.POST)
        ):
            return HttpResponseBadRequest(
                _("The request contains a null character, which no field may hold."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _carries_nul(data: QueryDict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    )
