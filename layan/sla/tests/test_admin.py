"""Support hours edited in Django's admin show at once, as when edited in Settings."""

from __future__ import annotations

import pytest
from django.test import Client

from layan.accounts.models import User, Workspace
from layan.sla.models import BusinessHours
from layan.testing.personas import Cast

pytestmark = pytest.mark.django_db


def test_hours_saved_in_the_admin_renew_the_pages_and_widget_caches(cast: Cast) -> None:
    admin = User.objects.create_superuser("root@toko.example", "layan-demo-root")
    client = Client()
    client.force_login(admin)
    schedule = BusinessHours.objects.get(workspace=cast.workspace, is_default=True)
    before = Workspace.objects.get(pk=cast.workspace.pk).pages_version
    response = client.post(
        f"/admin/sla/businesshours/{schedule.pk}/change/",
        {
            "workspace": cast.workspace.pk,
            "name": schedule.name,
            "timezone": "Asia/Jakarta",
            "is_default": "on",
            "intervals-TOTAL_FORMS": "1",
            "intervals-INITIAL_FORMS": "0",
            "intervals-0-weekday": "0",
            "intervals-0-opens": "08:00",
            "intervals-0-closes": "16:00",
            "holidays-TOTAL_FORMS": "0",
            "holidays-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert schedule.intervals.filter(weekday=0).exists()
    assert Workspace.objects.get(pk=cast.workspace.pk).pages_version != before
