"""Absolute links use one public address: configured, or the one the server started on."""

from __future__ import annotations

import pytest
from django.conf import settings

from layan.wiring.management.commands.serve import base_url_default, served_url


@pytest.fixture
def restore_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "BASE_URL", settings.BASE_URL)


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8123, "http://127.0.0.1:8123"),
        ("0.0.0.0", 9000, "http://127.0.0.1:9000"),
        ("::", 9000, "http://[::1]:9000"),
        ("::1", 9000, "http://[::1]:9000"),
        ("help.local", 80, "http://help.local:80"),
    ],
)
def test_the_served_address(host: str, port: int, url: str) -> None:
    assert served_url(host, port) == url


def test_without_a_setting_links_use_the_port_the_server_started_on(
    monkeypatch: pytest.MonkeyPatch, restore_base_url: None
) -> None:
    monkeypatch.delenv("LAYAN_BASE_URL", raising=False)
    assert base_url_default("127.0.0.1", 8123) == "http://127.0.0.1:8123"
    assert settings.BASE_URL == "http://127.0.0.1:8123"


def test_a_configured_public_address_wins(
    monkeypatch: pytest.MonkeyPatch, restore_base_url: None
) -> None:
    monkeypatch.setenv("LAYAN_BASE_URL", "https://help.toko.example/")
    assert base_url_default("127.0.0.1", 8123) == "https://help.toko.example"
    assert settings.BASE_URL == "https://help.toko.example"
