"""Inbound email end to end through the services: stored first, threaded, idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from layan.accounts.models import User
from layan.conversations import delivery, inbound
from layan.conversations import services as conversations
from layan.conversations.models import Conversation, ConversationEvent, Message
from layan.core.timers import fire_all_due
from layan.core.worker import run_tasks_now
from layan.customers.models import Customer, Identity
from layan.inboxes import services as inbox_services
from layan.inboxes.models import InboundRaw, Inbox
from layan.testing.concurrency import all_at_once
from layan.testing.fixtures import client_for
from layan.testing.mail import customer_email, without_acknowledgements
from layan.testing.personas import Cast

CORPUS = Path(__file__).parents[2] / "channels" / "email" / "tests" / "corpus"
pytestmark = pytest.mark.django_db


def conversation_of(result: inbound.IngestResult) -> Conversation:
    assert result.conversation_number is not None, result
    return Conversation.objects.get(number=result.conversation_number)


def ingest(inbox: Inbox, payload: bytes) -> inbound.IngestResult:
    return inbound.inbound_ingest(inbox=inbox, payload=payload, source="test")


def test_a_new_email_opens_a_conversation_for_a_new_customer(email_inbox: Inbox) -> None:
    result = ingest(email_inbox, customer_email(subject="Order late", text="Where is my parcel?"))

    assert result.status == "ok"
    conversation = conversation_of(result)
    assert (conversation.subject, conversation.status, conversation.language) == (
        "Order late",
        Conversation.Status.NEW,
        "en",
    )
    assert conversation.customer.name == "Carl Customer"
    assert conversation.customer.email == "carl@example.com"
    assert conversation.waiting_since is not None
    message = conversation.messages.get()
    assert (message.direction, message.author_kind, message.text) == (
        "in",
        "customer",
        "Where is my parcel?",
    )
    raw = InboundRaw.objects.get(pk=result.raw_id)
    assert raw.status == InboundRaw.Status.PROCESSED
    assert message.raw_id == raw.pk


def test_the_same_email_twice_is_one_message(email_inbox: Inbox) -> None:
    payload = customer_email(message_id="<same@example.com>")
    first = ingest(email_inbox, payload)
    again = ingest(email_inbox, payload)
    # Re-delivered by another server: other bytes (a Received header), same Message-ID.
    redelivered = ingest(email_inbox, b"Received: from mx2.example.com\r\n" + payload)

    assert first.line() == f"ok {first.conversation_number}"
    assert again.line() == f"duplicate {first.conversation_number}"
    assert redelivered.line() == f"duplicate {first.conversation_number}"
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1


def test_customer_is_recognised_by_address_case_insensitively(email_inbox: Inbox) -> None:
    ingest(email_inbox, customer_email(sender="Carl <Carl@Example.com>", subject="One"))
    ingest(email_inbox, customer_email(sender="carl@example.com", subject="Two"))

    assert Customer.objects.count() == 1
    assert Conversation.objects.count() == 2


def test_a_reply_to_our_message_threads_by_message_id(email_inbox: Inbox, alice: User) -> None:
    first = ingest(email_inbox, customer_email(subject="Refund"))
    conversation = conversation_of(first)
    reply = conversations.reply_send(conversation=conversation, agent=alice, text="Refund sent.")

    answer = ingest(
        email_inbox,
        customer_email(
            subject="Something else entirely", text="Got it", in_reply_to=f"<{reply.external_id}>"
        ),
    )

    assert answer.conversation_number == conversation.number
    assert list(conversation.messages.values_list("direction", flat=True)) == ["in", "out", "in"]


def test_threading_fallbacks_token_number_and_subject(email_inbox: Inbox, cast: object) -> None:
    first = ingest(email_inbox, customer_email(subject="Broken blender"))
    conversation = conversation_of(first)

    by_token = ingest(
        email_inbox,
        customer_email(subject="new words", text=f"hi\n\n> [ref:{conversation.reply_token}]"),
    )
    by_number = ingest(email_inbox, customer_email(subject=f"Re: x [#{conversation.number}]"))
    by_subject = ingest(email_inbox, customer_email(subject="RE: Fwd: Broken Blender"))
    # Someone else quoting the number does not get into Carl's conversation.
    stranger = ingest(
        email_inbox,
        customer_email(sender="eve@example.net", subject=f"Re: x [#{conversation.number}]"),
    )

    assert by_token.conversation_number == conversation.number
    assert by_number.conversation_number == conversation.number
    assert by_subject.conversation_number == conversation.number
    assert stranger.conversation_number != conversation.number


def test_a_reply_reopens_a_solved_conversation_and_follows_up_a_closed_one(
    email_inbox: Inbox, alice: User
) -> None:
    first = ingest(email_inbox, customer_email(subject="Size exchange", message_id="<a@x>"))
    conversation = conversation_of(first)
    conversations.conversation_update(
        conversation=conversation, actor=alice, changes=conversations.Changes(status="solved")
    )

    ingest(
        email_inbox,
        customer_email(subject="Re: Size exchange", in_reply_to="<a@x>", message_id="<b@x>"),
    )
    conversation.refresh_from_db()
    assert (conversation.status, conversation.reopen_count) == ("open", 1)
    assert conversation.events.filter(kind=ConversationEvent.Kind.REOPENED).count() == 1

    conversations.conversation_update(
        conversation=conversation, actor=alice, changes=conversations.Changes(status="closed")
    )
    follow_up = ingest(
        email_inbox, customer_email(subject="Re: Size exchange", in_reply_to="<b@x>")
    )
    assert follow_up.conversation_number != conversation.number
    created = conversation_of(follow_up).events.get(kind="created")
    assert created.data["follow_up_of"] == conversation.number


def test_bounce_marks_our_message_failed_in_its_conversation(
    email_inbox: Inbox, alice: User
) -> None:
    first = ingest(email_inbox, customer_email(subject="Question"))
    conversation = conversation_of(first)
    reply = conversations.reply_send(conversation=conversation, agent=alice, text="Answer")
    Message.objects.filter(pk=reply.pk).update(external_id="BOUNCED-ORIGINAL-ID")

    result = ingest(email_inbox, (CORPUS / "07-bounce.eml").read_bytes())

    reply.refresh_from_db()
    assert result.conversation_number == conversation.number
    assert reply.delivery == Message.Delivery.FAILED
    assert "User unknown" in reply.delivery_error
    assert Conversation.objects.count() == 1
    assert Customer.objects.filter(identities__address__startswith="mailer-daemon").count() == 0


def test_auto_replies_are_kept_and_marked_never_to_be_answered(email_inbox: Inbox) -> None:
    result = ingest(email_inbox, (CORPUS / "06-auto-reply.eml").read_bytes())
    message = conversation_of(result).messages.get()
    assert message.headers["automated"] == "Auto-Submitted: auto-replied"


def test_mail_from_the_inbox_itself_is_ignored(email_inbox: Inbox) -> None:
    result = ingest(email_inbox, customer_email(sender=email_inbox.address))
    assert (result.status, Conversation.objects.count()) == ("ignored", 0)


def test_unreadable_mail_is_kept_failed_and_can_be_reprocessed(
    email_inbox: Inbox, iris: User
) -> None:
    payload = (CORPUS / "11-no-sender.eml").read_bytes()
    result = ingest(email_inbox, payload)

    raw = InboundRaw.objects.get(pk=result.raw_id)
    assert result.status == "failed"
    assert "no sender" in result.reason
    assert (raw.status, bytes(raw.payload)) == (InboundRaw.Status.FAILED, payload)
    assert raw.retry_due_at is None  # the same bytes would fail the same way

    again = inbound.inbound_reprocess(raw=raw, actor=iris)
    assert again.status == "failed"


@pytest.mark.django_db(transaction=True)
def test_a_payload_whose_process_died_before_processing_it_is_retried_after_its_lease(
    email_inbox: Inbox,
) -> None:
    # Stored, then the process is gone: nothing processes it until the lease runs out.
    raw, _created = inbound.inbound_store(
        inbox=email_inbox, payload=customer_email(subject="Lost?"), source="test"
    )
    assert raw.retry_due_at is not None
    assert fire_all_due() == 0
    assert fire_all_due(now=timezone.now() + inbound.PROCESS_LEASE) == 1
    run_tasks_now()

    raw.refresh_from_db()
    assert (raw.status, raw.attempts) == (InboundRaw.Status.PROCESSED, 1)
    assert raw.retry_due_at is None
    assert Conversation.objects.get().subject == "Lost?"
    assert fire_all_due(now=timezone.now() + 2 * inbound.PROCESS_LEASE) == 0


@pytest.mark.django_db(transaction=True)
def test_the_same_bytes_stored_twice_outside_a_transaction_are_one_row(email_inbox: Inbox) -> None:
    from django.db import connection

    payload = customer_email(subject="Twice")
    assert not connection.in_atomic_block  # stored as one statement, no BEGIN / COMMIT
    first, created = inbound.inbound_store(inbox=email_inbox, payload=payload, source="test")
    again, created_again = inbound.inbound_store(inbox=email_inbox, payload=payload, source="test")

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    # The refused INSERT left the connection as it was: the next payload is stored.
    other, _created = inbound.inbound_store(
        inbox=email_inbox, payload=customer_email(subject="Other"), source="test"
    )
    assert InboundRaw.objects.count() == 2
    assert other.pk != first.pk


def test_a_payload_another_worker_processed_meanwhile_is_left_as_that_worker_left_it(
    email_inbox: Inbox,
) -> None:
    raw, _created = inbound.inbound_store(
        inbox=email_inbox, payload=customer_email(), source="test"
    )
    first = inbound.inbound_process(raw_id=raw.pk)  # another worker, faster
    late = inbound.inbound_process(raw=raw)  # this one read the row while it was waiting

    assert (first.status, late.status) == ("ok", "duplicate")
    assert late.conversation_number == first.conversation_number
    raw.refresh_from_db()
    assert (raw.status, raw.attempts) == (InboundRaw.Status.PROCESSED, 1)
    assert Message.objects.count() == 1


def test_an_email_with_null_characters_reaches_the_inbox_without_them(email_inbox: Inbox) -> None:
    # A broken mail client's NUL bytes: PostgreSQL's text columns refuse them, so they are
    # dropped when the mail is read (the raw bytes keep them).
    payload = customer_email(subject="Order\x00 late", text="Where is\x00 my parcel?")
    result = ingest(email_inbox, payload)

    assert result.status == "ok", result
    conversation = conversation_of(result)
    assert conversation.subject == "Order late"
    assert conversation.messages.get().text == "Where is my parcel?"
    assert bytes(InboundRaw.objects.get().payload) == payload


def test_an_email_with_overlong_headers_still_reaches_the_inbox(email_inbox: Inbox) -> None:
    # Longer than any column that keeps them (PostgreSQL refuses what SQLite would keep):
    # each is cut to fit, and the message is not lost.
    long_address = "a" * 300 + "@example.com"
    payload = (
        f'From: "{"N" * 500}" <{long_address}>\r\nTo: support@toko-test.example\r\n'
        f"Subject: {'S' * 3000}\r\nMessage-ID: <{'m' * 1000}@example.com>\r\n"
        f"References: {' '.join(f'<{n}{"q" * 300}@x>' for n in range(60))}\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello there\r\n"
        f'--b\r\nContent-Type: application/{"x" * 300}; name="{"f" * 700}"\r\n'
        f'Content-Disposition: attachment; filename="{"f" * 700}"\r\n\r\nfile\r\n--b--\r\n'
    ).encode()
    result = ingest(email_inbox, payload)

    assert result.status == "ok", result
    message = conversation_of(result).messages.get()
    assert message.text == "Hello there"
    assert message.sender == long_address[:255]
    assert Identity.objects.get().address == long_address[:255]
    # The same sender again is the same customer.
    again = ingest(
        email_inbox, payload.replace(b"Hello there", b"Anyone?").replace(b"<mmm", b"<nmm")
    )
    assert again.status == "ok", again
    assert Customer.objects.count() == 1


def test_every_corpus_email_is_stored_and_none_crashes(email_inbox: Inbox) -> None:
    for path in sorted(CORPUS.glob("*.eml")):
        result = ingest(email_inbox, path.read_bytes())
        assert result.status in {"ok", "ignored", "failed"}, path.name
    assert InboundRaw.objects.count() == len(list(CORPUS.glob("*.eml")))
    assert InboundRaw.objects.filter(status=InboundRaw.Status.FAILED).count() == 1


def test_languages_are_detected(email_inbox: Inbox) -> None:
    zh = ingest(email_inbox, (CORPUS / "02-outlook-gbk-zh.eml").read_bytes())
    indonesian = ingest(email_inbox, (CORPUS / "03-indonesian-latin1-qp.eml").read_bytes())
    assert conversation_of(zh).language == "zh-hans"
    assert conversation_of(indonesian).language == "id"


def test_attachments_are_stored_privately_and_inline_images_point_to_the_desk(
    email_inbox: Inbox,
) -> None:
    result = ingest(email_inbox, (CORPUS / "05-multipart-attachments.eml").read_bytes())
    message = conversation_of(result).messages.get()
    inline, invoice = message.attachments.order_by("id")
    assert invoice.filename == "发票.pdf"
    assert invoice.size == 25
    assert invoice.file.read().startswith(b"%PDF")
    assert f'src="/desk/attachments/{inline.pk}/"' in message.html
    assert "/media/" not in invoice.file.path


def test_a_huge_attachment_stays_in_the_original_only(email_inbox: Inbox, settings: Any) -> None:
    from email.message import EmailMessage

    settings.MAX_ATTACHMENT_BYTES = 1024 * 1024
    mail = EmailMessage()
    mail["From"] = "carl@example.com"
    mail["To"] = email_inbox.address
    mail["Subject"] = "Video of the damage"
    mail["Message-ID"] = "<huge@example.com>"
    mail.set_content("See the video.")
    mail.add_attachment(
        b"\0" * (2 * 1024 * 1024), maintype="video", subtype="mp4", filename="damage.mp4"
    )
    mail.add_attachment(b"small", maintype="text", subtype="plain", filename="note.txt")

    result = ingest(email_inbox, mail.as_bytes())

    message = conversation_of(result).messages.get()
    assert [attachment.filename for attachment in message.attachments.all()] == ["note.txt"]
    assert message.headers["omitted_attachments"] == [
        {"filename": "damage.mp4", "size": 2 * 1024 * 1024}
    ]
    assert message.raw is not None
    assert len(bytes(message.raw.payload)) > 2 * 1024 * 1024


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_message_store_it_once(cast: object) -> None:
    from layan.testing.mail import INBOX_ADDRESS

    workspace = cast.workspace  # type: ignore[attr-defined]
    inbox = inbox_services.inbox_create(
        workspace=workspace, kind="email", name="Mail", address=INBOX_ADDRESS
    )
    payload = customer_email(message_id="<race@example.com>")
    variants = [b"Received: by mx%d\r\n" % index + payload for index in range(4)] + [payload] * 2
    results = all_at_once(lambda body: ingest(inbox, body), variants)

    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1
    assert Customer.objects.count() == 1
    assert Identity.objects.count() == 1
    assert sorted(result.status for result in results).count("ok") == 1
    number = Conversation.objects.get().number
    assert {result.conversation_number for result in results if result.status != "failed"} == {
        number
    }


@pytest.mark.django_db(transaction=True)
def test_reply_is_delivered_with_threading_headers_and_the_agents_name(
    email_inbox: Inbox, alice: User, outbox: list[mail.EmailMessage]
) -> None:
    first = ingest(email_inbox, customer_email(subject="Voucher", message_id="<v1@example.com>"))
    conversation = conversation_of(first)

    reply = conversations.reply_send(
        conversation=conversation, agent=alice, text="Here is your code."
    )
    assert reply.delivery == Message.Delivery.QUEUED
    run_tasks_now()

    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.SENT
    (sent,) = without_acknowledgements(outbox)
    assert sent.to == ["carl@example.com"]
    assert sent.from_email == f"Alice Agent | Toko Test <{email_inbox.address}>"
    assert sent.subject == f"Re: Voucher [#{conversation.number}]"
    assert sent.extra_headers["In-Reply-To"] == "<v1@example.com>"
    assert sent.extra_headers["Message-ID"] == f"<{reply.external_id}>"
    assert "Here is your code.\n\nAlice Agent\nToko Test" in sent.body
    assert f"[ref:{conversation.reply_token}]" in sent.body
    assert isinstance(sent, mail.EmailMultiAlternatives)
    assert sent.alternatives[0][1] == "text/html"
    conversation.refresh_from_db()
    assert conversation.assignee == alice  # who answers first owns it
    assert conversation.status == Conversation.Status.OPEN
    assert conversation.waiting_since is None
    assert conversation.first_agent_reply_at is not None


@pytest.mark.django_db(transaction=True)
def test_internal_notes_never_leave_the_building(
    email_inbox: Inbox, alice: User, outbox: list[mail.EmailMessage]
) -> None:
    first = ingest(email_inbox, customer_email())
    conversation = conversation_of(first)
    note = conversations.note_add(conversation=conversation, agent=alice, text="VIP, be nice")
    # Even if something queued it by mistake, the delivery gate refuses.
    Message.objects.filter(pk=note.pk).update(delivery=Message.Delivery.QUEUED)

    assert delivery.message_deliver(message_id=note.pk) == "refused"
    run_tasks_now()
    assert without_acknowledgements(outbox) == []


def test_smtp_failures_retry_with_backoff_then_fail(email_inbox: Inbox, alice: User) -> None:
    from layan.testing.ports import free_port

    Inbox.objects.filter(pk=email_inbox.pk).update(
        config={"smtp_host": "127.0.0.1", "smtp_port": free_port(), "smtp_security": "none"}
    )
    first = ingest(email_inbox, customer_email())
    conversation = conversation_of(first)
    reply = conversations.reply_send(conversation=conversation, agent=alice, text="Hi")

    assert delivery.message_deliver(message_id=reply.pk) == Message.Delivery.QUEUED
    reply.refresh_from_db()
    assert reply.delivery_attempts == 1
    assert "Connection" in reply.delivery_error or "refused" in reply.delivery_error.lower()
    assert reply.delivery_due_at is not None
    for _attempt in range(delivery.MAX_DELIVERY_ATTEMPTS - 1):
        delivery.message_deliver(message_id=reply.pk)
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.FAILED
    assert conversation.events.filter(kind=ConversationEvent.Kind.DELIVERY_FAILED).exists()


def test_each_kind_of_inbox_shows_its_own_settings_only(cast: Cast) -> None:
    from layan.inboxes.services import inbox_create

    client = client_for(cast.iris)
    chooser = client.get("/desk/settings/inboxes/new/").content.decode()
    assert 'href="?kind=chat"' in chooser
    assert "imap_host" not in chooser
    chat = inbox_create(workspace=cast.workspace, kind="chat", name="Website chat")
    webform = inbox_create(workspace=cast.workspace, kind="webform", name="Contact form")
    email = inbox_create(
        workspace=cast.workspace, kind="email", name="Email", address="help@toko-test.example"
    )
    pages = {
        inbox.kind: client.get(f"/desk/settings/inboxes/{inbox.pk}/").content.decode()
        for inbox in (chat, webform, email)
    }
    assert "imap_host" not in pages["chat"]
    assert 'name="chat_bot"' in pages["chat"]
    assert "imap_host" not in pages["webform"]
    assert "smtp_host" not in pages["webform"]
    assert 'name="chat_bot"' not in pages["webform"]
    assert 'name="imap_host"' in pages["email"]
    assert 'name="chat_bot"' not in pages["email"]
    # A new chat inbox is made from its own form.
    response = client.post(
        "/desk/settings/inboxes/new/?kind=chat", {"kind": "chat", "name": "Second chat"}
    )
    assert response.status_code == 302


def test_why_a_message_failed_is_shown_in_the_admins_language(cast: Cast) -> None:
    from layan.inboxes.models import InboundRaw
    from layan.inboxes.services import inbox_create

    inbox = inbox_create(
        workspace=cast.workspace, kind="email", name="Email", address="help@toko-test.example"
    )
    result = inbound.inbound_ingest(
        inbox=inbox, payload=b"Subject: no sender\r\n\r\nHi\r\n", source="test"
    )
    assert result.status == "failed"
    assert InboundRaw.objects.get(pk=result.raw_id).error.startswith("Could not read the message")
    User.objects.filter(pk=cast.iris.pk).update(language="id")
    page = client_for(User.objects.get(pk=cast.iris.pk)).get("/desk/settings/inboxes/failed/")
    assert "Pesan tidak dapat dibaca: Tidak ada alamat pengirim (From)." in page.content.decode()
