"""Request plumbing that knows no app: requests carrying NUL characters are refused. (The
per-request language and time zone, which read the agent's profile, are
`accounts/middleware.py`.)"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.utils.translation import gettext as _

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
