from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from layan.accounts.middleware import TIMEZONE_COOKIE
from layan.accounts.page_cache import CSRF_PLACEHOLDER, RENDERING_FOR_CACHE
from layan.accounts.workspaces import workspace_for_request
from layan.inboxes.models import Inbox
from layan.knowledge.models import ShippingPolicy
from layan.sla.selectors import SupportHoursSummary, support_hours_summary


def layan(request: HttpRequest) -> dict[str, Any]:
    workspace = workspace_for_request(request)

    # Templates call it on first use only (and the result is kept), so pages without the
    # footer pay nothing.
    @cache
    def support_hours() -> SupportHoursSummary | None:
        return support_hours_summary(workspace=workspace) if workspace else None

    @cache
    def has_shipping_policy() -> bool:
        return bool(workspace) and ShippingPolicy.objects.filter(workspace=workspace).exists()

    @cache
    def has_chat() -> bool:
        return (
            bool(workspace)
            and Inbox.objects.filter(workspace=workspace, kind="chat", is_active=True).exists()
        )

    context: dict[str, Any] = {
        "workspace": workspace,
        "has_shipping_policy": has_shipping_policy,
        "has_chat": has_chat,
        "timezone_cookie": TIMEZONE_COOKIE,
        "support_hours": support_hours,
    }
    if getattr(request, RENDERING_FOR_CACHE, False):
        # Rendered once for many visitors: each response gets its visitor's own token.
        context["csrf_token"] = CSRF_PLACEHOLDER
    return context
