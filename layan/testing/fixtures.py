"""pytest fixtures shared by every test (loaded from the top-level conftest.py)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from layan.accounts.models import User, Workspace
from layan.inboxes.models import Inbox
from layan.testing import personas
from layan.testing.ports import free_port
from layan.testing.provider import FakeProvider


@pytest.fixture
def cast(db: None) -> personas.Cast:
    return personas.make_cast()


@pytest.fixture
def workspace(cast: personas.Cast) -> Workspace:
    return cast.workspace


@pytest.fixture
def iris(cast: personas.Cast) -> User:
    return cast.iris


@pytest.fixture
def alice(cast: personas.Cast) -> User:
    return cast.alice


@pytest.fixture
def olga(cast: personas.Cast) -> User:
    return cast.olga


@pytest.fixture
def stella(cast: personas.Cast) -> User:
    return cast.stella


@pytest.fixture
def email_inbox(cast: personas.Cast) -> Inbox:
    from layan.inboxes.services import inbox_create
    from layan.testing.mail import INBOX_ADDRESS

    return inbox_create(
        workspace=cast.workspace, kind="email", name="Support email", address=INBOX_ADDRESS
    )


@pytest.fixture
def articles(cast: personas.Cast) -> list[Any]:
    """Three published articles in en / id / zh-hans (layan/testing/helpcenter.py)."""
    from layan.testing.helpcenter import publish_kb

    return publish_kb(cast)


@pytest.fixture
def chat_inbox(cast: personas.Cast) -> Inbox:
    """The workspace's live chat, with support open around the clock (no hours set)."""
    from layan.inboxes.services import inbox_create

    personas.set_hours(cast.workspace, [])
    return inbox_create(workspace=cast.workspace, kind="chat", name="Website chat")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def outbox() -> list[mail.EmailMessage]:
    mail.outbox = []
    return mail.outbox


class AsgiServer:
    """Layan's real ASGI application (HTTP + websockets) served by uvicorn in a thread."""

    def __init__(self) -> None:
        import uvicorn

        from layan.asgi import application

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            application, host="127.0.0.1", port=self.port, lifespan="off", log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[AsgiServer]:
    server = AsgiServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def browser_context_args() -> dict[str, object]:
    return {"locale": "en-US", "timezone_id": "Asia/Jakarta"}


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Cached pages, rate limits and presence must not leak from one test into the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # Views activate the visitor's language in the test thread; start every test in English.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (no browser download).

    Module-scoped: Playwright's sync API keeps an event loop running in this thread while it
    is started, which would disturb asyncio tests that run later in the same process.
    """
    playwright_sync = pytest.importorskip("playwright.sync_api")
    executable = os.environ.get("LAYAN_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {executable}: run `make test` to install it")
        pytest.skip(f"Chromium not installed at {executable}")
    # While Playwright runs its loop in this thread, the ORM calls the test itself makes (to
    # arrange data and check results) are still plain synchronous calls.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def dovecot() -> Iterator[object]:
    """A private Dovecot IMAP server with mailboxes for the support inbox and for Carl."""
    import shutil
    import tempfile
    from pathlib import Path

    from layan.testing.mail import INBOX_ADDRESS
    from layan.testing.mailserver import Dovecot, dovecot_binary

    if dovecot_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("Dovecot is missing: run `make test` to install it")
        pytest.skip("Dovecot is not installed")
    # Not under pytest's private temporary folder: Dovecot's own accounts must reach the files.
    directory = Path(tempfile.mkdtemp(prefix="layan-dovecot-"))
    directory.chmod(0o755)
    server = Dovecot(directory, [INBOX_ADDRESS, "carl@example.com", "mark@acme.example"])
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def smtp_relay(dovecot: object) -> Iterator[object]:
    from layan.testing.mailserver import Dovecot, SmtpRelay

    assert isinstance(dovecot, Dovecot)
    relay = SmtpRelay(dovecot)
    relay.start()
    yield relay
    relay.stop()


@pytest.fixture
def api() -> Iterator[FakeProvider]:
    """A messaging provider's API on loopback (layan.testing.provider), scripted by the test."""
    with FakeProvider() as provider:
        yield provider
