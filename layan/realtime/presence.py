"""Who has a conversation open, and who is typing in it (the collision warning).

Kept in the cache (shared through Redis when several processes serve), with a short expiry so
a desk that vanished without saying goodbye drops out on its own.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache

VIEWER_TTL = 90.0
TYPING_TTL = 6.0


def _key(conversation_id: int) -> str:
    return f"presence:conversation:{conversation_id}"


def update(
    *, conversation_id: int, agent_id: int, name: str, typing: bool = False, leave: bool = False
) -> list[dict[str, Any]]:
    """Record this agent's state and return everyone currently on the conversation."""
    now = time.time()
    viewers: dict[str, dict[str, Any]] = cache.get(_key(conversation_id)) or {}
    viewers = {key: value for key, value in viewers.items() if value["seen"] > now - VIEWER_TTL}
    if leave:
        viewers.pop(str(agent_id), None)
    else:
        previous = viewers.get(str(agent_id), {})
        viewers[str(agent_id)] = {
            "name": name,
            "seen": now,
            "typing_at": now if typing else previous.get("typing_at", 0.0),
        }
    cache.set(_key(conversation_id), viewers, timeout=int(VIEWER_TTL) * 2)
    return [
        {"id": int(key), "name": value["name"], "typing": value["typing_at"] > now - TYPING_TTL}
        for key, value in sorted(viewers.items())
    ]
