"""New requests are acknowledged honestly: number, hours, reply-by time, maybe an answer."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from layan.accounts.models import Workspace
from layan.conversations.models import Conversation
from layan.core.worker import run_tasks_now
from layan.inboxes.livechat import services as chat
from layan.inboxes.models import Inbox
from layan.inboxes.services import inbound_ingest, inbox_create
from layan.testing.mail import INBOX_ADDRESS, customer_email
from layan.testing.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)

# Saturday 21 November 2026, 10:00 in Jakarta: support (Mon-Fri 9-17) is closed.
SATURDAY = "2026-11-21T03:00:00+00:00"


def ingest(inbox: Inbox, **fields: Any) -> Conversation:
    result = inbound_ingest(inbox=inbox, payload=customer_email(**fields), source="test")
    assert result.conversation_id is not None
    return Conversation.objects.get(pk=result.conversation_id)


def acknowledgements(to: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [to]]


def test_an_emailed_request_is_acknowledged_once_with_hours_and_the_reply_time(
    cast: Cast, email_inbox: Inbox
) -> None:
    mail.outbox = []
    with time_machine.travel(SATURDAY, tick=False):
        conversation = ingest(email_inbox, subject="Broken zipper", message_id="<zip@example.com>")
        run_tasks_now()
        run_tasks_now()
    [ack] = acknowledgements("carl@example.com")
    assert ack.subject == f"We got your message: Broken zipper [#{conversation.number}]"
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    assert ack.extra_headers["In-Reply-To"] == "<zip@example.com>"
    assert ack.from_email == f"Toko Test <{INBOX_ADDRESS}>"
    body = str(ack.body)
    assert f"Its number is #{conversation.number}" in body
    # Closed for the weekend: Monday 09:00 plus the two-hour promise.
    assert "will reply by Monday 23 November, 11:00" in body
    assert "Monday: 09:00–17:00" in body
    assert f"[ref:{conversation.reply_token}]" in body
    assert conversation.events.filter(kind="acknowledged").count() == 1


def test_the_acknowledgement_carries_an_answer_the_bot_is_sure_of_in_the_customers_language(
    cast: Cast, email_inbox: Inbox, articles: list[Any]
) -> None:
    mail.outbox = []
    ingest(
        email_inbox,
        sender="Budi <budi@example.com>",
        subject="Berapa lama pengembalian dana?",
        text="Kapan uang saya kembali? Terima kasih.",
    )
    run_tasks_now()
    [ack] = acknowledgements("budi@example.com")
    body = str(ack.body)
    assert ack.subject.startswith("Pesan Anda sudah kami terima")
    assert "Dana kembali ke rekening Anda dalam 3 sampai 7 hari kerja." in body
    assert "/id/articles/" in body


def test_automatic_mail_and_chats_are_not_acknowledged_and_it_can_be_switched_off(
    cast: Cast, email_inbox: Inbox, chat_inbox: Inbox
) -> None:
    mail.outbox = []
    ingest(
        email_inbox,
        sender="shop@partner.example",
        subject="Out of office",
        headers={"Auto-Submitted": "auto-replied"},
    )
    chat.chat_receive(inbox=chat_inbox, key="v1", client_id="m1", text="hello?", meta={})
    Workspace.objects.filter(pk=cast.workspace.pk).update(acknowledge_requests=False)
    ingest(email_inbox, sender="dian@example.com", subject="Hello")
    run_tasks_now()
    assert mail.outbox == []


def test_a_contact_form_request_is_acknowledged_too(cast: Cast) -> None:
    inbox_create(workspace=cast.workspace, kind="webform", name="Contact form")
    mail.outbox = []
    Client().post(
        "/contact/send/",
        {"name": "Dewi", "email": "dewi@example.com", "message": "Do you ship to Makassar?",
         "form_id": "f1"},
    )  # fmt: skip
    run_tasks_now()
    [ack] = acknowledgements("dewi@example.com")
    assert "Hello Dewi," in str(ack.body)
