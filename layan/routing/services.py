"""Who answers a conversation.

Live chats go to an available agent at once: online (away and offline agents get no new
chats), active, and under their own concurrent-chat limit, least loaded first, members of the
inbox's team before anyone else. A chat nobody can take waits in the queue (oldest first) and
is handed out when an agent comes online or finishes a chat.
"""

from __future__ import annotations

from django.db.models import Count, Q

from layan.accounts.models import User
from layan.conversations.models import Conversation
from layan.conversations.services import conversation_assign
from layan.core.events import Event
from layan.inboxes.models import Inbox

# How many waiting chats one drain hands out at most (the next event continues).
DRAIN_BATCH = 50


def chat_agents_available(*, workspace_id: int, team_id: int | None = None) -> list[User]:
    """Online agents with room for another chat, least loaded first."""
    agents = (
        User.objects.filter(
            workspace_id=workspace_id, is_active=True, availability=User.Availability.ONLINE
        )
        .annotate(
            open_chats=Count(
                "assigned_conversations",
                filter=Q(
                    assigned_conversations__inbox__kind=Inbox.Kind.CHAT,
                    assigned_conversations__status__in=Conversation.OPEN_STATUSES,
                ),
            )
        )
        .filter(chat_limit__gt=0)
        .order_by("open_chats", "last_seen_at", "id")
    )
    available: list[User] = [agent for agent in agents if agent.open_chats < agent.chat_limit]
    if team_id is not None:
        members = set(
            User.objects.filter(teams__id=team_id, workspace_id=workspace_id).values_list(
                "pk", flat=True
            )
        )
        in_team = [agent for agent in available if agent.pk in members]
        if in_team:
            return in_team
    return available


def conversation_route(*, conversation: Conversation) -> User | None:
    """Assign a new live chat to an available agent. None: nobody can take it; it waits."""
    if conversation.assignee_id is not None:
        return None
    candidates = chat_agents_available(
        workspace_id=conversation.workspace_id, team_id=conversation.team_id
    )
    if not candidates:
        return None
    agent = candidates[0]
    conversation_assign(conversation=conversation, assignee=agent, actor=None)
    return agent


def chat_queue(*, workspace_id: int) -> list[Conversation]:
    """Unassigned live chats still open, in the order they are served (oldest waiting first)."""
    return list(
        Conversation.objects.filter(
            workspace_id=workspace_id,
            inbox__kind=Inbox.Kind.CHAT,
            assignee__isnull=True,
            status__in=Conversation.OPEN_STATUSES,
        ).order_by("waiting_since", "id")[:DRAIN_BATCH]
    )


def chat_queue_drain(*, workspace_id: int) -> int:
    """Hand waiting chats to agents who have room; returns how many were assigned."""
    assigned = 0
    for conversation in chat_queue(workspace_id=workspace_id):
        if conversation_route(conversation=conversation) is None:
            break
        assigned += 1
    return assigned


def on_capacity_change(event: Event) -> None:
    """Event handler: an agent came online or a chat was solved, closed or unassigned."""
    if event.name == "conversation.updated" and event.payload.get("routed"):
        return
    chat_queue_drain(workspace_id=event.workspace_id)
