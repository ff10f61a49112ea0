"""Websocket consumers. Thin: authenticate, join groups, call services, relay events."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from layan.accounts import services
from layan.accounts.models import User
from layan.realtime import groups


class DeskConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """An agent's desk tab: receives workspace events, sends heartbeats that keep presence."""

    user: User
    joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        self.user = user
        self.joined = [groups.workspace_agents(user.workspace_id), groups.agent(user.id)]
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await database_sync_to_async(services.agent_seen)(agent_id=user.id)

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await database_sync_to_async(services.agent_seen)(agent_id=self.user.id)
            await self.send_json({"type": "pong"})

    async def desk_event(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": message["event"], "data": message["data"]})
