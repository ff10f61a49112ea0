"""What happens after each domain event commits: the one table, read top to bottom."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from layan.core.events import Event
from layan.realtime import push

HANDLERS: dict[str, Sequence[Callable[[Event], None]]] = {
    "agent.availability_changed": [push.to_workspace_agents],
    "conversation.created": [push.to_workspace_agents],
    "conversation.updated": [push.to_workspace_agents],
    "message.created": [push.to_workspace_agents],
    "message.updated": [push.to_workspace_agents],
}
