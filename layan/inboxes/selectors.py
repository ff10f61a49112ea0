"""Finding inboxes: a workspace's inbox of a kind, and the inbox an email address belongs to."""

from __future__ import annotations

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
