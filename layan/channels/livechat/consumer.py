"""The chat widget's websocket: one per visitor tab, authenticated by a signed visitor token.

Frames from the widget (JSON): `message` {client_id, text, name?, email?}, `typing`,
`read` {conversation, upto}, `ping`, `history` {after}, `identify` {name, email},
`transcript` {email}. Frames to it: `welcome`, `ack` {client_id, message}, `message`,
`typing`, `read`, `queue`, `error`, `pong`. Every message is stored before it is acknowledged;
the widget resends unacknowledged messages after a reconnect and the channel drops duplicates.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from layan.channels.livechat import services as chat
from layan.channels.livechat.mail import chat_transcript_task
from layan.channels.livechat.widget import visitor_language, welcome
from layan.inboxes.models import Inbox
from layan.inboxes.payloads import MAX_TEXT
from layan.inboxes.selectors import active_inbox
from layan.realtime import groups, presence, push
from layan.realtime.consumers import JsonConsumer

# At most this many frames per window from one socket (typing is throttled by the widget).
RATE_FRAMES = 40
RATE_WINDOW = 10.0
META_KEYS = ("page_url", "referrer", "user_agent", "browser_language")

logger = logging.getLogger(__name__)


def _str(content: dict[str, Any], key: str, limit: int = 500) -> str:
    """A frame's text field, without NUL characters (no database column takes them)."""
    value = content.get(key)
    return value.replace("\x00", "")[:limit] if isinstance(value, str) else ""


class _ChatWriter:
    """Visitor messages of this process, written in batches: the messages that arrive while a
    batch is being written make up the next one. One database hop and one pair of
    transactions per batch instead of per message, and no waiting when it is quiet (a lone
    message is written at once)."""

    MAX_BATCH = 100

    def __init__(self) -> None:
        self.waiting: list[tuple[Inbox, chat.ChatFrame, asyncio.Future[chat.ChatReceived]]] = []
        self.draining: asyncio.Task[None] | None = None

    async def receive(self, inbox: Inbox, frame: chat.ChatFrame) -> chat.ChatReceived:
        future: asyncio.Future[chat.ChatReceived] = asyncio.get_running_loop().create_future()
        self.waiting.append((inbox, frame, future))
        if self.draining is None:
            self.draining = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self.waiting:
                batch = self.waiting[: self.MAX_BATCH]
                del self.waiting[: self.MAX_BATCH]
                by_inbox: dict[int, list[Any]] = {}
                for item in batch:
                    by_inbox.setdefault(item[0].pk, []).append(item)
                for items in by_inbox.values():
                    await self._write(items)
        finally:
            self.draining = None

    @staticmethod
    async def _write(
        items: list[tuple[Inbox, chat.ChatFrame, asyncio.Future[chat.ChatReceived]]],
    ) -> None:
        results: list[chat.ChatReceived | chat.ChatError]
        try:
            results = await database_sync_to_async(_store)(
                items[0][0], [frame for _inbox, frame, _future in items]
            )
        except Exception:
            logger.exception("a batch of %s chat messages could not be stored", len(items))
            failed = chat.ChatError(_("Your message could not be sent. Please try again."))
            results = [failed] * len(items)
        for (_inbox, _frame, future), result in zip(items, results, strict=True):
            if future.done():
                continue  # the visitor's socket closed meanwhile
            if isinstance(result, chat.ChatError):
                future.set_exception(result)
            else:
                future.set_result(result)


def _store(inbox: Inbox, frames: list[chat.ChatFrame]) -> list[chat.ChatReceived | chat.ChatError]:
    results = chat.chats_receive(inbox=inbox, frames=frames)
    # Sent from an open widget: its chats have a visitor present (replies are not emailed).
    presence.visitor_present(
        conversation_ids=sorted(
            {result.conversation_id for result in results if isinstance(result, chat.ChatReceived)}
        )
    )
    return results


_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _ChatWriter] = (
    weakref.WeakKeyDictionary()
)


def _writer() -> _ChatWriter:
    """This event loop's writer (tests run consumers on loops of their own)."""
    loop = asyncio.get_running_loop()
    if loop not in _writers:
        _writers[loop] = _ChatWriter()
    return _writers[loop]


class VisitorConsumer(JsonConsumer):
    inbox: Inbox
    key: str
    language: str
    joined: set[int]
    # This socket's messages acknowledged and not yet seen again through the chat's group.
    acked: set[int]
    frames: list[float]
    meta: dict[str, str]

    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        slug = (query.get("w") or [""])[0]
        token = (query.get("t") or [""])[0]
        inbox = await database_sync_to_async(active_inbox)(
            kind=Inbox.Kind.CHAT, workspace_slug=slug
        )
        if inbox is None:
            await self.close(code=4404)
            return
        if not chat.origin_permitted(inbox=inbox, origin=self._header(b"origin")):
            await self.close(code=4403)
            return
        self.inbox = inbox
        self.language = visitor_language((query.get("lang") or [""])[0], inbox)
        self.frames = []
        self.joined = set()
        self.acked = set()
        self.meta = {"user_agent": self._header(b"user-agent")}
        key = chat.visitor_token_read(inbox=inbox, token=token) if token else None
        returning = key is not None
        if key is None:
            token, key = chat.visitor_token_issue(inbox=inbox)
        self.key = key
        push.remember_server_loop()
        await self.accept()
        after = (query.get("after") or ["0"])[0]
        await self._welcome(token, int(after) if after.isdigit() else 0, returning=returning)

    def _header(self, name: bytes) -> str:
        value: bytes = dict(self.scope.get("headers", [])).get(name, b"")
        return value.decode(errors="replace")[:500]

    def _welcome_data(
        self, token: str, after: int, returning: bool
    ) -> tuple[dict[str, Any], list[int]]:
        state = chat.chat_state(inbox=self.inbox)
        # A key issued just now has no chats: most page views are a first visit, and each
        # opens the widget's socket.
        messages, open_ids = [], []
        if returning:
            messages = chat.chat_messages(inbox=self.inbox, key=self.key, after=after)
            open_ids = chat.open_chat_ids(inbox=self.inbox, key=self.key)
            presence.visitor_present(conversation_ids=open_ids)
        data = welcome(
            inbox=self.inbox, language=self.language, token=token, state=state, messages=messages
        )
        return data, open_ids

    async def _welcome(self, token: str, after: int, *, returning: bool) -> None:
        data, open_ids = await database_sync_to_async(self._welcome_data)(token, after, returning)
        for conversation_id in open_ids:
            await self._join(conversation_id)
        await self.send_json(data)
        for conversation_id in open_ids:
            await self._send_queue(conversation_id)

    async def _join(self, conversation_id: int) -> None:
        if conversation_id not in self.joined:
            self.joined.add(conversation_id)
            await self.channel_layer.group_add(groups.chat(conversation_id), self.channel_name)

    async def disconnect(self, code: int) -> None:
        joined = sorted(getattr(self, "joined", set()))
        for conversation_id in joined:
            await self.channel_layer.group_discard(groups.chat(conversation_id), self.channel_name)
        if joined:
            await database_sync_to_async(presence.visitor_left)(conversation_ids=joined)

    def _limited(self) -> bool:
        now = time.monotonic()
        self.frames = [t for t in self.frames if now - t < RATE_WINDOW]
        self.frames.append(now)
        return len(self.frames) > RATE_FRAMES

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        if self._limited():
            await self.send_json(
                {"type": "error", "error": "rate", "client_id": content.get("client_id")}
            )
            return
        kind = content.get("type")
        handler = {
            "message": self._message,
            "typing": self._typing,
            "read": self._read,
            "ping": self._ping,
            "history": self._history,
            "identify": self._identify,
            "transcript": self._transcript,
            "bot": self._bot_feedback,
        }.get(kind if isinstance(kind, str) else "")
        if handler is not None:
            await handler(content)

    async def _message(self, content: dict[str, Any]) -> None:
        client_id = _str(content, "client_id", 64)
        text = _str(content, "text", MAX_TEXT + 1).strip()
        if len(text) > MAX_TEXT:
            # Refused whole, never cut: the widget keeps the text for the visitor to split.
            await self.send_json(
                {"type": "error", "error": "too_long", "client_id": client_id, "limit": MAX_TEXT}
            )
            return
        if not client_id or not text:
            await self.send_json({"type": "error", "error": "empty", "client_id": client_id})
            return
        meta = {**self.meta, **{k: _str(content, k) for k in META_KEYS if _str(content, k)}}
        name, email = _str(content, "name", 160), _str(content, "email", 254)
        try:
            if name or email:
                await database_sync_to_async(chat.visitor_identify)(
                    inbox=self.inbox, key=self.key, name=name, email=email
                )
            frame = chat.ChatFrame(key=self.key, client_id=client_id, text=text, meta=meta)
            received = await _writer().receive(self.inbox, frame)
        except chat.ChatError as error:
            await self.send_json({"type": "error", "error": str(error), "client_id": client_id})
            return
        await self._delivered(received, client_id)

    async def _delivered(self, received: chat.ChatReceived, client_id: str) -> None:
        await self._join(received.conversation_id)
        await self.send_json({"type": "ack", "client_id": client_id, "message": received.message})
        # The visitor's other tabs show it too; this socket skips its own copy (chat_event).
        self.acked.add(received.message["id"])
        await self.group_send(
            groups.chat(received.conversation_id),
            {"type": "chat.event", "event": "message", "data": received.message},
        )
        if received.taken_by:
            await self.send_json({"type": "agent", "name": received.taken_by})
        if received.waiting:
            reply = await database_sync_to_async(chat.chat_bot_turn)(
                inbox=self.inbox, message_id=received.message["id"]
            )
            if reply is not None:
                await self._send_bot(reply)
            if reply is None or "article" not in reply:
                await self._send_queue(received.conversation_id)

    async def _send_queue(self, conversation_id: int) -> None:
        state = await database_sync_to_async(chat.chat_queue_state)(conversation_id=conversation_id)
        if state is not None:
            await self.send_json(
                {
                    "type": "queue",
                    "conversation": conversation_id,
                    "position": state.position,
                    "wait_minutes": state.wait_minutes,
                }
            )

    async def _bot_feedback(self, content: dict[str, Any]) -> None:
        message_id, answered = content.get("message"), content.get("answered")
        if not isinstance(message_id, int) or not isinstance(answered, bool):
            return
        hand_off = await database_sync_to_async(chat.chat_bot_feedback)(
            inbox=self.inbox, key=self.key, message_id=message_id, answered=answered
        )
        if hand_off is not None:
            await self._send_bot(hand_off)
            await self._send_queue(hand_off["conversation"])

    async def _send_bot(self, message: dict[str, Any]) -> None:
        """The bot's message to this socket at once (before the queue note that may follow it)
        and to the visitor's other tabs through the chat's group."""
        await self.send_json({"type": "message", "message": message})
        self.acked.add(message["id"])
        await self.group_send(
            groups.chat(message["conversation"]),
            {"type": "chat.event", "event": "message", "data": message},
        )

    async def _typing(self, content: dict[str, Any]) -> None:
        for conversation_id in self.joined:
            await self.group_send(
                groups.conversation(conversation_id),
                {
                    "type": "desk.event",
                    "event": "conversation.visitor_typing",
                    "data": {"conversation": conversation_id},
                },
            )

    async def _read(self, content: dict[str, Any]) -> None:
        conversation_id, upto = content.get("conversation"), content.get("upto")
        if isinstance(conversation_id, int) and isinstance(upto, int):
            await database_sync_to_async(chat.chat_mark_read)(
                inbox=self.inbox, key=self.key, conversation_id=conversation_id, upto=upto
            )

    async def _ping(self, content: dict[str, Any]) -> None:
        if self.joined:
            await database_sync_to_async(presence.visitor_present)(
                conversation_ids=sorted(self.joined)
            )
        await self.send_json({"type": "pong"})

    async def _history(self, content: dict[str, Any]) -> None:
        after = content.get("after")
        messages = await database_sync_to_async(chat.chat_messages)(
            inbox=self.inbox, key=self.key, after=after if isinstance(after, int) else 0
        )
        await self.send_json({"type": "history", "messages": messages})

    async def _identify(self, content: dict[str, Any]) -> None:
        try:
            await database_sync_to_async(chat.visitor_identify)(
                inbox=self.inbox,
                key=self.key,
                name=_str(content, "name", 160),
                email=_str(content, "email", 254),
            )
        except chat.ChatError as error:
            await self.send_json({"type": "error", "error": str(error)})
            return
        await self.send_json({"type": "identified"})

    async def _transcript(self, content: dict[str, Any]) -> None:
        email = _str(content, "email", 254).strip()
        if not email or not self.joined:
            return
        try:
            await database_sync_to_async(chat.visitor_identify)(
                inbox=self.inbox, key=self.key, email=email
            )
        except chat.ChatError as error:
            await self.send_json({"type": "error", "error": str(error)})
            return
        for conversation_id in sorted(self.joined):
            await database_sync_to_async(chat_transcript_task.enqueue)(
                conversation_id=conversation_id, email=email.lower(), language=self.language
            )
        await self.send_json({"type": "transcript", "email": email})

    async def chat_event(self, message: dict[str, Any]) -> None:
        event, data = message["event"], message["data"]
        if event == "message" and data.get("id") in self.acked:
            self.acked.discard(data["id"])  # acknowledged to this socket already
        elif event == "message":
            await self.send_json({"type": "message", "message": data})
        else:
            await self.send_json({"type": event, **data})
