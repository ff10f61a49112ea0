"""The desk websocket: only logged-in agents connect; presence reaches every desk live."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from layan.accounts import services
from layan.accounts.models import User
from layan.asgi import application
from layan.testing.chat import desk_socket, session_cookie
from layan.testing.personas import Cast

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_anonymous_visitors_cannot_open_the_desk_socket(cast: Cast) -> None:
    socket = await desk_socket(None)
    connected, code = await socket.connect()
    assert (connected, code) == (False, 4401)


async def test_a_socket_from_another_origin_is_refused(cast: Cast) -> None:
    cookie = await sync_to_async(session_cookie)(cast.alice)
    socket = WebsocketCommunicator(
        application,
        "/ws/desk/",
        headers=[
            (b"origin", b"https://evil.example"),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
        ],
    )
    connected, _code = await socket.connect()
    assert connected is False


async def test_a_colleagues_availability_change_reaches_alices_desk(cast: Cast) -> None:
    # Given Alice has the desk open,
    alice = await desk_socket(cast.alice)
    assert (await alice.connect())[0] is True
    # when Olga sets herself away,
    await sync_to_async(services.agent_set_availability)(
        agent=cast.olga, availability="away", source="manual", actor=cast.olga
    )
    # then Alice's desk hears about it.
    message: dict[str, Any] = await alice.receive_json_from(timeout=2)
    assert message == {
        "type": "agent.availability_changed",
        "data": {"agent_id": cast.olga.pk, "availability": "away"},
    }
    await alice.disconnect()


async def test_an_agent_of_another_workspace_hears_nothing(cast: Cast) -> None:
    stella = await desk_socket(cast.stella)
    assert (await stella.connect())[0] is True
    await sync_to_async(services.agent_set_availability)(
        agent=cast.olga, availability="away", source="manual", actor=cast.olga
    )
    assert await stella.receive_nothing(timeout=0.3) is True
    await stella.disconnect()


async def test_heartbeats_keep_an_online_agent_online(cast: Cast) -> None:
    await sync_to_async(services.agent_set_availability)(
        agent=cast.alice, availability="online", source="login", actor=cast.alice
    )
    # Pretend the presence timer is about to fire.
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    await User.objects.filter(pk=cast.alice.pk).aupdate(presence_due_at=soon)
    alice = await desk_socket(cast.alice)
    await alice.connect()
    await alice.send_json_to({"type": "ping"})
    assert await alice.receive_json_from(timeout=2) == {"type": "pong"}
    refreshed = await User.objects.aget(pk=cast.alice.pk)
    assert refreshed.presence_due_at is not None
    assert refreshed.presence_due_at > soon + dt.timedelta(minutes=5)
    await alice.disconnect()
