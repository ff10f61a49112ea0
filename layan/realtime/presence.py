"""Who is there: agents with a conversation open, and who is typing in it (the collision
warning); chat visitors whose widget is open (routing counts an agent's live chats by them,
replies to a visitor who left go by email).

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


# A widget pings every 30 s; a visitor silent for this long has left (replies then go by email).
PRESENCE_SECONDS = 75


def visitor_present(*, conversation_ids: list[int]) -> None:
    """A chat visitor's widget connected or pinged: their chat has an open widget."""
    cache.set_many({f"chat.present.{cid}": 1 for cid in conversation_ids}, PRESENCE_SECONDS)


def visitor_left(*, conversation_ids: list[int]) -> None:
    cache.delete_many([f"chat.present.{cid}" for cid in conversation_ids])


def visitor_is_present(*, conversation_id: int) -> bool:
    return bool(cache.get(f"chat.present.{conversation_id}"))


def visitors_present(*, conversation_ids: list[int]) -> set[int]:
    """Of these chats, the ones with an open widget (one cache read for all)."""
    if not conversation_ids:
        return set()
    found = cache.get_many([f"chat.present.{cid}" for cid in conversation_ids])
    return {int(key.rpartition(".")[2]) for key in found}
