from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from layan.testing.fixtures import AsgiServer


@pytest.fixture
def new_page(chromium: Browser, asgi_server: AsgiServer) -> Iterator[Callable[..., Page]]:
    """A page in a fresh browser context (its own cookies) on the live ASGI server."""
    contexts: list[Any] = []

    def make(**options: Any) -> Page:
        context = chromium.new_context(base_url=asgi_server.url, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
