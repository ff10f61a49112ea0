"""The WhatsApp channel from the outside: Meta's signed webhook calls in, the Cloud API (a real
HTTP server on loopback speaking its contract) out."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pytest
from django.test import Client

from layan.conversations.models import Conversation, Message
from layan.conversations.services import reply_send
from layan.customers.models import Customer, Identity
from layan.inboxes.models import InboundRaw, Inbox
from layan.inboxes.services import inbox_create
from layan.testing.fixtures import client_for
from layan.testing.personas import Cast
from layan.testing.provider import Answer, FakeProvider
from layan.wiring.background import run_once

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "app-secret-for-tests"
NUMBER_ID = "106540352242922"
SEND = f"/v23.0/{NUMBER_ID}/messages"


@pytest.fixture
def inbox(cast: Cast, api: FakeProvider) -> Inbox:
    return inbox_create(
        workspace=cast.workspace,
        kind="whatsapp",
        name="WhatsApp",
        address="+62 812 0000 1111",
        config={
            "phone_number_id": NUMBER_ID,
            "business_account_id": "102290129340398",
            "access_token": "EAAJB-test-token",
            "app_secret": SECRET,
            "verify_token": "kopi-susu",
            "graph_base": api.url,
        },
    )


def webhook(*values: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "6281200001111",
                                "phone_number_id": NUMBER_ID,
                            },
                            **value,
                        },
                    }
                    for value in values
                ],
            }
        ],
    }


def text_message(
    wamid: str, text: str, *, sender: str = "6281234567890", **extra: Any
) -> dict[str, Any]:
    return {
        "contacts": [{"profile": {"name": "Siti Rahma"}, "wa_id": sender}],
        "messages": [
            {
                "from": sender,
                "id": wamid,
                "timestamp": "1765000000",
                "type": "text",
                "text": {"body": text},
                **extra,
            }
        ],
    }


def status(wamid: str, state: str, **extra: Any) -> dict[str, Any]:
    return {
        "statuses": [
            {
                "id": wamid,
                "status": state,
                "timestamp": "1765000100",
                "recipient_id": "6281234567890",
                **extra,
            }
        ]
    }


def post(inbox: Inbox, body: dict[str, Any] | bytes, *, secret: str = SECRET) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
    return Client().post(
        f"/hooks/whatsapp/{inbox.pk}/",
        data=data,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )


def test_meta_verifies_the_callback_address(inbox: Inbox) -> None:
    url = f"/hooks/whatsapp/{inbox.pk}/"
    ok = Client().get(
        url,
        {"hub.mode": "subscribe", "hub.verify_token": "kopi-susu", "hub.challenge": "1158201444"},
    )
    assert (ok.status_code, ok.content) == (200, b"1158201444")
    wrong = Client().get(
        url, {"hub.mode": "subscribe", "hub.verify_token": "teh", "hub.challenge": "1"}
    )
    assert wrong.status_code == 403


def test_a_badly_signed_call_is_refused_and_nothing_is_stored(inbox: Inbox) -> None:
    assert post(inbox, webhook(text_message("wamid.A", "Halo")), secret="guess").status_code == 403
    assert not InboundRaw.objects.exists()


def test_messages_arrive_once_and_join_the_customer_with_that_phone_number(
    inbox: Inbox, cast: Cast
) -> None:
    caller = Customer.objects.create(workspace=cast.workspace, name="Siti (called us)")
    Identity.objects.create(
        workspace=cast.workspace, customer=caller, kind="phone", address="+6281234567890"
    )
    call = webhook(
        text_message("wamid.A1", "Kak, paket saya belum sampai"),
        {
            **text_message("wamid.A2", ""),
            "messages": [
                {
                    "from": "6281234567890",
                    "id": "wamid.A2",
                    "timestamp": "1765000005",
                    "type": "location",
                    "location": {"latitude": -6.2, "longitude": 106.8, "name": "Rumah"},
                }
            ],
        },
    )
    assert post(inbox, call).status_code == 200
    assert post(inbox, call).status_code == 200  # Meta retried the same call
    run_once()

    conversation = Conversation.objects.get()
    assert conversation.customer_id == caller.pk
    texts = list(conversation.messages.values_list("text", flat=True))
    assert texts[0] == "Kak, paket saya belum sampai"
    assert texts[1].startswith("📍 -6.2, 106.8")
    assert set(caller.identities.values_list("kind", flat=True)) == {"phone", "whatsapp"}
    assert InboundRaw.objects.count() == 2


def test_a_reply_goes_out_and_its_statuses_move_forward_only(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    api.answer(
        "POST",
        SEND,
        {"messaging_product": "whatsapp", "messages": [{"id": "wamid.OUT1"}]},
        {"success": True},
    )
    post(inbox, webhook(text_message("wamid.B1", "Bisa COD?")))
    run_once()
    reply = reply_send(conversation=Conversation.objects.get(), agent=cast.alice, text="Bisa, Kak.")
    run_once()

    reply.refresh_from_db()
    assert (reply.delivery, reply.external_id) == (Message.Delivery.SENT, "wamid.OUT1")
    sent, read_receipt = api.calls_to(SEND)
    assert sent.json["to"] == "6281234567890"
    assert sent.json["text"]["body"].startswith("Bisa, Kak.")
    assert sent.headers["Authorization"] == "Bearer EAAJB-test-token"
    assert read_receipt.json == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.B1",
    }

    # Out of order, and twice: read wins.
    post(inbox, webhook(status("wamid.OUT1", "read")))
    post(inbox, webhook(status("wamid.OUT1", "delivered")))
    post(inbox, webhook(status("wamid.OUT1", "read")))
    run_once()
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.READ


def test_a_failed_status_tells_the_agent_the_window_closed(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    api.answer("POST", SEND, {"messages": [{"id": "wamid.OUT2"}]})
    post(inbox, webhook(text_message("wamid.C1", "Halo")))
    run_once()
    reply = reply_send(conversation=Conversation.objects.get(), agent=cast.alice, text="Halo juga")
    run_once()
    error = {
        "code": 131047,
        "title": "Re-engagement message",
        "error_data": {"details": "Message failed to send because more than 24 hours have passed"},
    }
    post(inbox, webhook(status("wamid.OUT2", "failed", errors=[error])))
    run_once()
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.FAILED
    assert reply.delivery_error.startswith("[window_closed] (131047)")
    page = client_for(cast.alice).get(f"/desk/conversations/{reply.conversation.number}/")
    assert "only an approved template" in page.content.decode()


def test_outside_the_24_hour_window_nothing_is_sent(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    post(inbox, webhook(text_message("wamid.D1", "Halo")))
    run_once()
    Message.objects.filter(external_id="wamid.D1").update(
        created_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=25)
    )
    reply = reply_send(conversation=Conversation.objects.get(), agent=cast.alice, text="Maaf telat")
    run_once()
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.FAILED
    assert reply.delivery_error.startswith("[window_closed]")
    assert api.calls_to(SEND) == []


TEMPLATES = {
    "data": [
        {
            "name": "order_update",
            "language": "id",
            "status": "APPROVED",
            "components": [
                {"type": "HEADER", "format": "TEXT", "text": "Toko Test"},
                {"type": "BODY", "text": "Halo {{1}}, pesanan {{2}} sudah kami kirim."},
            ],
        },
        {
            "name": "promo_draft",
            "language": "id",
            "status": "PENDING",
            "components": [{"type": "BODY", "text": "Diskon!"}],
        },
    ]
}


def test_after_the_window_closes_the_agent_sends_an_approved_template(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    api.answer("GET", "/v23.0/102290129340398/message_templates", TEMPLATES)
    api.answer("POST", SEND, {"messages": [{"id": "wamid.TPL"}]})
    post(inbox, webhook(text_message("wamid.F1", "Halo")))
    run_once()
    conversation = Conversation.objects.get()
    client = client_for(cast.alice)
    page = client.get(f"/desk/conversations/{conversation.number}/").content.decode()
    assert 'data-whatsapp-window="open"' in page
    assert "order_update" not in page  # no templates while free replies are allowed

    Message.objects.filter(external_id="wamid.F1").update(
        created_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=30)
    )
    page = client.get(f"/desk/conversations/{conversation.number}/").content.decode()
    assert 'data-whatsapp-window="closed"' in page
    assert 'data-whatsapp-template="order_update"' in page
    assert "promo_draft" not in page  # not approved

    url = f"/desk/whatsapp/conversations/{conversation.number}/template/"
    form = {"name": "order_update", "language": "id"}
    refused = client.post(url, {**form, "value": ["Siti"]}, follow=True)
    assert "Fill in every value" in refused.content.decode()
    client.post(url, {**form, "value": ["Siti", "TK-1042"]})
    run_once()

    reply = Message.objects.get(direction="out")
    assert reply.text == "Halo Siti, pesanan TK-1042 sudah kami kirim."  # as approved, unsigned
    assert reply.delivery == Message.Delivery.SENT
    [sent] = api.calls_to(SEND)
    assert sent.json["type"] == "template"
    assert sent.json["template"] == {
        "name": "order_update",
        "language": {"code": "id"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "Siti"},
                    {"type": "text", "text": "TK-1042"},
                ],
            }
        ],
    }
    assert len(api.calls_to("/v23.0/102290129340398/message_templates")) == 1  # kept a while


def test_meta_errors_are_retried_or_explained(inbox: Inbox, cast: Cast, api: FakeProvider) -> None:
    api.answer(
        "POST",
        SEND,
        Answer({"error": {"code": 130429, "message": "Rate limit hit"}}, 400),
        Answer({"error": {"code": 190, "message": "Error validating access token"}}, 401),
    )
    post(inbox, webhook(text_message("wamid.E1", "Halo")))
    run_once()
    reply = reply_send(conversation=Conversation.objects.get(), agent=cast.alice, text="Halo")
    run_once()
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.QUEUED  # throttled: tried again later
    from layan.conversations.delivery import message_deliver

    assert message_deliver(message_id=reply.pk) == Message.Delivery.FAILED
    reply.refresh_from_db()
    assert reply.delivery_error.startswith("[credentials]")


def test_an_image_is_downloaded_with_a_fresh_link_each_try(inbox: Inbox, api: FakeProvider) -> None:
    api.answer(
        "GET",
        "/v23.0/1234567890123",
        {"url": f"{api.url}/lookaside/img1", "mime_type": "image/jpeg", "file_size": 5},
    )
    api.answer(
        "GET",
        "/lookaside/img1",
        Answer({"error": "URL signature expired"}, 404),
        Answer(content=b"JPEG!", content_type="image/jpeg"),
    )
    image = {
        **text_message("wamid.IMG", ""),
        "messages": [
            {
                "from": "6281234567890",
                "id": "wamid.IMG",
                "timestamp": "1765000000",
                "type": "image",
                "image": {"id": "1234567890123", "mime_type": "image/jpeg", "caption": "Ini"},
            }
        ],
    }
    post(inbox, webhook(image))
    run_once()
    message = Message.objects.get(external_id="wamid.IMG")
    assert message.text == "Ini"
    assert not message.attachments.exists()  # the first link had expired: asked again later

    from layan.conversations.media import media_fetch

    assert media_fetch(message_id=message.pk) == "done"
    assert message.attachments.get().file.read() == b"JPEG!"
    downloads = api.calls_to("/lookaside/img1")
    assert all(call.headers["Authorization"] == "Bearer EAAJB-test-token" for call in downloads)
    assert len(api.calls_to("/v23.0/1234567890123")) == 2  # a new link for the second try


def test_a_reply_with_a_photo_uploads_it_then_sends_it_by_its_id(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    from layan.inboxes.types import InboundAttachment

    api.answer(
        "POST",
        SEND,
        {"messages": [{"id": "wamid.TXT"}]},
        {"messages": [{"id": "wamid.IMG"}]},
        {"success": True},
    )
    api.answer("POST", f"/v23.0/{NUMBER_ID}/media", {"id": "4490709327384033"})
    post(inbox, webhook(text_message("wamid.G1", "Mana fotonya?")))
    run_once()
    reply = reply_send(
        conversation=Conversation.objects.get(),
        agent=cast.alice,
        text="Ini, Kak.",
        attachments=[InboundAttachment("paket.jpg", "image/jpeg", b"\xff\xd8photo")],
    )
    run_once()
    reply.refresh_from_db()
    assert (reply.delivery, reply.external_id) == (Message.Delivery.SENT, "wamid.TXT")
    [upload] = api.calls_to(f"/v23.0/{NUMBER_ID}/media")
    assert upload.headers["Authorization"] == "Bearer EAAJB-test-token"
    assert b'name="messaging_product"\r\n\r\nwhatsapp' in upload.body
    assert b"\xff\xd8photo" in upload.body
    text, image, _read = api.calls_to(SEND)
    assert text.json["type"] == "text"
    assert image.json["type"] == "image"
    assert image.json["image"] == {"id": "4490709327384033"}


def test_unknown_and_malformed_events_are_kept(inbox: Inbox) -> None:
    post(inbox, webhook({"messages": [{"from": "628111", "id": "wamid.U", "type": "unsupported"}]}))
    post(inbox, b'{"object": "whatsapp_business_account", "entry": "nonsense"}')
    post(inbox, webhook(status("wamid.NOT-OURS", "delivered")))
    run_once()
    assert sorted(InboundRaw.objects.values_list("status", flat=True)) == [
        "failed",
        "ignored",
        "ignored",
    ]


@pytest.mark.parametrize(
    ("language", "label", "never_shown"),
    [
        ("en", "Phone number ID", "EAAJB"),
        ("id", "ID nomor telepon", "EAAJB"),
        ("zh-hans", "电话号码 ID", "EAAJB"),
    ],
)
def test_the_settings_page_speaks_the_admins_language_and_hides_secrets(
    inbox: Inbox, cast: Cast, language: str, label: str, never_shown: str
) -> None:
    from layan.accounts.models import User

    User.objects.filter(pk=cast.iris.pk).update(language=language)
    page = client_for(User.objects.get(pk=cast.iris.pk)).get(f"/desk/settings/inboxes/{inbox.pk}/")
    html = page.content.decode()
    assert label in html
    assert never_shown not in html
    assert f"/hooks/whatsapp/{inbox.pk}/" in html
