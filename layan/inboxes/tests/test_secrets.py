"""Channel secrets are sealed at rest, open with any configured key, and never shown back."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import override_settings

from layan.inboxes import secrets
from layan.inboxes.models import Inbox
from layan.inboxes.services import inbox_create, inbox_update
from layan.testing.personas import Cast


def test_a_sealed_secret_opens_and_does_not_show_its_text() -> None:
    sealed = secrets.seal("EAAG-token-1234")
    assert sealed.startswith("sealed:")
    assert "EAAG" not in sealed
    assert secrets.unseal(sealed) == "EAAG-token-1234"
    assert secrets.seal(sealed) == sealed  # sealing twice changes nothing
    assert secrets.unseal("plain, saved before sealing") == "plain, saved before sealing"
    assert secrets.masked(sealed) == "••••1234"
    assert secrets.masked(secrets.seal("short")) == "••••"


def test_keys_rotate_and_a_lost_key_is_a_clear_error() -> None:
    with override_settings(ENCRYPTION_KEYS=["old key"]):
        sealed = secrets.seal("app secret")
    with override_settings(ENCRYPTION_KEYS=["new key", "old key"]):
        assert secrets.unseal(sealed) == "app secret"
        assert secrets.unseal(secrets.seal("x")) == "x"
    with (
        override_settings(ENCRYPTION_KEYS=["another key"]),
        pytest.raises(secrets.SecretUnreadable, match="Enter the secret again"),
    ):
        secrets.unseal(sealed)


def test_an_inbox_keeps_its_secret_when_saved_without_it(cast: Cast) -> None:
    inbox = inbox_create(
        workspace=cast.workspace,
        kind="email",
        name="Email",
        address="help@toko-test.example",
        config={"imap_host": "127.0.0.1", "imap_username": "help", "imap_password": "pw-1"},
    )
    assert secrets.is_sealed(inbox.config["imap_password"])
    sealed_first = inbox.config["imap_password"]
    inbox_update(
        inbox=inbox,
        name="Email",
        address=inbox.address,
        config={"imap_host": "127.0.0.1", "imap_username": "help"},
        team=None,
        is_active=True,
    )
    inbox.refresh_from_db()
    assert secrets.unseal(inbox.config["imap_password"]) == "pw-1"
    # Saved unchanged, the stored seal itself is unchanged (sealing is randomised).
    assert inbox.config["imap_password"] == sealed_first
    inbox_update(
        inbox=inbox,
        name="Email",
        address=inbox.address,
        config={"imap_host": "127.0.0.1", "imap_username": "help", "imap_password": "pw-2"},
        team=None,
        is_active=True,
    )
    inbox.refresh_from_db()
    assert secrets.unseal(inbox.config["imap_password"]) == "pw-2"


def test_secrets_saved_in_plain_text_before_are_sealed_by_the_migration(cast: Cast) -> None:
    inbox = inbox_create(workspace=cast.workspace, kind="email", name="Old", address="o@x.example")
    Inbox.objects.filter(pk=inbox.pk).update(
        config={"imap_host": "h", "imap_username": "u", "smtp_password": "plain"}
    )
    migration = importlib.import_module("layan.inboxes.migrations.0005_seal_channel_secrets")
    migration.seal_saved(apps, None)
    migration.seal_saved(apps, None)  # twice: nothing sealed twice
    config = Inbox.objects.get(pk=inbox.pk).config
    assert secrets.is_sealed(config["smtp_password"])
    assert secrets.unseal(config["smtp_password"]) == "plain"
    assert config["imap_host"] == "h"
