"""Whole-page cache for the public help center, for visitors who are not signed in.

A cached page is the response rendered once, kept in Django's cache (per process by default,
Redis when `LAYAN_REDIS_URL` is set) under a key made of everything the page depends on: the
workspace and its `pages_version`, the language, the visitor's time zone, the host and the path.

- **Changes show at once**: services that change what a public page shows (articles,
  categories, the shipping policy, support hours, contact channels, workspace settings) call
  `public_pages_changed`, which gives the workspace a new `pages_version` in the database, so
  every process's cached pages are out at the next request. The chat widget's support hours
  are cached under the same version (`sla.selectors.support_snapshot_shared`).
- **Support hours stay true**: a page lives at most `MAX_AGE`, and never past the next opening
  or closing time or the visitor's midnight ("back tomorrow at 09:00" must not outlive today).
  The next opening or closing is asked of the function `settings.LAYAN_PAGES_NEXT_CHANGE` names
  (the sla app's, which stands above this one).
- **CSRF**: the page is rendered with a placeholder where each visitor's token goes
  (`layan.wiring.context_processors`), replaced on every response with the visitor's own token,
  which also sets the visitor's CSRF cookie as an uncached page would.
- Agents (signed in), non-GET requests, query strings and anything but a 200 are never cached.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from layan.accounts.models import Workspace
from layan.accounts.workspaces import workspace_for_request

MAX_AGE = dt.timedelta(minutes=5)
CSRF_PLACEHOLDER = "__layan_csrf_token_placeholder__"
# Set on a request while its page is rendered for the cache (read by the context processor).
RENDERING_FOR_CACHE = "_layan_rendering_for_cache"

View = Callable[..., HttpResponse]


def public_pages_changed(workspace: Workspace | int) -> None:
    """What the public pages show has changed: their cached copies are out, in every process."""
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    # A new value, never an increment: a workspace saved from a stale copy writes back an
    # older version, and an increment of that could meet pages cached under it before.
    Workspace.objects.filter(pk=workspace_id).update(pages_version=secrets.randbits(62))


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"} or request.GET:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _key(request: HttpRequest, workspace: Workspace) -> str:
    return ":".join(
        [
            "page",
            str(workspace.pk),
            str(workspace.pages_version),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            request.scheme or "",
            request.get_host(),
            request.path,
        ]
    )


def _lifetime(workspace: Workspace, now: dt.datetime) -> float:
    """Seconds a page rendered now stays true: to the next opening or closing, the visitor's
    midnight, or `MAX_AGE`, whichever comes first."""
    local = now.astimezone(timezone.get_current_timezone())
    midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    ends = min(now + MAX_AGE, midnight)
    change = import_string(settings.LAYAN_PAGES_NEXT_CHANGE)(workspace=workspace, now=now)
    if change is not None:
        ends = min(ends, change)
    return max(0.0, (ends - now).total_seconds())


def _respond(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    content: str = entry["content"].replace(CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(content, status=entry["status"])
    for header, value in entry["headers"].items():
        response[header] = value
    return response


def cached_public_page(on_hit: Callable[..., None] | None = None) -> Callable[[View], View]:
    """Serve a public help-center view from the page cache when the visitor may share it.

    `on_hit(request, **view_kwargs)` runs for a page served from the cache, for what must
    happen on every view (counting it)."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            workspace = workspace_for_request(request)
            if workspace is None or not _cacheable(request):
                return view(request, *args, **kwargs)
            key = _key(request, workspace)
            entry = cache.get(key)
            if entry is not None:
                if on_hit is not None:
                    on_hit(request, *args, **kwargs)
                return _respond(request, entry)
            now = timezone.now()
            setattr(request, RENDERING_FOR_CACHE, True)
            try:
                response = view(request, *args, **kwargs)
            finally:
                delattr(request, RENDERING_FOR_CACHE)
            if response.status_code != 200 or response.streaming or response.cookies:
                if not response.streaming:
                    response.content = response.content.replace(
                        CSRF_PLACEHOLDER.encode(), get_token(request).encode()
                    )
                return response
            entry = {
                "content": response.content.decode(response.charset),
                "status": response.status_code,
                "headers": {
                    name: value
                    for name, value in response.items()
                    if name.lower() in {"content-type", "content-language"}
                },
            }
            lifetime = _lifetime(workspace, now)
            if lifetime >= 1:
                cache.set(key, entry, lifetime)
            return _respond(request, entry)

        return wrapper

    return decorate
