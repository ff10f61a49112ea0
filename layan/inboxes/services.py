"""Inboxes: creating and changing them, and finding the inbox an address belongs to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layan.accounts.models import Team, Workspace
from layan.accounts.page_cache import public_pages_changed
from layan.inboxes import registry
from layan.inboxes.models import Inbox
from layan.inboxes.secrets import config_seal
from layan.inboxes.selectors import webhook_inbox_forget


@transaction.atomic
def inbox_create(
    *,
    workspace: Workspace,
    kind: str,
    name: str,
    address: str = "",
    config: dict[str, Any] | None = None,
    team: Team | None = None,
    redirect_only: bool = False,
) -> Inbox:
    adapter = registry.adapter_for(kind)
    inbox = Inbox(
        workspace=workspace,
        kind=kind,
        name=name.strip(),
        address=address.strip().lower(),
        config=config_seal(adapter.validate_config(config or {}), adapter.secret_fields),
        team=team,
        redirect_only=_redirect_allowed(adapter, redirect_only),
    )
    inbox.full_clean()
    inbox.save()
    webhook_inbox_forget(inbox)
    inbox_schedule_poll(inbox=inbox)
    # The help center offers the chat on its pages when there is a chat inbox.
    public_pages_changed(workspace)
    return inbox


@transaction.atomic
def inbox_update(
    *,
    inbox: Inbox,
    name: str,
    address: str,
    config: dict[str, Any],
    team: Team | None,
    is_active: bool,
    redirect_only: bool | None = None,
) -> Inbox:
    """Save an inbox's settings (`redirect_only` None: as it was)."""
    inbox.name = name.strip()
    inbox.address = address.strip().lower()
    adapter = registry.adapter_for(inbox.kind)
    inbox.config = config_seal(
        adapter.validate_config(config), adapter.secret_fields, saved=inbox.config
    )
    inbox.team = team
    inbox.is_active = is_active
    if redirect_only is not None:
        inbox.redirect_only = _redirect_allowed(adapter, redirect_only)
    inbox.full_clean()
    inbox.save()
    webhook_inbox_forget(inbox)
    inbox_schedule_poll(inbox=inbox)
    public_pages_changed(inbox.workspace_id)
    return inbox


def _redirect_allowed(adapter: registry.Adapter, redirect_only: bool) -> bool:
    if redirect_only and not adapter.redirects:
        raise ValidationError(
            _("This channel cannot redirect: it needs a person, or sends nothing.")
        )
    return redirect_only


def inbox_schedule_poll(*, inbox: Inbox, delay: dt.timedelta | None = None) -> None:
    polls = (
        inbox.is_active and inbox.kind == Inbox.Kind.EMAIL and bool(inbox.config.get("imap_host"))
    )
    due = timezone.now() + (delay or dt.timedelta()) if polls else None
    Inbox.objects.filter(pk=inbox.pk).update(poll_due_at=due)
    inbox.poll_due_at = due
