"""Whether a chat's visitor is there: their widget is open (it pings every 30 s).

A leaf module (the cache only): routing reads it to count an agent's live chats without
importing the chat services, which themselves route.
"""

from __future__ import annotations

from django.core.cache import cache

# A widget pings every 30 s; a visitor silent for this long has left (replies then go by email).
PRESENCE_SECONDS = 75


def visitor_present(*, conversation_ids: list[int]) -> None:
    """Called on connect and on every ping: this chat has an open widget."""
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
