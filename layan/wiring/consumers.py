"""The agent's desk socket: it reads several apps (the agent, their conversations, a chat's
read receipt), so it stands on the top floor with the rest of the desk's wiring."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from layan.accounts import services
from layan.accounts.models import User
from layan.channels.livechat import services as chat
from layan.conversations.models import Conversation
from layan.inboxes.models import Inbox
from layan.realtime import groups, presence, push
from layan.realtime.consumers import JsonConsumer


class DeskConsumer(JsonConsumer):
    """An agent's desk tab: receives workspace events, sends heartbeats that keep presence,
    and says which conversation it has open (and when its agent types) for collision warnings."""

    user: User
    joined: list[str]
    watching: int | None = None
    watching_chat = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        self.user = user
        push.remember_server_loop()
        self.joined = [groups.workspace_agents(user.workspace_id), groups.agent(user.id)]
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await database_sync_to_async(services.agent_seen)(agent_id=user.id)

    async def disconnect(self, code: int) -> None:
        if self.watching is not None:
            await self._presence(leave=True)
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "ping":
            await database_sync_to_async(services.agent_seen)(agent_id=self.user.id)
            if self.watching is not None:
                await self._presence()
            await self.send_json({"type": "pong"})
        elif kind == "watch" and isinstance(content.get("conversation"), int):
            await self._watch(content["conversation"])
        elif kind == "typing" and self.watching and content.get("conversation") == self.watching:
            await self._presence(typing=True)
            if self.watching_chat:
                await self.group_send(
                    groups.chat(self.watching),
                    {
                        "type": "chat.event",
                        "event": "typing",
                        "data": {"name": self.user.first_name},
                    },
                )
        elif kind == "read" and self.watching_chat and content.get("conversation") == self.watching:
            await self._read()

    async def _watch(self, conversation_id: int) -> None:
        kind = await database_sync_to_async(
            Conversation.objects.filter(pk=conversation_id, workspace_id=self.user.workspace_id)
            .values_list("inbox__kind", flat=True)
            .first
        )()
        if kind is None:
            return
        self.watching_chat = kind == Inbox.Kind.CHAT
        if self.watching is not None and self.watching != conversation_id:
            await self._presence(leave=True)
            await self.channel_layer.group_discard(
                groups.conversation(self.watching), self.channel_name
            )
        self.watching = conversation_id
        await self.channel_layer.group_add(groups.conversation(conversation_id), self.channel_name)
        # The page was rendered before this socket joined the conversation's group: whatever
        # happened in between (a reply sent by the page's own form reloads it; the visitor
        # reads it meanwhile) reached nobody. Subscribed now, the page fetches once more.
        await self.send_json(
            {"type": "conversation.watching", "data": {"conversation": conversation_id}}
        )
        await self._presence()
        if self.watching_chat:
            await self._read()

    async def _read(self) -> None:
        """The agent has the chat in front of them: the visitor sees "Seen"."""
        assert self.watching is not None
        await database_sync_to_async(chat.agent_mark_read)(conversation_id=self.watching)

    async def _presence(self, *, typing: bool = False, leave: bool = False) -> None:
        assert self.watching is not None
        viewers = presence.update(
            conversation_id=self.watching,
            agent_id=self.user.id,
            name=self.user.name,
            typing=typing,
            leave=leave,
        )
        await self.group_send(
            groups.conversation(self.watching),
            {
                "type": "desk.event",
                "event": "conversation.presence",
                "data": {"conversation": self.watching, "viewers": viewers},
            },
        )

    async def desk_event(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": message["event"], "data": message["data"]})
