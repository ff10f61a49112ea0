"""What happens after each domain event commits: the one table, read top to bottom."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from layan.automations.services import on_conversation_created
from layan.channels.livechat.mail import on_conversation_solved
from layan.channels.livechat.services import on_chat_assigned
from layan.core.events import Event
from layan.realtime import push
from layan.routing.services import on_capacity_change

HANDLERS: dict[str, Sequence[Callable[[Event], None]]] = {
    "agent.availability_changed": [push.to_workspace_agents, on_capacity_change],
    "conversation.created": [push.to_workspace_agents, on_conversation_created],
    "conversation.updated": [push.to_workspace_agents, on_capacity_change, on_chat_assigned],
    "conversation.read": [push.to_conversation_desks],
    "conversation.solved": [on_conversation_solved],
    "message.created": [push.to_workspace_agents],
    "message.updated": [push.to_workspace_agents],
}
