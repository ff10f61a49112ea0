"""Finding inboxes: a workspace's inbox of a kind, and the inbox an email address belongs to."""

from __future__ import annotations

from django.core.cache import cache

from layan.accounts.models import Workspace
from layan.inboxes.models import Inbox


def active_inbox(
    *, kind: str, workspace_id: int | None = None, workspace_slug: str = ""
) -> Inbox | None:
    """The workspace's (first) active inbox of a kind: where its chat lives, where its email to
    customers comes from, where its contact form lands. None: it has none."""
    inboxes = Inbox.objects.filter(kind=kind, is_active=True).select_related("workspace")
    if workspace_id is not None:
        inboxes = inboxes.filter(workspace_id=workspace_id)
    else:
        inboxes = inboxes.filter(workspace__slug=workspace_slug)
    return inboxes.order_by("id").first()


def inbox_for_address(*, address: str, workspace: Workspace | None = None) -> Inbox | None:
    """The email inbox a recipient address belongs to (plus-addressing ignored)."""
    local, _at, domain = address.strip().lower().partition("@")
    if not domain:
        return None
    inboxes = Inbox.objects.filter(
        kind=Inbox.Kind.EMAIL, is_active=True, address=f"{local.split('+')[0]}@{domain}"
    ).select_related("workspace")
    if workspace is not None:
        inboxes = inboxes.filter(workspace=workspace)
    return inboxes.first()


# A webhook's inbox is read from the cache for this long: a burst of calls reads the database
# once, and a change of its settings (a new secret, switched off) applies within it.
WEBHOOK_INBOX_SECONDS = 10


def _webhook_key(kind: str, inbox_id: int) -> str:
    return f"layan:webhook-inbox:{kind}:{inbox_id}"


def webhook_inbox_forget(inbox: Inbox) -> None:
    """Its settings changed: the next webhook reads them (in every process sharing the cache;
    others within WEBHOOK_INBOX_SECONDS)."""
    cache.delete(_webhook_key(inbox.kind, inbox.pk))
    cache.delete(_redirecting_key(inbox.workspace_id))


def _redirecting_key(workspace_id: int) -> str:
    return f"layan:redirecting-inboxes:{workspace_id}"


def redirecting_inbox_ids(*, workspace_id: int) -> frozenset[int]:
    """The workspace's redirect-only inboxes (read for every message received: cached like a
    webhook's inbox, forgotten when an inbox is saved)."""
    key = _redirecting_key(workspace_id)
    found = cache.get(key)
    if found is None:
        found = frozenset(
            Inbox.objects.filter(workspace_id=workspace_id, redirect_only=True).values_list(
                "pk", flat=True
            )
        )
        cache.set(key, found, WEBHOOK_INBOX_SECONDS)
    return found  # type: ignore[no-any-return]


def webhook_inbox(*, inbox_id: int, kind: str) -> Inbox | None:
    """The active inbox of `kind` a provider's webhook address names, or None."""
    key = _webhook_key(kind, inbox_id)
    found = cache.get(key)
    if found is None:
        inbox = Inbox.objects.filter(pk=inbox_id, kind=kind, is_active=True).first()
        found = (inbox,)
        cache.set(key, found, WEBHOOK_INBOX_SECONDS)
    return found[0]  # type: ignore[no-any-return]
