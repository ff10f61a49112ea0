"""Live chat through the services: a visitor's messages, routing, the queue, identity, replies."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layan.accounts import services as accounts
from layan.accounts.models import Skill, User
from layan.channels.livechat import services as chat
from layan.channels.livechat.adapter import ChatAdapter
from layan.channels.livechat.config import ChatConfig
from layan.conversations.inbound import inbound_ingest
from layan.conversations.models import Conversation, Message
from layan.conversations.services import Changes, conversation_update, next_numbers, reply_send
from layan.core import events
from layan.core.worker import run_tasks_now
from layan.customers.models import Identity
from layan.inboxes.models import InboundRaw, Inbox
from layan.inboxes.selectors import active_inbox
from layan.realtime import presence
from layan.testing.chat import chat_configure
from layan.testing.concurrency import all_at_once
from layan.testing.mail import customer_email
from layan.testing.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def online(*agents: User) -> None:
    for agent in agents:
        accounts.agent_set_availability(
            agent=agent, availability="online", source="login", actor=agent
        )


def say(
    inbox: Inbox, key: str, text: str, client_id: str = "", present: bool = True
) -> chat.ChatReceived:
    """A visitor's message from the widget (`present` False: one left as a message, the
    visitor gone since)."""
    received = chat.chat_receive(
        inbox=inbox,
        key=key,
        client_id=client_id or f"c-{abs(hash(text))}",
        text=text,
        meta={"page_url": "https://shop.example/cart"},
    )
    if present:
        presence.visitor_present(conversation_ids=[received.conversation_id])
    return received


def test_the_adapter_reads_a_widget_message_and_refuses_broken_ones() -> None:
    adapter = ChatAdapter()
    payload = {"visitor": "v1", "client_id": "m1", "text": "Ongkir ke Surabaya berapa?"}
    inbound = adapter.parse_inbound(json.dumps(payload).encode())
    assert (inbound.external_id, inbound.identity_kind, inbound.sender_address) == (
        "chat:v1:m1",
        "visitor",
        "v1",
    )
    assert inbound.subject == "Ongkir ke Surabaya berapa?"
    assert inbound.continues_latest is True
    for broken in (
        b"not json",
        b"[1, 2]",
        json.dumps({"visitor": "v1", "text": "no client id"}).encode(),
        json.dumps({"visitor": "v1", "client_id": "m1", "text": "  "}).encode(),
        json.dumps({"visitor": "v", "client_id": "m", "files": [{"data": "@@"}]}).encode(),
    ):
        with pytest.raises(ValueError, match=r"chat message|file"):
            adapter.parse_inbound(broken)


def test_chat_settings_are_validated() -> None:
    config = ChatConfig.from_dict(
        {"allowed_origins": "https://Shop.example/, http://127.0.0.1:8001", "prechat": "optional"}
    )
    assert config.allowed_origins == ["https://shop.example", "http://127.0.0.1:8001"]
    with pytest.raises(ValidationError):
        ChatConfig.from_dict({"allowed_origins": ["shop.example"]})
    with pytest.raises(ValidationError):
        ChatConfig.from_dict({"prechat": "sometimes"})
    with pytest.raises(ValidationError):
        ChatConfig.from_dict({"colour": "red"})


def test_a_visitor_message_opens_a_chat_routed_to_the_online_agent(
    cast: Cast, chat_inbox: Inbox
) -> None:
    # Given Alice is online and Olga is away,
    online(cast.alice)
    accounts.agent_set_availability(
        agent=cast.olga, availability="away", source="manual", actor=cast.olga
    )
    # when a visitor writes,
    received = say(chat_inbox, "visitor-1", "Is the red dress in stock?", "m1")
    # then a conversation is open, assigned to Alice, with the visitor as its customer.
    conversation = Conversation.objects.select_related("customer").get(pk=received.conversation_id)
    assert conversation.assignee_id == cast.alice.pk
    assert conversation.subject == "Is the red dress in stock?"
    identity = Identity.objects.get(customer=conversation.customer)
    assert (identity.kind, identity.address) == ("visitor", "visitor-1")
    assert received.message["author"] == "visitor"
    assert received.message["client_id"] == "m1"
    # The same message again (a resend after a reconnect) is the same message;
    again = say(chat_inbox, "visitor-1", "Is the red dress in stock?", "m1")
    assert again.message["id"] == received.message["id"]
    # and the next one continues the chat.
    follow_up = say(chat_inbox, "visitor-1", "Size M please", "m2")
    assert follow_up.conversation_id == conversation.pk
    assert Message.objects.filter(conversation=conversation).count() == 2
    first = Message.objects.filter(conversation=conversation).order_by("id").first()
    assert first is not None
    assert first.headers["page_url"] == "https://shop.example/cart"


def test_a_message_in_an_open_chat_is_four_statements_and_a_resend_from_another_page_is_one(
    cast: Cast, chat_inbox: Inbox
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    online(cast.alice)
    say(chat_inbox, "visitor-1", "Is the red dress in stock?", "m1")

    def statements(client_id: str, page: str) -> tuple[chat.ChatReceived, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            received = chat.chat_receive(
                inbox=chat_inbox, key="visitor-1", client_id=client_id, text="Size M please",
                meta={"page_url": page},
            )  # fmt: skip
        sql = [query["sql"].split()[0] for query in captured.captured_queries]
        return received, [word for word in sql if word not in {"BEGIN", "COMMIT"}]

    received, sql = statements("m2", "https://shop.example/cart")
    # The raw row; the chat found and counted in one statement; the message; the raw row's outcome.
    assert sql == ["INSERT", "UPDATE", "INSERT", "UPDATE"]
    # Resent after a reconnect from another page: other bytes, the same message.
    again, _sql = statements("m2", "https://shop.example/checkout")
    assert again.message["id"] == received.message["id"]
    assert Message.objects.filter(conversation_id=received.conversation_id).count() == 2


_dispatch = events.dispatch


def _chat_script(
    inbox: Inbox, key: str, alice: User, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """One visitor's chat, written at fixed times; what it left in the database and the events
    it published, with the visitor's ids taken out so two visitors' chats compare."""
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    raws_before = InboundRaw.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    dispatched: list[events.Event] = []

    def recorded(event: events.Event) -> None:
        dispatched.append(event)
        _dispatch(event)

    monkeypatch.setattr(events, "dispatch", recorded)

    def at(second: int, text: str, client_id: str, **meta: str) -> chat.ChatReceived:
        with time_machine.travel(start + dt.timedelta(seconds=second), tick=False):
            return chat.chat_receive(
                inbox=inbox, key=key, client_id=client_id, text=text,
                meta={"page_url": "https://shop.example/cart", **meta},
            )  # fmt: skip

    first = at(0, "Is the red dress in stock?", "m1")
    at(5, "Size M please", "m2")
    at(6, "Size M please", "m2", page_url="https://shop.example/checkout")  # resent, new page
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        conversation_update(
            conversation=Conversation.objects.get(pk=first.conversation_id),
            actor=alice,
            changes=Changes(status="pending"),
        )
    at(60, "Still there?", "m3")  # reopens the chat
    at(61, "My name is Carl", "m4", name="Carl")  # the customer learns a name
    at(62, "Thanks!", "m5", name="Carl")
    conversation = Conversation.objects.get(pk=first.conversation_id)
    ignored = {"id", "number", "customer", "reply_token"}
    message_ids = list(conversation.messages.order_by("id").values_list("id", flat=True))
    ours = {
        "conversation": conversation.pk,
        "number": conversation.number,
        "workspace": inbox.workspace_id,
    }

    def same(name: str, value: Any) -> Any:
        if name == "message":
            return message_ids.index(value)
        return "ours" if ours.get(name) == value else value

    published = [
        (event.name, same("workspace", event.workspace_id),
         {name: same(name, value) for name, value in event.payload.items()})
        for event in dispatched
        if event.payload.get("conversation") == conversation.pk
    ]  # fmt: skip
    return {
        "conversation": {
            field.name: getattr(conversation, field.attname)
            for field in Conversation._meta.concrete_fields
            if field.name not in ignored
        },
        "customer": (conversation.customer.name, conversation.customer.language),
        "messages": [
            (
                m.text,
                m.full_text,
                m.external_id.replace(key, "KEY"),
                m.sender.replace(key, "KEY"),
                m.headers,
                m.direction,
                m.author_kind,
                m.created_at,
            )
            for m in conversation.messages.order_by("id")
        ],
        "events": [
            (e.kind, e.data, e.actor_id, e.created_at) for e in conversation.events.order_by("id")
        ],
        "published": published,
        "raws": sorted(
            (raw.status, raw.attempts, raw.error, raw.conversation_id == conversation.pk)
            for raw in InboundRaw.objects.filter(pk__gt=raws_before)
        ),
    }


def test_the_quick_path_for_open_chats_writes_what_the_full_path_writes(
    cast: Cast, chat_inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from layan.conversations import inbound

    User.objects.filter(pk=cast.alice.pk).update(chat_limit=10)
    online(cast.alice)
    # Conversation numbers unlike any row's id, so a number read as an id shows.
    next_numbers(chat_inbox.workspace_id, 500)
    quick = inbound._receive_quick
    taken: list[bool] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        result = quick(*args, **kwargs)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(inbound, "_receive_quick", counted)
    with_quick = _chat_script(chat_inbox, "visitor-quick", cast.alice, monkeypatch)
    # Taken for "Size M please" and "Thanks!"; not for the first message (no chat yet), the
    # resend (seen before), the reopening message, or the one that names the customer.
    assert taken == [False, True, False, False, False, True]
    monkeypatch.setattr(inbound, "_receive_quick", lambda *args, **kwargs: None)
    without = _chat_script(chat_inbox, "visitor-full", cast.alice, monkeypatch)
    assert with_quick == without
    assert with_quick["conversation"]["status"] == Conversation.Status.OPEN
    assert with_quick["conversation"]["message_count"] == 5
    assert with_quick["conversation"]["preview"] == "Thanks!"
    assert with_quick["customer"] == ("Carl", "en")
    assert [kind for kind, *_rest in with_quick["events"]][-1] == "status"
    assert (
        with_quick["published"].count(
            (
                "message.created",
                "ours",
                {"conversation": "ours", "number": "ours", "message": 4, "channel": "chat"},
            )
        )
        == 1
    )


def test_messages_into_one_chat_from_several_connections_at_once_are_each_counted_once(
    cast: Cast, chat_inbox: Inbox
) -> None:
    online(cast.alice)
    first = say(chat_inbox, "visitor-1", "Is the red dress in stock?", "m0")

    def visitor(tab: int) -> None:
        for n in range(5):
            say(chat_inbox, "visitor-1", f"Tab {tab}, message {n}", f"t{tab}-{n}")

    def agent(_tab: int) -> None:
        # Meanwhile the agent marks the chat pending: the next message reopens it (the full
        # path), the others continue it (the quick path).
        conversation_update(
            conversation=Conversation.objects.get(pk=first.conversation_id),
            actor=cast.alice,
            changes=Changes(status="pending"),
        )

    all_at_once(lambda tab: agent(tab) if tab < 0 else visitor(tab), [0, 1, 2, -1])

    conversation = Conversation.objects.get(pk=first.conversation_id)
    assert Message.objects.filter(inbox=chat_inbox).count() == 16
    assert Conversation.objects.filter(inbox=chat_inbox).count() == 1
    assert conversation.message_count == 16
    # Pending, or open again if a message came after the agent's change: the timeline says which.
    last_change = conversation.events.filter(kind="status").latest("id")
    assert conversation.status == last_change.data["to"]
    assert conversation.status in {"open", "pending"}
    assert set(InboundRaw.objects.values_list("status", "conversation_id")) == {
        ("processed", conversation.pk)
    }


def test_chats_beyond_the_agents_limit_wait_in_the_queue_and_are_handed_out_in_order(
    cast: Cast, chat_inbox: Inbox
) -> None:
    User.objects.filter(pk=cast.alice.pk).update(chat_limit=1)
    online(cast.alice)
    first = say(chat_inbox, "v-a", "Where is my order?")
    second = say(chat_inbox, "v-b", "Do you ship to Medan?")
    third = say(chat_inbox, "v-c", "我要退款")
    assert Conversation.objects.get(pk=first.conversation_id).assignee_id == cast.alice.pk
    assert Conversation.objects.get(pk=second.conversation_id).assignee_id is None
    queued = chat.chat_queue_state(conversation_id=third.conversation_id)
    assert queued == chat.QueueState(position=2, wait_minutes=None)
    # When Alice solves her chat, the oldest waiting chat is hers.
    conversation_update(
        conversation=Conversation.objects.get(pk=first.conversation_id),
        actor=cast.alice,
        changes=Changes(status="solved"),
    )
    assert Conversation.objects.get(pk=second.conversation_id).assignee_id == cast.alice.pk
    assert Conversation.objects.get(pk=third.conversation_id).assignee_id is None
    assert chat.chat_queue_state(conversation_id=third.conversation_id) == chat.QueueState(
        position=1, wait_minutes=None
    )
    # When Olga comes online, the last one is hers.
    online(cast.olga)
    assert Conversation.objects.get(pk=third.conversation_id).assignee_id == cast.olga.pk
    assert chat.chat_queue_state(conversation_id=third.conversation_id) is None


def test_away_agents_get_no_new_chats(cast: Cast, chat_inbox: Inbox) -> None:
    accounts.agent_set_availability(
        agent=cast.alice, availability="away", source="manual", actor=cast.alice
    )
    received = say(chat_inbox, "v-1", "Hello?")
    assert Conversation.objects.get(pk=received.conversation_id).assignee_id is None


def test_the_wait_estimate_is_only_given_when_recent_chats_back_it(
    cast: Cast, chat_inbox: Inbox
) -> None:
    online(cast.alice)
    User.objects.filter(pk=cast.alice.pk).update(chat_limit=0)
    now = timezone.now()
    # Ten recent chats answered after 1..10 minutes: four in five within 8 minutes.
    for minutes in range(1, 11):
        received = say(chat_inbox, f"old-{minutes}", f"question {minutes}")
        Conversation.objects.filter(pk=received.conversation_id).update(
            first_customer_message_at=now - dt.timedelta(hours=1),
            first_agent_reply_at=now - dt.timedelta(hours=1) + dt.timedelta(minutes=minutes),
            status="solved",
            waiting_since=None,
        )
    waiting = say(chat_inbox, "new", "I need help")
    assert chat.chat_queue_state(conversation_id=waiting.conversation_id) == chat.QueueState(
        position=1, wait_minutes=8
    )


def test_an_email_given_in_the_widget_links_the_visitor_to_the_known_customer(
    cast: Cast, chat_inbox: Inbox, email_inbox: Inbox
) -> None:
    # Given Budi wrote by email before,
    inbound_ingest(
        inbox=email_inbox,
        payload=customer_email(sender="Budi <budi@example.com>", subject="Invoice"),
        source="test",
    )
    budi = Identity.objects.get(kind="email", address="budi@example.com").customer
    # when a visitor chats and then gives Budi's address,
    received = say(chat_inbox, "v-budi", "Hi, it's me again")
    chat.visitor_identify(inbox=chat_inbox, key="v-budi", name="Budi", email="Budi@example.com")
    # then the chat belongs to Budi, beside his email conversation;
    conversation = Conversation.objects.get(pk=received.conversation_id)
    assert conversation.customer_id == budi.pk
    assert budi.conversations.count() == 2
    # but the widget of whoever typed that address shows only its own chats.
    say(chat_inbox, "v-budi", "Still there?")
    assert chat.visitor_conversations(inbox=chat_inbox, key="someone-else").count() == 0
    stranger = say(chat_inbox, "v-stranger", "hello")
    chat.visitor_identify(inbox=chat_inbox, key="v-stranger", email="budi@example.com")
    seen = chat.chat_messages(inbox=chat_inbox, key="v-stranger")
    assert [m["conversation"] for m in seen] == [stranger.conversation_id]
    with pytest.raises(chat.ChatError):
        chat.visitor_identify(inbox=chat_inbox, key="v-x", email="not-an-address")


def test_a_chat_reply_is_pushed_unsigned_and_emailed_to_a_visitor_who_left(
    cast: Cast, chat_inbox: Inbox, email_inbox: Inbox
) -> None:
    mail.outbox = []
    received = say(chat_inbox, "v-sari", "Can I change my address?", present=False)
    chat.visitor_identify(inbox=chat_inbox, key="v-sari", name="Sari", email="sari@example.com")
    conversation = Conversation.objects.get(pk=received.conversation_id)
    # The visitor's widget is closed (nobody present), so the reply also goes by email.
    reply = reply_send(conversation=conversation, agent=cast.alice, text="Yes, send it to me.")
    reply.refresh_from_db()
    assert reply.text == "Yes, send it to me."
    assert reply.delivery == Message.Delivery.SENT
    run_tasks_now()
    [sent] = mail.outbox
    assert sent.to == ["sari@example.com"]
    assert sent.extra_headers["Message-ID"] == f"<{reply.external_id}>"
    assert "Yes, send it to me." in str(sent.body)
    # Sari answers the email: it lands in the same conversation.
    inbound_ingest(
        inbox=email_inbox,
        payload=customer_email(
            sender="sari@example.com",
            subject="Re: Can I change my address?",
            text="Jalan Melati 5, Bandung",
            in_reply_to=f"<{reply.external_id}>",
        ),
        source="test",
    )
    assert conversation.messages.filter(text__startswith="Jalan Melati").exists()
    # A visitor still on the page gets the push only.
    mail.outbox = []
    presence.visitor_present(conversation_ids=[conversation.pk])
    reply_send(conversation=conversation, agent=cast.alice, text="Done!")
    run_tasks_now()
    assert mail.outbox == []


def test_offline_the_visitor_is_told_when_to_expect_a_reply(cast: Cast, chat_inbox: Inbox) -> None:
    from layan.sla import hours
    from layan.testing.personas import set_hours

    # Office hours Monday to Friday 9-17 (Jakarta), a two-hour reply promise, nobody online.
    set_hours(
        cast.workspace,
        [hours.Interval(weekday=day, opens=dt.time(9), closes=dt.time(17)) for day in range(5)],
    )
    saturday = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)
    with CaptureQueriesContext(connection) as reads:
        state = chat.chat_state(inbox=chat_inbox, now=saturday)
    # Asked on every page view with the widget: the hours (with their intervals and holidays)
    # are read once for both answers; closed, nobody online needs counting.
    assert len(reads.captured_queries) == 3
    # Every later page view takes them from the cache.
    with CaptureQueriesContext(connection) as again:
        chat.chat_state(inbox=chat_inbox, now=saturday)
    assert len(again.captured_queries) == 0
    assert state.online is False
    assert state.hours_open is False
    # Monday 09:00 Jakarta = 02:00 UTC, plus two hours of opening time.
    assert state.reply_by == dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.UTC)
    # Open hours with an online agent: chat now.
    online(cast.alice)
    monday_ten = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
    assert chat.chat_state(inbox=chat_inbox, now=monday_ten) == chat.ChatState(
        online=True, reply_by=None, hours_open=True
    )
    # Changed hours show at once: the next socket reads its inbox and workspace afresh.
    set_hours(cast.workspace, [])
    fresh = active_inbox(kind=Inbox.Kind.CHAT, workspace_slug=cast.workspace.slug)
    assert fresh is not None
    assert chat.chat_state(inbox=fresh, now=saturday) == chat.ChatState(
        online=True, reply_by=None, hours_open=None
    )


def test_a_solved_chat_emails_its_transcript_once_to_a_visitor_with_an_address(
    cast: Cast, chat_inbox: Inbox, email_inbox: Inbox
) -> None:
    online(cast.alice)
    received = say(chat_inbox, "v-rina", "Bisa tukar ukuran?")
    chat.visitor_identify(inbox=chat_inbox, key="v-rina", name="Rina", email="rina@example.id")
    conversation = Conversation.objects.get(pk=received.conversation_id)
    presence.visitor_present(conversation_ids=[conversation.pk])  # still on the page
    reply_send(conversation=conversation, agent=cast.alice, text="Bisa, kirim saja ya.")
    run_tasks_now()
    mail.outbox = []

    def solve() -> None:
        conversation_update(
            conversation=conversation, actor=cast.alice, changes=Changes(status="solved")
        )
        run_tasks_now()

    solve()
    [sent] = mail.outbox
    assert sent.to == ["rina@example.id"]
    assert "Bisa tukar ukuran?" in str(sent.body)
    assert "Bisa, kirim saja ya." in str(sent.body)
    assert conversation.events.filter(kind="transcript").count() == 1
    # Reopened and solved again with nothing new said: not sent twice.
    conversation_update(conversation=conversation, actor=cast.alice, changes=Changes(status="open"))
    solve()
    assert len(mail.outbox) == 1
    # Reopened, the chat goes on and is solved again: the new transcript goes out.
    conversation_update(conversation=conversation, actor=cast.alice, changes=Changes(status="open"))
    say(chat_inbox, "v-rina", "Satu lagi: ongkirnya?")
    reply_send(conversation=conversation, agent=cast.alice, text="Gratis.")
    solve()
    assert len(mail.outbox) == 2
    # Turned off in the inbox's settings, or a visitor without an address: no mail.
    chat_configure(chat_inbox, transcript_on_solve=False)
    conversation_update(conversation=conversation, actor=cast.alice, changes=Changes(status="open"))
    say(chat_inbox, "v-rina", "Terima kasih")
    reply_send(conversation=conversation, agent=cast.alice, text="Sama-sama")
    solve()
    anonymous = say(chat_inbox, "v-anon", "halo")
    chat_configure(chat_inbox, transcript_on_solve=True)
    other = Conversation.objects.get(pk=anonymous.conversation_id)
    reply_send(conversation=other, agent=cast.alice, text="Halo!")
    conversation_update(conversation=other, actor=cast.alice, changes=Changes(status="solved"))
    run_tasks_now()
    assert len(mail.outbox) == 2


def test_a_visitor_sending_file_after_file_is_told_to_wait(
    cast: Cast, chat_inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from layan.channels.livechat.services import visitor_token_issue

    monkeypatch.setattr(chat, "UPLOADS_PER_WINDOW", 2)
    token, _key = visitor_token_issue(inbox=chat_inbox)
    other, _other_key = visitor_token_issue(inbox=chat_inbox)

    def send(visitor: str, number: int) -> Any:
        photo = SimpleUploadedFile("p.png", b"\x89PNG fake", content_type="image/png")
        return Client().post(
            "/chat/toko-test/upload/",
            {"token": visitor, "client_id": f"u{number}", "file": photo},
            HTTP_ACCEPT_LANGUAGE="id",
        )

    assert [send(token, n).status_code for n in range(3)] == [200, 200, 429]
    refused = send(token, 9)
    assert refused.status_code == 429
    assert "Mohon tunggu" in refused.json()["error"]
    # Nothing refused was stored, and another visitor may still send.
    assert send(other, 1).status_code == 200
    assert Message.objects.count() == 3


def test_files_upload_from_the_shop_and_are_served_to_the_widget(
    cast: Cast, chat_inbox: Inbox
) -> None:
    from layan.channels.livechat.services import visitor_token_issue

    chat_configure(chat_inbox, allowed_origins=["https://shop.example"])
    token, _key = visitor_token_issue(inbox=chat_inbox)
    client = Client(headers={"Origin": "https://shop.example"})
    photo = SimpleUploadedFile("rusak.png", b"\x89PNG\r\n\x1a\nfake", content_type="image/png")
    response = client.post(
        "/chat/toko-test/upload/",
        {"token": token, "client_id": "f1", "file": photo, "text": "barangnya rusak"},
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://shop.example"
    message = response.json()["message"]
    assert message["text"] == "barangnya rusak"
    [file] = message["files"]
    assert file["name"] == "rusak.png"
    served = Client().get(file["url"])
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"\x89PNG\r\n\x1a\nfake"  # type: ignore[attr-defined]
    assert Client().get(file["url"][:-3] + "xx/").status_code == 404
    # A bad token, a foreign site, no file: clear errors, nothing stored.
    assert (
        client.post("/chat/toko-test/upload/", {"token": "x", "client_id": "f2"}).status_code == 400
    )
    evil = Client(headers={"Origin": "https://evil.example"})
    assert evil.post("/chat/toko-test/upload/", {"token": token}).status_code == 403
    # Layan's own preview page may always upload, whatever sites the inbox lists.
    own = Client(headers={"Origin": "http://127.0.0.1:8000"})
    receipt = SimpleUploadedFile("nota.pdf", b"%PDF-1.4 nota", content_type="application/pdf")
    response = own.post(
        "/chat/toko-test/upload/", {"token": token, "client_id": "f3", "file": receipt}
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "http://127.0.0.1:8000"
    assert Message.objects.count() == 2
    script = Client().get("/widget.js")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("text/javascript")


def test_an_admin_sets_up_the_chat_and_gets_the_code_to_embed(cast: Cast) -> None:
    from layan.testing.fixtures import client_for

    iris = client_for(cast.iris)
    response = iris.post(
        "/desk/settings/inboxes/new/",
        {
            "kind": "chat", "name": "Website chat", "is_active": "on",
            "chat_allowed_origins": "https://Toko.example/\nhttp://127.0.0.1:8001",
            "chat_prechat": "required", "chat_greeting": "Halo! Ada yang bisa dibantu?",
            "chat_transcript": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302
    inbox = Inbox.objects.get(kind="chat")
    assert inbox.config == {
        "allowed_origins": ["https://toko.example", "http://127.0.0.1:8001"],
        "prechat": "required",
        "greeting": "Halo! Ada yang bisa dibantu?",
        "bot": False,
        "transcript_on_solve": True,
    }
    page = iris.get(f"/desk/settings/inboxes/{inbox.pk}/").content.decode()
    assert 'data-workspace="toko-test"' in page
    assert "/widget.js" in page
    # A bad site address is refused with a clear message.
    response = iris.post(
        f"/desk/settings/inboxes/{inbox.pk}/",
        {
            "name": "Website chat", "is_active": "on", "chat_allowed_origins": "toko.example",
            "chat_prechat": "off",
        },
    )  # fmt: skip
    assert "is not a web address" in response.content.decode()
    preview = Client().get("/chat/toko-test/preview/")
    assert preview.status_code == 200
    assert b'data-workspace="toko-test"' in preview.content
    assert Client().get("/chat/nobody/preview/").status_code == 404


def test_a_chat_goes_to_an_agent_who_writes_its_language(cast: Cast, chat_inbox: Inbox) -> None:
    # Given Alice (no Chinese) has been idle longest and Olga writes Chinese,
    chinese = Skill.objects.get(workspace=cast.workspace, kind="language", code="zh-hans")
    cast.olga.skills.add(chinese)
    online(cast.alice, cast.olga)
    # a Chinese chat goes to Olga, though Alice would be next by load,
    received = say(chat_inbox, "v-zh", "我的订单什么时候到？")
    assert Conversation.objects.get(pk=received.conversation_id).language == "zh-hans"
    assert Conversation.objects.get(pk=received.conversation_id).assignee_id == cast.olga.pk
    # and an English one to the least loaded, Alice.
    received = say(chat_inbox, "v-en", "Where is my order? It has been a week.")
    assert Conversation.objects.get(pk=received.conversation_id).assignee_id == cast.alice.pk


def test_chats_whose_visitor_left_do_not_count_against_the_chat_limit(
    cast: Cast, chat_inbox: Inbox
) -> None:
    # Given two "leave a message" chats handed to Alice when she came online,
    User.objects.filter(pk=cast.alice.pk).update(chat_limit=1)
    left = [say(chat_inbox, f"v-{n}", f"Message {n} for later", present=False) for n in (1, 2)]
    online(cast.alice)
    assert {Conversation.objects.get(pk=r.conversation_id).assignee_id for r in left} == {
        cast.alice.pk
    }
    # a live chat still goes to her at once: her one chat slot is for visitors who are there.
    live = say(chat_inbox, "v-live", "Halo, ada orang?")
    assert Conversation.objects.get(pk=live.conversation_id).assignee_id == cast.alice.pk
    # Her next live chat waits: the limit holds for live chats.
    waiting = say(chat_inbox, "v-next", "Halo?")
    assert Conversation.objects.get(pk=waiting.conversation_id).assignee_id is None
