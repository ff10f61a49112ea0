"""Instagram from the outside: Meta's signed webhook calls in (direct messages, comments,
reads, story mentions), the Graph API (a real HTTP server on loopback) out."""

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
from layan.inboxes.models import InboundRaw, Inbox
from layan.inboxes.services import inbox_create
from layan.testing.fixtures import client_for
from layan.testing.personas import Cast
from layan.testing.provider import Answer, FakeProvider
from layan.wiring.background import run_once

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "ig-app-secret"
ACCOUNT = "17841400000000001"
CUSTOMER = "1122334455667788"
SEND = f"/v23.0/{ACCOUNT}/messages"


@pytest.fixture
def inbox(cast: Cast, api: FakeProvider) -> Inbox:
    return inbox_create(
        workspace=cast.workspace,
        kind="instagram",
        name="Instagram",
        config={
            "account_id": ACCOUNT,
            "access_token": "IGAA-test-token",
            "app_secret": SECRET,
            "verify_token": "es-teh",
            "graph_base": api.url,
        },
    )


def call(
    *,
    messaging: list[dict[str, Any]] | None = None,
    changes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "object": "instagram",
        "entry": [
            {
                "id": ACCOUNT,
                "time": 1765000000,
                "messaging": messaging or [],
                "changes": changes or [],
            }
        ],
    }


def dm(mid: str, text: str, **message: Any) -> dict[str, Any]:
    return {
        "sender": {"id": CUSTOMER},
        "recipient": {"id": ACCOUNT},
        "timestamp": 1765000000000,
        "message": {"mid": mid, "text": text, **message},
    }


def comment(comment_id: str, text: str) -> dict[str, Any]:
    return {
        "field": "comments",
        "value": {
            "id": comment_id,
            "text": text,
            "from": {"id": CUSTOMER, "username": "rina.shop"},
            "media": {"id": "18000000000000001", "media_product_type": "FEED"},
        },
    }


def post(inbox: Inbox, body: dict[str, Any] | bytes, *, secret: str = SECRET) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
    return Client().post(
        f"/hooks/instagram/{inbox.pk}/",
        data=data,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )


def test_meta_checks_the_address_and_bad_signatures_are_refused(inbox: Inbox) -> None:
    url = f"/hooks/instagram/{inbox.pk}/"
    ok = Client().get(
        url, {"hub.mode": "subscribe", "hub.verify_token": "es-teh", "hub.challenge": "77"}
    )
    assert ok.content == b"77"
    assert post(inbox, call(messaging=[dm("m_1", "Halo")]), secret="x").status_code == 403
    assert not InboundRaw.objects.exists()


def test_a_direct_message_is_answered_and_later_tagged_as_a_person(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    api.answer("POST", SEND, {"recipient_id": CUSTOMER, "message_id": "m_out1"})
    body = call(messaging=[dm("m_1", "Kak, ready ukuran M?")])
    post(inbox, body)
    post(inbox, body)  # Meta retried
    run_once()
    conversation = Conversation.objects.get()
    reply = reply_send(conversation=conversation, agent=cast.alice, text="Ready, Kak!")
    run_once()
    reply.refresh_from_db()
    assert (reply.delivery, reply.external_id) == (Message.Delivery.SENT, "m_out1")
    [sent] = api.calls_to(SEND)
    assert sent.json["recipient"] == {"id": CUSTOMER}
    assert "tag" not in sent.json

    # Read by the customer.
    post(
        inbox,
        call(
            messaging=[
                {
                    "sender": {"id": CUSTOMER},
                    "recipient": {"id": ACCOUNT},
                    "timestamp": 1,
                    "read": {"mid": "m_out1"},
                }
            ]
        ),
    )
    run_once()
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.READ

    # Two days later a person may still answer, with Meta's HUMAN_AGENT tag; after 7, nobody.
    Message.objects.filter(external_id="m_1").update(
        created_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=2)
    )
    reply_send(conversation=conversation, agent=cast.alice, text="Masih mau, Kak?")
    run_once()
    assert api.calls_to(SEND)[-1].json["tag"] == "HUMAN_AGENT"
    Message.objects.filter(external_id="m_1").update(
        created_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=8)
    )
    late = reply_send(conversation=conversation, agent=cast.alice, text="Halo?")
    run_once()
    late.refresh_from_db()
    assert late.delivery_error.startswith("[meta_window]")


def test_a_comment_is_a_public_conversation_answered_publicly_or_privately(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    api.answer("POST", "/v23.0/17900000000000001/replies", {"id": "17900000000000099"})
    api.answer("POST", SEND, {"recipient_id": CUSTOMER, "message_id": "m_private"})
    post(inbox, call(changes=[comment("17900000000000001", "Harganya berapa kak?")]))
    run_once()
    conversation = Conversation.objects.get()
    client = client_for(cast.alice)
    page = client.get(f"/desk/conversations/{conversation.number}/").content.decode()
    assert 'data-public-comment-composer="17900000000000001"' in page
    assert "@rina.shop" in page

    public = reply_send(conversation=conversation, agent=cast.alice, text="Rp 150.000, Kak.")
    run_once()
    public.refresh_from_db()
    assert public.delivery == Message.Delivery.SENT
    [under_comment] = api.calls_to("/v23.0/17900000000000001/replies")
    assert under_comment.json["message"].startswith("Rp 150.000, Kak.")

    client.post(
        f"/desk/conversations/{conversation.number}/private-reply/",
        {"text": "Kak, ukuran apa yang dicari?"},
    )
    run_once()
    [private] = api.calls_to(SEND)
    assert private.json["recipient"] == {"comment_id": "17900000000000001"}
    assert private.json["message"]["text"].startswith("Kak, ukuran apa yang dicari?")
    assert Message.objects.get(external_id="m_private").headers["private"] is True


def test_a_story_mention_keeps_the_story(inbox: Inbox, api: FakeProvider) -> None:
    api.answer(
        "GET", "/cdn/story1.jpg", Answer(content=b"\xff\xd8story", content_type="image/jpeg")
    )
    post(
        inbox,
        call(
            messaging=[
                dm(
                    "m_story",
                    "",
                    attachments=[
                        {"type": "story_mention", "payload": {"url": f"{api.url}/cdn/story1.jpg"}}
                    ],
                )
            ]
        ),
    )
    run_once()
    message = Message.objects.get(external_id="m_story")
    assert message.attachments.get().file.read() == b"\xff\xd8story"
    assert message.headers["story_mention"].endswith("/cdn/story1.jpg")


def test_echoes_and_unknown_calls_are_kept_not_conversations(inbox: Inbox) -> None:
    echo = dm("m_echo", "from the shop's phone", is_echo=True)
    post(inbox, call(messaging=[echo]))
    post(inbox, b'{"object": "instagram", "entry": 3}')
    run_once()
    assert sorted(InboundRaw.objects.values_list("status", flat=True)) == ["failed", "ignored"]
    assert not Conversation.objects.exists()
