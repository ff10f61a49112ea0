"""Sending events to websocket groups. Called from the event-handler table after commit.

Events are published from request threads, from the task worker and the timer loop (new mail
fetched by IMAP, a delivery that failed) and from tests. The in-memory channel layer of the
one-process default keeps asyncio queues that belong to the server's event loop, so a send from
any other thread is handed to that loop (`run_coroutine_threadsafe`) instead of being run on a
private loop, where it would not wake the waiting websocket.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from layan.core.events import Event
from layan.realtime import groups

logger = logging.getLogger(__name__)

_server_loop: asyncio.AbstractEventLoop | None = None


def remember_server_loop() -> None:
    """Called from a consumer (inside the server's event loop)."""
    global _server_loop
    _server_loop = asyncio.get_running_loop()


def group_send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _server_loop
    if isinstance(layer, InMemoryChannelLayer) and not layer.groups.get(group):
        # Nobody in this process listens: skip the (costly) hop into async code.
        return
    if isinstance(layer, InMemoryChannelLayer) and loop is not None and loop.is_running():
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if current is not loop:
            future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop)
            future.add_done_callback(_log_failure)
            return
    async_to_sync(layer.group_send)(group, message)


def _log_failure(future: Any) -> None:
    if future.exception() is not None:
        logger.warning("realtime push failed: %s", future.exception())


def to_workspace_agents(event: Event) -> None:
    group_send(
        groups.workspace_agents(event.workspace_id),
        {"type": "desk.event", "event": event.name, "data": event.payload},
    )


def to_conversation_desks(event: Event) -> None:
    """The desks that have this conversation open (read receipts, typing)."""
    group_send(
        groups.conversation(int(event.payload["conversation"])),
        {"type": "desk.event", "event": event.name, "data": event.payload},
    )
