"""Permission-checked loads: an agent sees only their own workspace's customers."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from layan.accounts.models import User
from layan.customers.models import Customer


def access_customer(*, actor: User, customer_id: int) -> Customer:
    return get_object_or_404(
        Customer.objects.select_related("company"),
        pk=customer_id,
        workspace_id=actor.workspace_id,
    )
