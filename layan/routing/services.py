"""Who answers a conversation.

Live chats go to an available agent at once: online (away and offline agents get no new
chats), active, and under their own concurrent-chat limit. Among those, agents who write the
conversation's language come first (a Chinese chat goes to the agent with the Chinese skill),
then members of the inbox's team, then the least loaded. Only live chats count as load: a chat
whose visitor has left (a "leave a message" chat, answered by email) is work like an email,
not a conversation the agent must keep up with. A chat nobody can take waits in the queue
(oldest first) and is handed out when an agent comes online or finishes a chat.
"""

from __future__ import annotations

from django.db.models import Q

from layan.accounts.models import Skill, User
from layan.conversations.models import Conversation
from layan.conversations.services import conversation_assign
from layan.core.events import Event
from layan.inboxes import registry
from layan.inboxes.models import Inbox
from layan.realtime.presence import visitors_present

# How many waiting chats one drain hands out at most (the next event continues).
DRAIN_BATCH = 50


def chat_agents_available(
    *, workspace_id: int, team_id: int | None = None, language: str = ""
) -> list[User]:
    """Online agents with room for another live chat: those who write `language` first, then
    the team's members, then the least loaded."""
    agents = list(
        User.objects.filter(
            workspace_id=workspace_id,
            is_active=True,
            availability=User.Availability.ONLINE,
            chat_limit__gt=0,
        ).order_by("last_seen_at", "id")
    )
    if not agents:
        return []
    chats = list(
        Conversation.objects.filter(
            assignee__in=agents,
            inbox__kind=Inbox.Kind.CHAT,
            status__in=Conversation.OPEN_STATUSES,
        ).values_list("pk", "assignee_id")
    )
    live = visitors_present(conversation_ids=[pk for pk, _agent in chats])
    load: dict[int, int] = {}
    for pk, agent_id in chats:
        if pk in live:
            load[agent_id] = load.get(agent_id, 0) + 1
    available = [agent for agent in agents if load.get(agent.pk, 0) < agent.chat_limit]
    if not available:
        return []
    speakers: set[int] = set()
    if language:
        speakers = set(
            User.objects.filter(
                pk__in=[agent.pk for agent in available],
                skills__kind=Skill.Kind.LANGUAGE,
                skills__code=language,
            ).values_list("pk", flat=True)
        )
    members: set[int] = set()
    if team_id is not None:
        members = set(
            User.objects.filter(
                Q(teams__id=team_id), pk__in=[agent.pk for agent in available]
            ).values_list("pk", flat=True)
        )
    # Stable sort: agents equal on every key keep the longest-idle-first order read above.
    return sorted(
        available,
        key=lambda agent: (
            agent.pk not in speakers,
            agent.pk not in members,
            load.get(agent.pk, 0),
        ),
    )


def conversation_route(*, conversation: Conversation) -> User | None:
    """Assign a new live chat to an available agent. None: nobody can take it; it waits."""
    if conversation.assignee_id is not None:
        return None
    candidates = chat_agents_available(
        workspace_id=conversation.workspace_id,
        team_id=conversation.team_id,
        language=conversation.language,
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


def on_conversation_created(event: Event) -> None:
    """Event handler, inside the transaction that opened the conversation: a live chat needs a
    person now, so it goes straight to an available agent or waits in the queue; unless the
    answer bot replies first (it routes the chat when it hands off)."""
    channel = str(event.payload.get("channel", ""))
    adapter = registry.adapters().get(channel)
    if adapter is None or not adapter.live:
        return
    conversation = (
        Conversation.objects.select_related("inbox")
        .filter(pk=event.payload["conversation"])
        .first()
    )
    if conversation is None or conversation.inbox.config.get("bot"):
        return
    conversation_route(conversation=conversation)
