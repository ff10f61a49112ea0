"""The visitor websocket and the widget's HTTP endpoints, at the ASGI boundary."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from layan.accounts import services as accounts
from layan.accounts.models import User
from layan.asgi import application
from layan.conversations.models import Conversation, Message
from layan.conversations.services import reply_send
from layan.inboxes.models import Inbox
from layan.testing.chat import chat_configure, desk_socket
from layan.testing.personas import Cast

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

SHOP = b"http://shop.example:8001"


def visitor_socket(
    slug: str = "toko-test", token: str = "", origin: bytes = SHOP, extra: str = ""
) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application,
        f"/ws/chat/?w={slug}&t={token}&lang=id-ID{extra}",
        headers=[(b"origin", origin), (b"user-agent", b"Mozilla/5.0 Test")],
    )


async def online(agent: User) -> None:
    await sync_to_async(accounts.agent_set_availability)(
        agent=agent, availability="online", source="manual", actor=agent
    )


async def connected(socket: WebsocketCommunicator) -> dict[str, Any]:
    ok, code = await socket.connect()
    assert ok, code
    welcome: dict[str, Any] = await socket.receive_json_from(timeout=3)
    assert welcome["type"] == "welcome"
    return welcome


async def ask_bot(visitor: WebsocketCommunicator, question: str) -> tuple[int, dict[str, Any]]:
    """Ask in the widget; the conversation and the bot's message."""
    await visitor.send_json_to({"type": "message", "client_id": "q1", "text": question})
    conversation_id = (await next_of(visitor, "ack"))["message"]["conversation"]
    reply = await next_of(visitor, "message")
    while reply["message"]["author"] != "bot":
        reply = await next_of(visitor, "message")
    return conversation_id, reply["message"]


async def next_of(socket: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    for _ in range(20):
        frame: dict[str, Any] = await socket.receive_json_from(timeout=3)
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame")


async def test_unknown_workspaces_and_foreign_sites_are_refused(
    cast: Cast, chat_inbox: Inbox
) -> None:
    assert await visitor_socket(slug="nope").connect() == (False, 4404)
    await sync_to_async(chat_configure)(chat_inbox, allowed_origins=["https://shop.example"])
    assert await visitor_socket(origin=b"https://evil.example").connect() == (False, 4403)
    assert (await visitor_socket(origin=b"https://shop.example").connect())[0] is True


async def test_a_chat_both_ways_with_typing_and_read_receipts(
    cast: Cast, chat_inbox: Inbox
) -> None:
    await online(cast.alice)
    desk = await desk_socket(cast.alice)
    assert (await desk.connect())[0]
    # A visitor opens the widget: a token, words in Indonesian, and a person online.
    visitor = visitor_socket()
    welcome = await connected(visitor)
    assert welcome["token"]
    assert welcome["language"] == "id"
    assert welcome["online"] is True
    assert welcome["messages"] == []
    # The visitor writes: acknowledged once stored, and Alice's desk hears of it.
    await visitor.send_json_to({"type": "message", "client_id": "m1", "text": "Halo kak"})
    ack = await next_of(visitor, "ack")
    assert ack["message"]["text"] == "Halo kak"
    conversation_id = ack["message"]["conversation"]
    created = await next_of(desk, "message.created")
    assert created["data"]["conversation"] == conversation_id
    conversation = await Conversation.objects.aget(pk=conversation_id)
    assert conversation.assignee_id == cast.alice.pk
    # Alice opens it: the visitor sees "read", and her typing.
    await desk.send_json_to({"type": "watch", "conversation": conversation_id})
    read = await next_of(visitor, "read")
    assert read["upto"] == ack["message"]["id"]
    await desk.send_json_to({"type": "typing", "conversation": conversation_id})
    assert (await next_of(visitor, "typing"))["name"] == "Alice"
    # The visitor types too, and Alice's desk shows it.
    await visitor.send_json_to({"type": "typing"})
    typing = await next_of(desk, "conversation.visitor_typing")
    assert typing["data"] == {"conversation": conversation_id}
    # Alice replies: the widget gets it at once.
    await sync_to_async(reply_send)(
        conversation=conversation, agent=cast.alice, text="Halo! Ada yang bisa dibantu?"
    )
    pushed = await next_of(visitor, "message")
    while pushed["message"]["author"] != "agent":
        pushed = await next_of(visitor, "message")
    assert pushed["message"]["name"] == "Alice Agent"
    assert pushed["message"]["text"] == "Halo! Ada yang bisa dibantu?"
    # The visitor reads it: Alice's desk hears that.
    await visitor.send_json_to(
        {"type": "read", "conversation": conversation_id, "upto": pushed["message"]["id"]}
    )
    seen = await next_of(desk, "conversation.read")
    assert seen["data"]["upto"] == pushed["message"]["id"]
    await visitor.disconnect()
    await desk.disconnect()


async def test_a_message_reaches_the_visitors_other_tabs_and_is_not_echoed_to_its_own(
    cast: Cast, chat_inbox: Inbox
) -> None:
    first_tab = visitor_socket()
    token = (await connected(first_tab))["token"]
    await first_tab.send_json_to({"type": "message", "client_id": "m1", "text": "Halo kak"})
    await next_of(first_tab, "ack")
    second_tab = visitor_socket(token=token)
    assert [m["text"] for m in (await connected(second_tab))["messages"]] == ["Halo kak"]

    await first_tab.send_json_to({"type": "message", "client_id": "m2", "text": "Ongkir?"})

    ack = await next_of(first_tab, "ack")
    copy = await next_of(second_tab, "message")
    assert copy["message"] == ack["message"]
    # The tab that sent it has it from its acknowledgement: no copy comes to it.
    later = []
    while not await first_tab.receive_nothing(timeout=0.3):
        later.append((await first_tab.receive_json_from())["type"])
    assert "message" not in later
    await first_tab.disconnect()
    await second_tab.disconnect()


async def test_a_desk_that_opens_a_chat_is_told_once_it_follows_it(
    cast: Cast, chat_inbox: Inbox
) -> None:
    # The conversation page is rendered before its socket joins the conversation: the
    # acknowledgment is the page's cue to fetch once more, and from then on it hears all.
    visitor = visitor_socket()
    await connected(visitor)
    await visitor.send_json_to({"type": "message", "client_id": "m1", "text": "Halo kak"})
    conversation_id = (await next_of(visitor, "ack"))["message"]["conversation"]
    desk = await desk_socket(cast.alice)
    assert (await desk.connect())[0]
    await desk.send_json_to({"type": "watch", "conversation": conversation_id})
    watching = await next_of(desk, "conversation.watching")
    assert watching["data"] == {"conversation": conversation_id}
    conversation = await Conversation.objects.aget(pk=conversation_id)
    reply = await sync_to_async(reply_send)(conversation=conversation, agent=cast.alice, text="Ya")
    await visitor.send_json_to({"type": "read", "conversation": conversation_id, "upto": reply.pk})
    assert (await next_of(desk, "conversation.read"))["data"]["upto"] == reply.pk
    # Another workspace's conversation is not followed, and not acknowledged.
    stella = await desk_socket(cast.stella)
    assert (await stella.connect())[0]
    await stella.send_json_to({"type": "watch", "conversation": conversation_id})
    assert await stella.receive_nothing(timeout=0.3) is True
    for socket in (visitor, desk, stella):
        await socket.disconnect()


async def test_after_a_reconnect_nothing_is_lost_or_doubled(cast: Cast, chat_inbox: Inbox) -> None:
    visitor = visitor_socket()
    welcome = await connected(visitor)
    token = welcome["token"]
    await visitor.send_json_to({"type": "message", "client_id": "m1", "text": "first"})
    first = (await next_of(visitor, "ack"))["message"]
    await visitor.disconnect()
    # While the visitor is away, the agent answers;
    conversation = await Conversation.objects.aget(pk=first["conversation"])
    await sync_to_async(reply_send)(conversation=conversation, agent=cast.alice, text="answer")
    # the widget reconnects with its token and the last id it has, and resends "m1" (its ack
    # may have been lost) together with a new message.
    again = visitor_socket(token=token, extra=f"&after={first['id']}")
    welcome = await connected(again)
    assert [m["text"] for m in welcome["messages"]] == ["answer"]
    await again.send_json_to({"type": "message", "client_id": "m1", "text": "first"})
    assert (await next_of(again, "ack"))["message"]["id"] == first["id"]
    await again.send_json_to({"type": "message", "client_id": "m2", "text": "second"})
    await next_of(again, "ack")
    texts = [
        text
        async for text in Message.objects.filter(conversation=conversation)
        .order_by("id")
        .values_list("text", flat=True)
    ]
    assert texts == ["first", "answer", "second"]
    # A forged token is a new visitor with nothing to see.
    stranger = visitor_socket(token=token[:-2] + "xx")
    assert (await connected(stranger))["messages"] == []
    await again.disconnect()
    await stranger.disconnect()


async def test_messages_from_many_visitors_at_once_are_each_stored_once_in_order(
    cast: Cast, chat_inbox: Inbox
) -> None:
    # Written in batches (what arrives while one batch is written is the next): every visitor
    # gets its own acks, in its own order, and a resent message is still one message.
    visitors = [visitor_socket() for _ in range(8)]
    for visitor in visitors:
        await connected(visitor)
    for round_ in range(3):
        for number, visitor in enumerate(visitors):
            await visitor.send_json_to(
                {"type": "message", "client_id": f"m{round_}", "text": f"v{number} #{round_}"}
            )
    await visitors[0].send_json_to({"type": "message", "client_id": "m0", "text": "v0 #0"})
    conversations = set()
    for number, visitor in enumerate(visitors):
        acks = [(await next_of(visitor, "ack"))["message"] for _ in range(3 + (number == 0))]
        assert [ack["text"] for ack in acks] == [f"v{number} #{r}" for r in range(3)] + (
            ["v0 #0"] if number == 0 else []
        )
        assert len({ack["conversation"] for ack in acks}) == 1
        conversations.add(acks[0]["conversation"])
        await visitor.disconnect()
    assert len(conversations) == 8
    assert await Message.objects.filter(conversation_id__in=conversations).acount() == 24
    # Each conversation's messages in the order the visitor sent them.
    for conversation_id in conversations:
        texts = [
            text
            async for text in Message.objects.filter(conversation_id=conversation_id)
            .order_by("id")
            .values_list("text", flat=True)
        ]
        assert [text.split("#")[1] for text in texts] == ["0", "1", "2"]


async def test_a_flood_of_frames_is_refused(cast: Cast, chat_inbox: Inbox) -> None:
    visitor = visitor_socket()
    await connected(visitor)
    for _ in range(45):
        await visitor.send_json_to({"type": "ping"})
    frames = [await visitor.receive_json_from(timeout=3) for _ in range(45)]
    assert {"type": "error", "error": "rate", "client_id": None} in frames
    await visitor.disconnect()


async def test_null_characters_in_a_frame_are_dropped_and_the_message_kept(
    cast: Cast, chat_inbox: Inbox
) -> None:
    # No database column takes NUL (PostgreSQL refuses it): the message must still arrive.
    visitor = visitor_socket()
    await connected(visitor)
    await visitor.send_json_to(
        {"type": "message", "client_id": "m1", "text": "Ada\u0000 ukuran M?", "name": "Ri\u0000na"}
    )
    ack = await next_of(visitor, "ack")
    assert ack["message"]["text"] == "Ada ukuran M?"
    message = await Message.objects.select_related("conversation__customer").aget(
        pk=ack["message"]["id"]
    )
    assert message.text == "Ada ukuran M?"
    assert message.conversation.customer.name == "Rina"
    await visitor.disconnect()


async def test_frames_that_make_no_sense_leave_the_socket_open(
    cast: Cast, chat_inbox: Inbox
) -> None:
    visitor = visitor_socket()
    await connected(visitor)
    # Not JSON, or not text: a clear error each, and the socket stays.
    await visitor.send_to(text_data="not json {")
    assert await visitor.receive_json_from(timeout=3) == {"type": "error", "error": "format"}
    await visitor.send_to(bytes_data=b"\x00\x01")
    assert await visitor.receive_json_from(timeout=3) == {"type": "error", "error": "format"}
    # JSON of the wrong shapes: ignored.
    for frame in (
        "[1, 2, 3]",
        '{"type": "message", "client_id": 5, "text": ["a"]}',
        '{"type": "history", "before": "x"}',
        '{"type": "read", "upto": "x"}',
        '{"type": "identify", "email": 5, "name": {"a": 1}}',
        '{"type": "bot", "message": "1", "answered": "yes"}',
    ):
        await visitor.send_to(text_data=frame)
    await visitor.send_json_to({"type": "message", "client_id": "m1", "text": "Still there?"})
    assert (await next_of(visitor, "ack"))["message"]["text"] == "Still there?"
    await visitor.disconnect()


async def test_a_visitor_asks_for_the_transcript_by_email(cast: Cast, chat_inbox: Inbox) -> None:
    from django.core import mail

    from layan.core.worker import run_tasks_now

    mail.outbox = []
    visitor = visitor_socket()
    await connected(visitor)
    await visitor.send_json_to({"type": "message", "client_id": "m1", "text": "Ukuran M ada?"})
    conversation = (await next_of(visitor, "ack"))["message"]["conversation"]
    await sync_to_async(reply_send)(
        conversation=await Conversation.objects.aget(pk=conversation),
        agent=cast.alice,
        text="Ada, kak.",
    )
    await visitor.send_json_to({"type": "transcript", "email": "Rina@example.com"})
    assert (await next_of(visitor, "transcript"))["email"] == "Rina@example.com"
    await sync_to_async(run_tasks_now)()
    transcripts = [m for m in mail.outbox if m.to == ["rina@example.com"]]
    assert len(transcripts) == 1
    assert transcripts[0].subject == "Chat Anda dengan Toko Test"
    assert "Ukuran M ada?" in str(transcripts[0].body)
    assert "Alice Agent:\nAda, kak." in str(transcripts[0].body)
    await visitor.disconnect()


async def test_the_bot_answers_first_and_hands_off_when_asked(
    cast: Cast, chat_inbox: Inbox, articles: list[Any]
) -> None:
    await online(cast.alice)
    await sync_to_async(chat_configure)(chat_inbox, bot=True)
    visitor = visitor_socket()
    await connected(visitor)
    # A question the help center answers: the bot replies with the passage and the article,
    conversation_id, bot = await ask_bot(visitor, "How long does a refund take?")
    assert bot["text"].startswith("Refunds reach your bank account within 3 to 7 working days.")
    assert bot["article"]["title"] == "How long does a refund take?"
    assert bot["article"]["url"].startswith("http://127.0.0.1:8000/en/")
    # and nobody is bothered yet.
    conversation = await Conversation.objects.aget(pk=conversation_id)
    assert conversation.assignee_id is None
    # The visitor wants a person after all: the chat goes to Alice, with the bot's exchange in it.
    await visitor.send_json_to({"type": "bot", "message": bot["id"], "answered": False})
    for _ in range(50):
        conversation = await Conversation.objects.aget(pk=conversation_id)
        if conversation.assignee_id:
            break
        await asyncio.sleep(0.05)
    assert conversation.assignee_id == cast.alice.pk
    kinds = [e async for e in conversation.events.filter(kind="bot").values_list("data", flat=True)]
    assert [e["action"] for e in kinds] == ["answered", "handed_off"]
    assert kinds[1]["reason"] == "asked_for_person"
    await visitor.disconnect()


async def test_that_answered_it_solves_the_chat_without_a_person(
    cast: Cast, chat_inbox: Inbox, articles: list[Any]
) -> None:
    await sync_to_async(chat_configure)(chat_inbox, bot=True)
    visitor = visitor_socket()
    await connected(visitor)
    conversation_id, bot = await ask_bot(visitor, "Berapa lama pengembalian dana?")
    assert "3 sampai 7 hari kerja" in bot["text"]
    await visitor.send_json_to({"type": "bot", "message": bot["id"], "answered": True})
    for _ in range(50):
        conversation = await Conversation.objects.aget(pk=conversation_id)
        if conversation.status == "solved":
            break
        await asyncio.sleep(0.05)
    assert (conversation.status, conversation.assignee_id) == ("solved", None)
    # A question the bot cannot answer is handed to a person (here: nobody online, so it waits).
    await visitor.send_json_to(
        {"type": "message", "client_id": "q2", "text": "Do you sell garden furniture in Bali?"}
    )
    queue = await next_of(visitor, "queue")
    assert queue["position"] == 1
    await visitor.disconnect()


async def test_a_hand_off_tells_the_visitor_who_will_reply(
    cast: Cast, chat_inbox: Inbox, articles: list[Any]
) -> None:
    # Given the bot is on and Alice is online with room for a chat,
    await online(cast.alice)
    await sync_to_async(chat_configure)(chat_inbox, bot=True)
    visitor = visitor_socket()
    await connected(visitor)
    # when the bot cannot answer, the visitor is told at once, in their language, who replies:
    conversation_id, bot = await ask_bot(visitor, "Apakah kalian menjual furnitur taman di Bali?")
    assert bot["handoff"] is True
    assert "article" not in bot
    assert "Alice" in bot["text"]
    assert "akan membalas" in bot["text"]
    conversation = await Conversation.objects.aget(pk=conversation_id)
    assert conversation.assignee_id == cast.alice.pk
    # and the hand-off is one timeline row, not an answer.
    actions = [
        e["action"]
        async for e in conversation.events.filter(kind="bot").values_list("data", flat=True)
    ]
    assert actions == ["handed_off"]
    await visitor.disconnect()


async def test_a_visitor_handed_off_while_nobody_is_free_hears_so_and_their_place_in_line(
    cast: Cast, chat_inbox: Inbox, articles: list[Any]
) -> None:
    await sync_to_async(chat_configure)(chat_inbox, bot=True)
    visitor = visitor_socket()
    await connected(visitor)
    _conversation_id, bot = await ask_bot(visitor, "Apakah kalian menjual furnitur taman?")
    assert bot["handoff"] is True
    assert "tim kami" in bot["text"]
    assert (await next_of(visitor, "queue"))["position"] == 1
    # Every further message gets the queue note again: never silence.
    await visitor.send_json_to({"type": "message", "client_id": "q2", "text": "Halo?"})
    assert (await next_of(visitor, "queue"))["position"] == 1
    await visitor.disconnect()


async def test_a_message_over_the_limit_is_refused_whole_with_the_limit_never_cut(
    cast: Cast, chat_inbox: Inbox
) -> None:
    visitor = visitor_socket()
    welcome = await connected(visitor)
    assert welcome["max_text"] == 5000
    assert "5000" not in welcome["strings"]["too_long"]
    assert "{count}" in welcome["strings"]["too_long"]
    await visitor.send_json_to({"type": "message", "client_id": "long", "text": "x" * 20_000})
    error = await next_of(visitor, "error")
    assert error == {"type": "error", "error": "too_long", "client_id": "long", "limit": 5000}
    assert await Message.objects.acount() == 0
    # At the limit, the whole text is kept.
    await visitor.send_json_to({"type": "message", "client_id": "ok", "text": "y" * 5000})
    ack = await next_of(visitor, "ack")
    assert len(ack["message"]["text"]) == 5000
    await visitor.disconnect()


async def test_a_visitor_is_told_which_person_took_the_chat(cast: Cast, chat_inbox: Inbox) -> None:
    # Without the bot, a new chat goes straight to Alice: the visitor hears it at once.
    await online(cast.alice)
    visitor = visitor_socket()
    welcome = await connected(visitor)
    assert welcome["strings"]["agent_joined"] == "{name} telah bergabung dalam chat."
    await visitor.send_json_to({"type": "message", "client_id": "c1", "text": "Halo, ada orang?"})
    joined = await next_of(visitor, "agent")
    assert joined == {"type": "agent", "name": "Alice Agent"}
    await visitor.disconnect()


async def test_a_channel_layer_that_is_away_does_not_drop_the_visitor(
    cast: Cast, chat_inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()

    async def away(group: str, message: dict[str, Any]) -> None:
        raise ConnectionError("Redis is restarting")

    visitor = visitor_socket()
    await connected(visitor)
    monkeypatch.setattr(layer, "group_send", away)
    # The message is stored and acknowledged; the fan-out to other tabs is what fails,
    await visitor.send_json_to({"type": "message", "client_id": "c1", "text": "Halo?"})
    assert (await next_of(visitor, "ack"))["message"]["text"] == "Halo?"
    # and the socket is still open.
    await visitor.send_json_to({"type": "ping"})
    assert (await next_of(visitor, "pong"))["type"] == "pong"
    await visitor.disconnect()
