"""The Telegram channel from the outside: Telegram's webhook calls in, the Bot API (a real HTTP
server on loopback speaking its contract) out."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from layan.channels.telegram.config import webhook_secret
from layan.channels.telegram.services import link_signature
from layan.conversations import delivery
from layan.conversations.models import Conversation, ConversationEvent, Message
from layan.conversations.services import reply_send
from layan.customers.models import Customer, Identity
from layan.inboxes.models import InboundRaw, Inbox
from layan.inboxes.secrets import is_sealed
from layan.inboxes.services import inbox_create
from layan.testing.fixtures import client_for
from layan.testing.personas import Cast
from layan.testing.provider import Answer, FakeProvider
from layan.wiring.background import run_once

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "123456789:AAF0fake-token-for-tests_abcdefghij"
SEND = f"/bot{TOKEN}/sendMessage"


@pytest.fixture
def inbox(cast: Cast, api: FakeProvider) -> Inbox:
    return inbox_create(
        workspace=cast.workspace,
        kind="telegram",
        name="Telegram",
        config={
            "bot_token": TOKEN,
            "bot_username": "TokoTestBot",
            "api_base": api.url,
            "link_secret": "shared-with-the-shop",
        },
    )


def update(
    update_id: int, text: str = "Halo, pesanan saya belum sampai", **message: Any
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id * 10,
            "from": {
                "id": 5550001,
                "is_bot": False,
                "first_name": "Budi",
                "last_name": "Santoso",
                "username": "budis",
                "language_code": "id",
            },
            "chat": {"id": 5550001, "type": "private", "first_name": "Budi"},
            "date": 1_765_000_000 + update_id,
            "text": text,
            **message,
        },
    }


def post(inbox: Inbox, body: dict[str, Any] | bytes, *, secret: str | None = None) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Client().post(
        f"/hooks/telegram/{inbox.pk}/",
        data=data,
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret or webhook_secret(inbox.pk)},
    )


def test_the_bot_token_is_sealed(inbox: Inbox) -> None:
    assert is_sealed(inbox.config["bot_token"])
    assert TOKEN not in json.dumps(inbox.config)


def test_a_message_becomes_a_conversation_once_however_often_telegram_retries(
    inbox: Inbox,
) -> None:
    started = time.perf_counter()
    assert post(inbox, update(1)).status_code == 200
    assert time.perf_counter() - started < 5  # answered before processing (the worker does it)
    assert post(inbox, update(1)).status_code == 200  # Telegram retried
    run_once()

    message = Message.objects.get(inbox=inbox)
    assert message.text == "Halo, pesanan saya belum sampai"
    assert message.external_id == "tg:5550001:10"
    assert message.conversation.language == "id"
    customer = message.conversation.customer
    assert customer.name == "Budi Santoso"
    assert Identity.objects.filter(customer=customer, kind="telegram", address="5550001").exists()
    assert InboundRaw.objects.filter(inbox=inbox).count() == 1

    # The next message continues the same conversation.
    post(inbox, update(2, "Nomor pesanan TK-1042"))
    run_once()
    assert Conversation.objects.get().messages.count() == 2


def test_a_wrong_secret_is_refused_and_nothing_is_stored(inbox: Inbox) -> None:
    assert post(inbox, update(1), secret="guessed").status_code == 403
    assert (
        Client()
        .post(f"/hooks/telegram/{inbox.pk}/", data=b"{}", content_type="application/json")
        .status_code
        == 403
    )
    assert not InboundRaw.objects.exists()


def test_groups_and_other_updates_are_kept_but_not_conversations(inbox: Inbox) -> None:
    group = update(3)
    group["message"]["chat"] = {"id": -100200, "type": "supergroup", "title": "Fans"}
    post(inbox, group)
    post(inbox, {"update_id": 4, "my_chat_member": {"chat": {"id": 1}}})
    post(inbox, b"{not json")
    run_once()
    statuses = sorted(InboundRaw.objects.values_list("status", flat=True))
    assert statuses == ["failed", "ignored", "ignored"]
    assert not Conversation.objects.exists()


def reply_to_budi(inbox: Inbox, cast: Cast, text: str = "Pesanan Anda sedang dikirim.") -> Message:
    post(inbox, update(1))
    run_once()
    conversation = Conversation.objects.get()
    return reply_send(conversation=conversation, agent=cast.alice, text=text)


def test_an_agents_reply_goes_out_through_the_bot_api_signed(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    api.answer("POST", SEND, {"ok": True, "result": {"message_id": 77, "chat": {"id": 5550001}}})
    reply = reply_to_budi(inbox, cast)
    run_once()

    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.SENT
    assert reply.external_id == "tg:5550001:77"
    [call] = api.calls_to(SEND)
    assert call.json["chat_id"] == 5550001
    assert call.json["text"].startswith("Pesanan Anda sedang dikirim.")
    assert "Alice" in call.json["text"]  # signed by the person who wrote it


def test_a_long_reply_is_sent_in_parts(inbox: Inbox, cast: Cast, api: FakeProvider) -> None:
    api.answer("POST", SEND, {"ok": True, "result": {"message_id": 78}})
    reply_to_budi(inbox, cast, text=("Baris panjang. " * 40 + "\n") * 12)
    run_once()
    parts = [call.json["text"] for call in api.calls_to(SEND)]
    assert len(parts) == 2
    assert all(len(part) <= 4096 for part in parts)


def test_a_blocked_bot_fails_at_once_and_tells_the_agent_why(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    api.answer(
        "POST",
        SEND,
        Answer(
            {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            },
            403,
        ),
    )
    reply = reply_to_budi(inbox, cast)
    run_once()
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.FAILED
    assert reply.delivery_error.startswith("[blocked]")
    assert ConversationEvent.objects.filter(kind=ConversationEvent.Kind.DELIVERY_FAILED).exists()
    page = client_for(cast.alice).get(f"/desk/conversations/{reply.conversation.number}/")
    assert "blocked this account" in page.content.decode()


def test_rate_limits_are_retried_after_the_wait_telegram_asks_for(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    api.answer(
        "POST",
        SEND,
        Answer(
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 120",
                "parameters": {"retry_after": 120},
            },
            429,
        ),
        {"ok": True, "result": {"message_id": 79}},
    )
    reply = reply_to_budi(inbox, cast)
    run_once()
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.QUEUED
    assert reply.delivery_error.startswith("[rate_limited]")
    assert reply.delivery_due_at is not None
    assert (reply.delivery_due_at - reply.created_at).total_seconds() >= 115
    assert delivery.message_deliver(message_id=reply.pk) == Message.Delivery.SENT


def test_a_signed_in_shop_customer_is_recognised_from_the_sign_in_link(
    inbox: Inbox, cast: Cast
) -> None:
    shop_customer = Customer.objects.create(workspace=cast.workspace, name="Budi S.")
    Identity.objects.create(
        workspace=cast.workspace, customer=shop_customer, kind="email", address="budi@example.com"
    )
    expires = int(time.time()) + 600
    signature = link_signature(
        "shared-with-the-shop", email="budi@example.com", name="Budi", expires=expires
    )
    response = Client().get(
        f"/telegram/{inbox.pk}/start/",
        {
            "email": "budi@example.com",
            "name": "Budi",
            "expires": str(expires),
            "signature": signature,
        },
    )
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.netloc, location.path) == ("t.me", "/TokoTestBot")
    token = parse_qs(location.query)["start"][0]
    assert len(token) <= 64

    post(inbox, update(1, f"/start {token}"))
    run_once()
    conversation = Conversation.objects.get()
    assert conversation.customer_id == shop_customer.pk
    kinds = set(shop_customer.identities.values_list("kind", flat=True))
    assert kinds == {"email", "telegram"}

    # A forged link opens the bot without recognising anyone.
    forged = Client().get(
        f"/telegram/{inbox.pk}/start/",
        {"email": "boss@example.com", "name": "", "expires": str(expires), "signature": "0" * 64},
    )
    assert forged["Location"] == "https://t.me/TokoTestBot"


def test_an_admin_connects_the_bot(inbox: Inbox, cast: Cast, api: FakeProvider) -> None:
    api.answer(
        "POST",
        f"/bot{TOKEN}/getMe",
        {"ok": True, "result": {"id": 123456789, "is_bot": True, "username": "TokoTestBot"}},
    )
    api.answer("POST", f"/bot{TOKEN}/setWebhook", {"ok": True, "result": True})
    response = client_for(cast.iris).post(f"/telegram/{inbox.pk}/connect/", follow=True)
    assert "Connected" in response.content.decode()
    [hook] = api.calls_to(f"/bot{TOKEN}/setWebhook")
    assert hook.json["url"].endswith(f"/hooks/telegram/{inbox.pk}/")
    assert hook.json["secret_token"] == webhook_secret(inbox.pk)


def test_a_photo_is_downloaded_after_the_message_into_a_private_attachment(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    api.answer(
        "POST",
        f"/bot{TOKEN}/getFile",
        Answer({"ok": False, "error_code": 502, "description": "Bad Gateway"}, 502),
        {
            "ok": True,
            "result": {"file_id": "AgAD-big", "file_size": 9, "file_path": "photos/f1.jpg"},
        },
    )
    api.answer(
        "GET",
        f"/file/bot{TOKEN}/photos/f1.jpg",
        Answer(content=b"\xff\xd8jpeg!\xff\xd9", content_type="image/jpeg"),
    )
    photo = [
        {"file_id": "AgAD-small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 2},
        {"file_id": "AgAD-big", "file_unique_id": "b", "width": 800, "height": 800, "file_size": 9},
    ]
    post(inbox, update(5, "", photo=photo, caption="Barangnya rusak"))
    run_once()

    message = Message.objects.get(inbox=inbox)
    assert message.text == "Barangnya rusak"
    [item] = message.headers["media"]
    assert item["file_id"] == "AgAD-big"  # the largest size of the photo
    assert "state" not in item  # Telegram's server failed: tried again later
    assert not message.attachments.exists()

    from layan.conversations.media import media_fetch

    assert media_fetch(message_id=message.pk) == "done"
    attachment = message.attachments.get()
    assert (attachment.filename, attachment.content_type) == ("photo.jpg", "image/jpeg")
    assert attachment.file.read() == b"\xff\xd8jpeg!\xff\xd9"
    assert media_fetch(message_id=message.pk) == "done"  # never twice
    assert message.attachments.count() == 1
    page = client_for(cast.alice).get(f"/desk/conversations/{message.conversation.number}/")
    assert "photo.jpg" in page.content.decode()


def test_programs_and_files_over_the_limit_are_not_kept(inbox: Inbox, api: FakeProvider) -> None:
    document = {"file_id": "BQAD", "file_name": "invoice.pdf.exe", "file_size": 4096}
    post(inbox, update(6, "", document=document))
    run_once()
    message = Message.objects.get(inbox=inbox)
    assert message.headers["media"][0]["state"] == "refused"
    assert api.calls_to(f"/bot{TOKEN}/getFile") == []
    assert not message.attachments.exists()


def test_a_reply_with_files_sends_each_part_once_even_when_one_fails(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    from layan.conversations.delivery import message_deliver
    from layan.inboxes.types import InboundAttachment

    api.answer("POST", SEND, {"ok": True, "result": {"message_id": 80}})
    api.answer("POST", f"/bot{TOKEN}/sendPhoto", {"ok": True, "result": {"message_id": 81}})
    api.answer(
        "POST",
        f"/bot{TOKEN}/sendDocument",
        Answer({"ok": False, "error_code": 502, "description": "Bad Gateway"}, 502),
        {"ok": True, "result": {"message_id": 82}},
    )
    post(inbox, update(1))
    run_once()
    reply = reply_send(
        conversation=Conversation.objects.get(),
        agent=cast.alice,
        text="Ini fotonya dan fakturnya.",
        attachments=[
            InboundAttachment("paket.jpg", "image/jpeg", b"\xff\xd8photo"),
            InboundAttachment("faktur Mei.pdf", "application/pdf", b"%PDF-1.4 faktur"),
        ],
    )
    run_once()
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.QUEUED  # the document failed: tried again later
    assert message_deliver(message_id=reply.pk) == Message.Delivery.SENT

    assert len(api.calls_to(SEND)) == 1  # the text and the photo went once
    [photo] = api.calls_to(f"/bot{TOKEN}/sendPhoto")
    assert photo.headers["Content-Type"].startswith("multipart/form-data")
    assert b'filename="paket.jpg"' in photo.body
    assert b"\xff\xd8photo" in photo.body
    documents = api.calls_to(f"/bot{TOKEN}/sendDocument")
    assert len(documents) == 2
    assert b"faktur Mei.pdf" in documents[-1].body
    reply.refresh_from_db()
    assert reply.external_id == "tg:5550001:80"
