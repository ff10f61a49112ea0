"""A channel the shop does not staff: messages are kept, not queued, and the customer is told
once a day, in their language, where and when the shop does answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from layan.accounts.models import ContactChannel
from layan.channels.instagram.tests.test_instagram import ACCOUNT, SECRET, SEND, call, dm, post
from layan.conversations.inbound import inbound_ingest
from layan.conversations.models import Conversation, ConversationEvent, Message
from layan.conversations.selectors import InboxFilters, inbox_page
from layan.inboxes.models import Inbox
from layan.inboxes.services import inbox_create, inbox_update
from layan.testing.fixtures import client_for
from layan.testing.mail import customer_email
from layan.testing.personas import Cast
from layan.testing.provider import FakeProvider
from layan.wiring.background import run_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop_channels(cast: Cast) -> None:
    ContactChannel.objects.create(
        workspace=cast.workspace, kind="whatsapp", value="+62 812 0000 1111"
    )
    ContactChannel.objects.create(workspace=cast.workspace, kind="email", value="help@toko.example")


@pytest.fixture
def instagram_inbox(cast: Cast, api: FakeProvider) -> Inbox:
    return inbox_create(
        workspace=cast.workspace, kind="instagram", name="Instagram lama",
        config={"account_id": ACCOUNT, "access_token": "IGAA-token", "app_secret": SECRET,
                "verify_token": "x", "graph_base": api.url},
    )  # fmt: skip


def redirect_only(inbox: Inbox) -> Inbox:
    return inbox_update(
        inbox=inbox, name=inbox.name, address=inbox.address, config=inbox.config,
        team=inbox.team, is_active=True, redirect_only=True,
    )  # fmt: skip


def ingest(inbox: Inbox, **fields: Any) -> Conversation:
    result = inbound_ingest(inbox=inbox, payload=customer_email(**fields), source="test")
    return Conversation.objects.get(pk=result.conversation_id or 0)


def test_an_email_to_an_unstaffed_address_is_kept_and_redirected_once_a_day(
    cast: Cast, email_inbox: Inbox, shop_channels: None
) -> None:
    redirect_only(email_inbox)
    mail.outbox = []
    first = ingest(
        email_inbox, subject="Pesanan saya", sender="Budi <budi@example.com>",
        text="Halo kak, paket saya belum sampai sampai sekarang.",
    )  # fmt: skip
    # Kept, closed as it was stored: in no queue, nothing for an agent to do.
    assert first.status == Conversation.Status.CLOSED
    assert first.waiting_since is None
    for view in ("open", "unassigned", "unanswered", "mine"):
        page = inbox_page(agent=cast.alice, filters=InboxFilters(view=view), page=1)
        assert first.pk not in [item.pk for item in page.object_list]
    run_once()
    # One mail to the customer: the redirect, and no acknowledgement beside it.
    [reply] = [m for m in mail.outbox if m.to == ["budi@example.com"]]
    body = reply.body
    # In the customer's language, with where and when the shop answers; no acknowledgement.
    assert "tidak menjawab pesan di sini" in body
    assert "WhatsApp: +62 812 0000 1111 (https://wa.me/6281200001111)" in body
    assert "help@toko.example" in body
    assert "Jam layanan" in body
    sent = Message.objects.get(conversation=first, direction=Message.Direction.OUTBOUND)
    assert (sent.author_kind, sent.author_agent_id) == (Message.Author.SYSTEM, None)
    assert sent.headers["redirect"] is True
    assert list(first.events.filter(kind="redirected").values_list("data__replied", flat=True)) == [
        None,
        True,
    ]

    # The same customer again the same day: kept, not answered a second time.
    mail.outbox = []
    second = ingest(
        email_inbox, subject="Halo?", text="Kok belum dibalas?", sender="budi@example.com"
    )
    run_once()
    assert Conversation.objects.get(pk=second.pk).status == Conversation.Status.CLOSED
    assert mail.outbox == []
    # A day later they are told again.
    ConversationEvent.objects.filter(kind="redirected").update(
        created_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=1, minutes=1)
    )
    ingest(email_inbox, subject="Masih ada?", text="Halo lagi.", sender="budi@example.com")
    run_once()
    assert len([m for m in mail.outbox if m.to == ["budi@example.com"]]) == 1


def test_an_instagram_account_nobody_reads_redirects_in_chinese(
    cast: Cast,
    instagram_inbox: Inbox,
    api: FakeProvider,
    shop_channels: None,
) -> None:
    api.answer("POST", SEND, {"message_id": "m_redirect"})
    redirect_only(instagram_inbox)
    post(instagram_inbox, call(messaging=[dm("m_1", "你好，请问这件衣服还有货吗？")]))
    run_once()
    conversation = Conversation.objects.get()
    assert conversation.status == Conversation.Status.CLOSED
    [sent] = api.calls_to(SEND)
    text = sent.json["message"]["text"]
    assert "不在这里回复消息" in text
    assert "WhatsApp: +62 812 0000 1111" in text
    # The shop's own Instagram is not offered as a way to reach it (it is where they wrote).
    assert "Instagram" not in text
    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert (reply.delivery, reply.external_id) == (Message.Delivery.SENT, "m_redirect")


def test_only_channels_that_answer_by_themselves_may_redirect(
    cast: Cast, chat_inbox: Inbox
) -> None:
    # A live chat needs a person or the bot; the shop's own form is switched off instead.
    with pytest.raises(ValidationError):
        redirect_only(chat_inbox)
    iris = client_for(cast.iris)
    chat_page = iris.get(f"/desk/settings/inboxes/{chat_inbox.pk}/").content.decode()
    assert 'name="redirect_only"' not in chat_page
    response = iris.post(
        "/desk/settings/inboxes/new/",
        {
            "kind": "email", "name": "Old address", "address": "lama@toko.example",
            "is_active": "on", "redirect_only": "on", "imap_port": "993", "imap_security": "ssl",
            "imap_folder": "INBOX", "poll_seconds": "60", "smtp_port": "587",
            "smtp_security": "starttls",
        },
    )  # fmt: skip
    assert response.status_code == 302
    inbox = Inbox.objects.get(address="lama@toko.example")
    assert inbox.redirect_only
    page = iris.get(f"/desk/settings/inboxes/{inbox.pk}/").content.decode()
    before, after = page.split('name="redirect_only"', 1)
    field = before.rsplit("<input", 1)[1] + after.split(">", 1)[0]
    assert "checked" in field
