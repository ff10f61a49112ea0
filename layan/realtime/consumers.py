"""The websocket consumers' base: JSON frames, a group send that survives a layer away, a send
that survives a closed tab. The consumers themselves live with what they serve (the chat
visitor's in `channels/livechat`, the agent's desk in `wiring`)."""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from uvicorn.protocols.utils import ClientDisconnected

logger = logging.getLogger(__name__)


class JsonConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every handler: a hop into the one
        # database thread for each frame and each group event, queued behind real work (three
        # per chat message). Every database call here goes through database_sync_to_async,
        # which does the same itself before and after the call, so the hop is skipped.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        # A frame that is not JSON text (a bot, a broken client) is answered with an error and
        # the socket stays open; Channels' own version raises, which ends the consumer.
        try:
            content = json.loads(text_data) if text_data is not None else None
        except ValueError:
            content = None
        if content is None:
            await self.send_json({"type": "error", "error": "format"})
            return
        await self.receive_json(content, **kwargs)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        # Channels' own version also hops into the database thread to close stale connections
        # after `disconnect` (once per closed tab: every page view with the widget), skipped
        # for the same reason.
        for group in self.groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        await self.disconnect(message["code"])
        raise StopConsumer

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        """Fan a frame out to a group. What it carries is stored already and read back by any
        socket that missed it, so a channel layer that is away (Redis restarting) costs a
        warning, not this socket: raised here, the exception ended the consumer and dropped
        the visitor's or agent's connection."""
        try:
            await self.channel_layer.group_send(group, message)
        except Exception as error:
            logger.warning("group send to %s failed: %s", group, error)

    async def send_json(self, content: Any, close: bool = False) -> None:
        # The browser may be gone while a frame is on its way (a closed tab, a dropped
        # network). The server raises on send; swallowed, the consumer goes on to its
        # disconnect and cleans up (presence, groups) instead of dying mid-handler.
        with contextlib.suppress(ClientDisconnected):
            await super().send_json(content, close=close)
