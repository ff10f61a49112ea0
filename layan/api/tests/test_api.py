"""The API's own pages: health, and its documentation served from this install."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_api_documentation_needs_nothing_from_the_internet() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    # Self-hosted and often offline: every script and style is one of the install's own files.
    for asset in assets:
        assert not asset.startswith(("http:", "https:", "//")), asset
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset


def test_the_openapi_schema_is_served() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/health" in schema["paths"]
