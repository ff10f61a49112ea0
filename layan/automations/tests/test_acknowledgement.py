"""New requests are acknowledged honestly: number, hours, reply-by time, maybe an answer."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from layan.accounts.models import Workspace
from layan.answerbot.models import BotSession
from layan.channels.livechat import services as chat
from layan.conversations.inbound import inbound_ingest
from layan.conversations.models import Conversation
from layan.core.timers import fire_all_due
from layan.core.worker import run_tasks_now
from layan.inboxes.models import Inbox
from layan.inboxes.services import inbox_create
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
    assert "will reply by Monday, Nov. 23, 2026, 11:00 (Jakarta time)" in body
    assert "Our support hours (Jakarta time):" in body
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


def _answered_link(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/requests/[^/\s]+/answered/)", body)
    assert found, body
    return found.group(1)


def _refund_request(email_inbox: Inbox, sender: str) -> tuple[Conversation, str]:
    mail.outbox = []
    conversation = ingest(
        email_inbox,
        sender=sender,
        subject="How long does a refund take?",
        text="When do I get my money back?",
    )
    run_tasks_now()
    [ack] = acknowledgements(sender)
    return conversation, _answered_link(str(ack.body))


def test_the_customer_can_say_the_acknowledgements_article_answered_them(
    cast: Cast, email_inbox: Inbox, articles: list[Any]
) -> None:
    conversation, link = _refund_request(email_inbox, "rina@example.com")
    session = BotSession.objects.get(conversation=conversation)
    assert (session.channel, session.outcome) == ("email", BotSession.Outcome.OPEN)
    # Opening the link (as mail scanners do) asks; it changes nothing.
    page = Client().get(link)
    assert "Yes, close my request" in page.content.decode()
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.NEW
    done = Client().post(link, {"answered": "yes"})
    assert "We have closed request" in done.content.decode()
    conversation.refresh_from_db()
    session.refresh_from_db()
    assert conversation.status == Conversation.Status.SOLVED
    assert (session.outcome, session.reason) == (BotSession.Outcome.RESOLVED, "answered")
    assert conversation.events.filter(kind="bot", data__action="resolved").count() == 1
    # The first word counts.
    again = Client().post(link, {"answered": "no"})
    assert "This request is closed." in again.content.decode()
    session.refresh_from_db()
    assert session.outcome == BotSession.Outcome.RESOLVED
    assert Client().post(link, {"answered": "maybe"}).status_code == 400


def test_no_keeps_the_request_open_and_a_forged_link_is_refused(
    cast: Cast, email_inbox: Inbox, articles: list[Any]
) -> None:
    conversation, link = _refund_request(email_inbox, "joko@example.com")
    page = Client().post(link, {"answered": "no"}).content.decode()
    assert f"Request #{conversation.number} stays open" in page
    # Opened again later: it says the answer is in rather than asking again.
    again = Client().get(link).content.decode()
    assert "We already have your answer" in again
    assert "Yes, close my request" not in again
    conversation.refresh_from_db()
    session = BotSession.objects.get(conversation=conversation)
    assert conversation.is_open
    assert (session.outcome, session.reason) == (BotSession.Outcome.HANDED_OFF, "not_answered")
    assert conversation.events.filter(kind="bot", data__action="not_answered").exists()
    forged = link.replace("/answered/", "x/answered/")
    assert Client().get(forged).status_code == 404


def test_an_acknowledged_request_still_waiting_after_the_window_was_not_self_service(
    cast: Cast, email_inbox: Inbox, articles: list[Any]
) -> None:
    waiting, _link = _refund_request(email_inbox, "sari@example.com")
    settled, _link = _refund_request(email_inbox, "tono@example.com")
    # Tono wrote back "found it, thanks" and an agent solved it without a reply.
    Conversation.objects.filter(pk=settled.pk).update(status=Conversation.Status.SOLVED)
    fire_all_due(now=timezone.now() + dt.timedelta(hours=25))
    assert BotSession.objects.get(conversation=waiting).reason == "waiting"
    assert BotSession.objects.get(conversation=waiting).outcome == BotSession.Outcome.HANDED_OFF
    assert BotSession.objects.get(conversation=settled).outcome == BotSession.Outcome.RESOLVED
