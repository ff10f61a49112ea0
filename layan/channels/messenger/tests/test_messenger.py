"""Facebook Messenger from the outside: Meta's signed Page webhook calls in (direct messages,
buttons pressed, comments on the Page's posts), the Graph API (a real HTTP server on loopback)
out."""

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
from layan.customers.models import Identity
from layan.inboxes.models import InboundRaw, Inbox
from layan.inboxes.services import inbox_create
from layan.inboxes.types import InboundAttachment
from layan.testing.fixtures import client_for
from layan.testing.personas import Cast
from layan.testing.provider import Answer, FakeProvider
from layan.wiring.background import run_once

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "fb-app-secret"
PAGE = "104000000000001"
CUSTOMER = "6543210987654321"
SEND = f"/v23.0/{PAGE}/messages"


@pytest.fixture
def inbox(cast: Cast, api: FakeProvider) -> Inbox:
    return inbox_create(
        workspace=cast.workspace,
        kind="messenger",
        name="Facebook",
        config={
            "page_id": PAGE,
            "access_token": "EAAG-page-token",
            "app_secret": SECRET,
            "verify_token": "kopi-susu",
            "graph_base": api.url,
        },
    )


def call(
    *, messaging: list[dict[str, Any]] | None = None, changes: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    entry = {"id": PAGE, "time": 1765000000, "messaging": messaging or []}
    if changes:
        entry["changes"] = changes
    return {"object": "page", "entry": [entry]}


def dm(mid: str, text: str = "", **message: Any) -> dict[str, Any]:
    return {
        "sender": {"id": CUSTOMER},
        "recipient": {"id": PAGE},
        "timestamp": 1765000000000,
        "message": {"mid": mid, **({"text": text} if text else {}), **message},
    }


def feed_comment(
    comment_id: str, text: str, *, author: str = CUSTOMER, verb: str = "add"
) -> dict[str, Any]:
    return {
        "field": "feed",
        "value": {
            "item": "comment",
            "verb": verb,
            "comment_id": comment_id,
            "post_id": f"{PAGE}_900000000000001",
            "from": {"id": author, "name": "Rina Wijaya"},
            "message": text,
            "created_time": 1765000000,
        },
    }


def post(inbox: Inbox, body: dict[str, Any] | bytes, *, secret: str = SECRET) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
    return Client().post(
        f"/hooks/messenger/{inbox.pk}/",
        data=data,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )


def test_meta_checks_the_address_and_bad_signatures_are_refused(inbox: Inbox) -> None:
    url = f"/hooks/messenger/{inbox.pk}/"
    ok = Client().get(
        url, {"hub.mode": "subscribe", "hub.verify_token": "kopi-susu", "hub.challenge": "91"}
    )
    assert ok.content == b"91"
    wrong = Client().get(
        url, {"hub.mode": "subscribe", "hub.verify_token": "teh", "hub.challenge": "91"}
    )
    assert wrong.status_code == 403
    assert post(inbox, call(messaging=[dm("m_1", "Halo")]), secret="x").status_code == 403
    assert not InboundRaw.objects.exists()


def test_a_direct_message_is_answered_with_text_and_a_photo_then_tagged_as_a_person(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    api.answer(
        "POST",
        SEND,
        {"recipient_id": CUSTOMER, "message_id": "m_out_text"},
        {"recipient_id": CUSTOMER, "message_id": "m_out_photo"},
        {"recipient_id": CUSTOMER, "message_id": "m_out_later"},
    )
    body = call(messaging=[dm("m_1", "Kak, sepatu ini ada ukuran 40?")])
    post(inbox, body)
    post(inbox, body)  # Meta retried
    run_once()
    conversation = Conversation.objects.get()
    assert conversation.messages.count() == 1
    assert Identity.objects.filter(kind="messenger", address=CUSTOMER).exists()

    reply = reply_send(
        conversation=conversation,
        agent=cast.alice,
        text="Ada, Kak. Ini fotonya.",
        attachments=[InboundAttachment("sepatu.jpg", "image/jpeg", b"\xff\xd8sepatu")],
    )
    run_once()
    reply.refresh_from_db()
    assert (reply.delivery, reply.external_id) == (Message.Delivery.SENT, "m_out_text")
    text, photo = api.calls_to(SEND)
    assert text.json["recipient"] == {"id": CUSTOMER}
    assert text.json["messaging_type"] == "RESPONSE"
    assert text.json["message"]["text"].startswith("Ada, Kak. Ini fotonya.")
    assert photo.headers["Authorization"] == "Bearer EAAG-page-token"
    assert b'"type": "image"' in photo.body
    assert b'name="filedata"; filename="sepatu.jpg"' in photo.body
    assert b"\xff\xd8sepatu" in photo.body

    # Two days later a person may still answer, with Meta's HUMAN_AGENT tag; after 7, nobody.
    Message.objects.filter(external_id="m_1").update(
        created_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=2)
    )
    reply_send(conversation=conversation, agent=cast.alice, text="Jadi order, Kak?")
    run_once()
    later = api.calls_to(SEND)[-1].json
    assert (later["messaging_type"], later["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
    Message.objects.filter(external_id="m_1").update(
        created_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=8)
    )
    late = reply_send(conversation=conversation, agent=cast.alice, text="Halo?")
    run_once()
    late.refresh_from_db()
    assert late.delivery == Message.Delivery.FAILED
    assert late.delivery_error.startswith("[meta_window]")


def test_a_button_pressed_a_photo_and_a_reaction_continue_the_conversation(
    inbox: Inbox, api: FakeProvider
) -> None:
    api.answer("GET", "/cdn/photo1.jpg", Answer(content=b"\xff\xd8foto", content_type="image/jpeg"))
    post(inbox, call(messaging=[dm("m_1", "Halo")]))
    postback = {
        "sender": {"id": CUSTOMER},
        "recipient": {"id": PAGE},
        "timestamp": 1765000001000,
        "postback": {"mid": "m_pb1", "title": "Lacak pesanan", "payload": "TRACK_ORDER"},
    }
    photo = dm(
        "m_2", attachments=[{"type": "image", "payload": {"url": f"{api.url}/cdn/photo1.jpg"}}]
    )
    reaction = {
        "sender": {"id": CUSTOMER},
        "recipient": {"id": PAGE},
        "timestamp": 1765000002000,
        "reaction": {"mid": "m_out9", "action": "react", "emoji": "❤"},
    }
    watermark_read = {
        "sender": {"id": CUSTOMER},
        "recipient": {"id": PAGE},
        "timestamp": 1765000003000,
        "read": {"watermark": 1765000002500},
    }
    post(inbox, call(messaging=[postback, photo, reaction, watermark_read]))
    run_once()
    conversation = Conversation.objects.get()
    texts = list(conversation.messages.order_by("id").values_list("text", flat=True))
    assert texts == ["Halo", "Lacak pesanan", "", "❤"]
    pressed = Message.objects.get(external_id="fb-postback:m_pb1")
    assert pressed.headers["postback"] == "TRACK_ORDER"
    assert Message.objects.get(external_id="m_2").attachments.get().file.read() == b"\xff\xd8foto"
    assert InboundRaw.objects.filter(status="ignored").count() == 1  # the read watermark


def test_a_page_comment_is_a_public_conversation_answered_publicly_or_privately(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    comment_id = "900000000000001_3000000000000001"
    api.answer("POST", f"/v23.0/{comment_id}/comments", {"id": "900000000000001_3000000000000099"})
    api.answer("POST", SEND, {"recipient_id": CUSTOMER, "message_id": "m_private"})
    post(inbox, call(changes=[feed_comment(comment_id, "Ongkir ke Medan berapa min?")]))
    # The Page's own comment and an edited comment are not conversations.
    post(inbox, call(changes=[feed_comment("900000000000001_301", "Terima kasih!", author=PAGE)]))
    post(inbox, call(changes=[feed_comment(comment_id, "Ongkir ke Medan?", verb="edited")]))
    run_once()
    conversation = Conversation.objects.get()
    assert conversation.customer.name == "Rina Wijaya"
    client = client_for(cast.alice)
    page = client.get(f"/desk/conversations/{conversation.number}/").content.decode()
    assert f'data-public-comment-composer="{comment_id}"' in page
    assert "Rina Wijaya" in page

    public = reply_send(conversation=conversation, agent=cast.alice, text="Rp 25.000, Kak.")
    run_once()
    public.refresh_from_db()
    assert public.delivery == Message.Delivery.SENT
    [under_comment] = api.calls_to(f"/v23.0/{comment_id}/comments")
    assert under_comment.json["message"].startswith("Rp 25.000, Kak.")

    client.post(
        f"/desk/conversations/{conversation.number}/private-reply/",
        {"text": "Kak, boleh kirim alamat lengkapnya?"},
    )
    run_once()
    [private] = api.calls_to(SEND)
    assert private.json["recipient"] == {"comment_id": comment_id}
    assert Message.objects.get(external_id="m_private").headers["private"] is True
    assert sorted(InboundRaw.objects.values_list("status", flat=True)) == [
        "ignored",
        "ignored",
        "processed",
    ]


def test_a_private_reply_is_refused_where_the_channel_has_none(
    inbox: Inbox, cast: Cast, email_inbox: Inbox
) -> None:
    from layan.conversations.inbound import inbound_ingest
    from layan.testing.mail import customer_email

    result = inbound_ingest(inbox=email_inbox, payload=customer_email(), source="test")
    number = Conversation.objects.get(pk=result.conversation_id or 0).number
    response = client_for(cast.alice).post(
        f"/desk/conversations/{number}/private-reply/", {"text": "Hi"}
    )
    assert response.status_code == 404


def test_echoes_and_unknown_calls_are_kept_not_conversations(inbox: Inbox) -> None:
    post(inbox, call(messaging=[dm("m_echo", "from the Page's inbox", is_echo=True)]))
    post(inbox, b'{"object": "page", "entry": 3}')
    post(inbox, b'{"object": "instagram", "entry": []}')
    run_once()
    assert sorted(InboundRaw.objects.values_list("status", flat=True)) == [
        "failed",
        "failed",
        "ignored",
    ]
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Facebook Page ID"), ("id", "ID Halaman Facebook"), ("zh-hans", "Facebook 主页 ID")],
)
def test_an_admin_connects_a_page_in_their_language_and_no_secret_is_shown(
    cast: Cast, language: str, label: str
) -> None:
    from layan.accounts.models import User

    User.objects.filter(pk=cast.iris.pk).update(language=language)
    iris = client_for(User.objects.get(pk=cast.iris.pk))
    response = iris.post(
        "/desk/settings/inboxes/new/",
        {
            "kind": "messenger", "name": "Facebook Toko", "is_active": "on",
            "page_id": PAGE, "access_token": "EAAG-secret-page-token",
            "app_secret": "fb-secret-123", "verify_token": "kopi-susu",
        },
    )  # fmt: skip
    assert response.status_code == 302
    inbox = Inbox.objects.get(kind="messenger")
    html = iris.get(f"/desk/settings/inboxes/{inbox.pk}/").content.decode()
    assert label in html
    assert f"/hooks/messenger/{inbox.pk}/" in html
    for secret in ("EAAG-secret-page-token", "fb-secret-123", "kopi-susu"):
        assert secret not in html
        assert secret not in json.dumps(Inbox.objects.get(pk=inbox.pk).config)
    # Saved again unchanged (the secrets' fields left empty): the same secrets are kept.
    before = Inbox.objects.get(pk=inbox.pk).config
    iris.post(
        f"/desk/settings/inboxes/{inbox.pk}/",
        {"name": "Facebook Toko", "is_active": "on", "page_id": PAGE},
    )
    assert Inbox.objects.get(pk=inbox.pk).config == before


def test_a_customer_who_writes_privately_is_named_from_their_profile(
    inbox: Inbox, api: FakeProvider
) -> None:
    api.answer(
        "GET",
        f"/v23.0/{CUSTOMER}",
        {"first_name": "Siti", "last_name": "Rahma", "id": CUSTOMER},
    )
    post(inbox, call(messaging=[dm("m_1", "Halo kak")]))
    run_once()
    conversation = Conversation.objects.get()
    assert conversation.customer.name == "Siti Rahma"
    [asked] = api.calls_to(f"/v23.0/{CUSTOMER}")
    assert asked.query["fields"] == ["first_name,last_name"]
    assert asked.headers["Authorization"] == "Bearer EAAG-page-token"
    # A name an agent gave is never replaced; a refusal leaves the customer as they are.
    from layan.conversations.meta import customer_name_fetch

    assert customer_name_fetch(conversation_id=conversation.pk) == "named already"
    conversation.customer.name = ""
    conversation.customer.save()
    api.answer("GET", f"/v23.0/{CUSTOMER}", Answer({"error": {"code": 100}}, 400))
    assert customer_name_fetch(conversation_id=conversation.pk) == "refused"
    conversation.customer.refresh_from_db()
    assert conversation.customer.name == ""
