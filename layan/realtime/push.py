"""Sending events to websocket groups. Called from the event-handler table after commit."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from layan.core.events import Event
from layan.realtime import groups


def group_send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group, message)


def to_workspace_agents(event: Event) -> None:
    group_send(
        groups.workspace_agents(event.workspace_id),
        {"type": "desk.event", "event": event.name, "data": event.payload},
    )
