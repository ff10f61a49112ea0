"""The interface language switch, for visitors and agents alike."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from layan.accounts.models import User
from layan.core.preferences import remember_language


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: remembered in a cookie, and on the agent's profile."""
    code = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if code not in {c for c, _name in settings.LANGUAGES}:
        return response
    if isinstance(request.user, User):
        request.user.language = code
        request.user.save(update_fields=["language"])
    remember_language(response, code)
    return response
