"""Helpers for live-chat tests: chat inbox settings, websockets at the ASGI boundary."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from layan.accounts.models import User
from layan.inboxes.models import Inbox
from layan.inboxes.services import inbox_update


def chat_configure(inbox: Inbox, **config: Any) -> Inbox:
    """Change some of a chat inbox's settings, through the same service an admin uses."""
    return inbox_update(
        inbox=inbox,
        name=inbox.name,
        address=inbox.address,
        config={**inbox.config, **config},
        team=inbox.team,
        is_active=inbox.is_active,
    )


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def desk_socket(
    user: User | None, origin: bytes = b"http://127.0.0.1:8000"
) -> WebsocketCommunicator:
    """An agent's desk websocket (not yet connected), signed in as `user` (None: anonymous)."""
    from layan.asgi import application

    headers: list[tuple[bytes, bytes]] = [(b"origin", origin)]
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, "/ws/desk/", headers=headers)
