"""A batch of inbound payloads (an IMAP fetch, an import) is one transaction and the same rules.

The batch path must decide exactly what one-by-one ingest decides, in the order the mail
arrived, including for messages that depend on each other within the batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layan.accounts.models import User
from layan.conversations import inbound, receiving
from layan.conversations import services as conversations
from layan.conversations.models import Conversation, Message
from layan.customers.models import Customer, Identity
from layan.inboxes import services as inbox_services
from layan.inboxes.models import InboundRaw, Inbox
from layan.testing.concurrency import all_at_once
from layan.testing.mail import customer_email

CORPUS = Path(__file__).parents[2] / "channels" / "email" / "tests" / "corpus"
pytestmark = pytest.mark.django_db


def number_of(result: inbound.IngestResult) -> int:
    assert result.conversation_number is not None, result
    return result.conversation_number


def ingest_many(inbox: Inbox, payloads: list[bytes]) -> list[inbound.IngestResult]:
    return inbound.inbound_ingest_many(inbox=inbox, payloads=payloads, source="test")


def test_a_batch_threads_replies_to_mail_earlier_in_the_same_batch(email_inbox: Inbox) -> None:
    results = ingest_many(
        email_inbox,
        [
            customer_email(subject="Order late", message_id="<a@x>"),
            customer_email(sender="Dina <dina@example.id>", subject="Ongkir", message_id="<b@x>"),
            customer_email(
                subject="Re: Order late", in_reply_to="<a@x>", message_id="<c@x>", text="Any news?"
            ),
            # Same sender, same subject, no headers: the subject rule finds the batch's thread.
            customer_email(sender="dina@example.id", subject="RE: ongkir", message_id="<d@x>"),
        ],
    )

    assert [result.status for result in results] == ["ok"] * 4
    numbers = [number_of(result) for result in results]
    assert numbers[2] == numbers[0] != numbers[1] == numbers[3]
    assert sorted(Conversation.objects.values_list("number", flat=True)) == sorted({*numbers})
    carl = Conversation.objects.get(number=numbers[0])
    assert (carl.message_count, carl.preview) == (2, "Any news?")
    assert list(carl.messages.values_list("external_id", flat=True)) == ["a@x", "c@x"]
    # One customer per new address, however often it writes in the batch.
    assert Customer.objects.count() == Identity.objects.count() == 2
    assert Customer.objects.get(identities__address="dina@example.id").name == "Dina"
    assert set(InboundRaw.objects.values_list("status", flat=True)) == {"processed"}
    for result in results:
        raw = InboundRaw.objects.get(pk=result.raw_id)
        assert raw.conversation_id == result.conversation_id
        assert Message.objects.get(raw=raw).pk == result.message_id


def test_a_batch_continues_stored_conversations_like_one_by_one(
    email_inbox: Inbox, alice: User
) -> None:
    first = inbound.inbound_ingest(
        inbox=email_inbox,
        payload=customer_email(subject="Size exchange", message_id="<a@x>"),
        source="test",
    )
    conversation = Conversation.objects.get(number=number_of(first))
    conversations.conversation_update(
        conversation=conversation, actor=alice, changes=conversations.Changes(status="solved")
    )

    results = ingest_many(
        email_inbox,
        [
            customer_email(subject="Re: Size exchange", in_reply_to="<a@x>", message_id="<b@x>"),
            customer_email(subject=f"Re: [#{conversation.number}]", message_id="<c@x>"),
        ],
    )

    conversation.refresh_from_db()
    assert [result.conversation_number for result in results] == [conversation.number] * 2
    assert (conversation.status, conversation.reopen_count, conversation.message_count) == (
        "open",
        1,
        3,
    )
    assert list(conversation.events.values_list("kind", flat=True)) == [
        "created",
        "status",
        "reopened",
        "status",
    ]


def test_the_same_mail_twice_in_a_batch_and_mail_seen_before_are_duplicates(
    email_inbox: Inbox,
) -> None:
    seen = customer_email(subject="Earlier", message_id="<seen@x>")
    inbound.inbound_ingest(inbox=email_inbox, payload=seen, source="test")
    again = customer_email(subject="Twice", message_id="<twice@x>")
    resent = b"Received: by mx2\r\n" + again  # other bytes, same Message-ID

    results = ingest_many(email_inbox, [again, seen, again, resent])

    assert [result.status for result in results] == ["ok", "duplicate", "duplicate", "duplicate"]
    assert results[0].conversation_number == results[3].conversation_number
    assert Message.objects.count() == 2
    assert InboundRaw.objects.count() == 3
    assert InboundRaw.objects.get(pk=results[3].raw_id).status == InboundRaw.Status.DUPLICATE


def test_unreadable_mail_in_a_batch_fails_alone(email_inbox: Inbox) -> None:
    results = ingest_many(
        email_inbox,
        [
            customer_email(subject="Fine"),
            (CORPUS / "11-no-sender.eml").read_bytes(),
            customer_email(sender=email_inbox.address, subject="Our own"),
            customer_email(sender="dina@example.id", subject="Also fine"),
        ],
    )

    assert [result.status for result in results] == ["ok", "failed", "ignored", "ok"]
    assert "no sender" in results[1].reason
    assert InboundRaw.objects.get(pk=results[1].raw_id).status == InboundRaw.Status.FAILED


def test_a_batch_that_cannot_be_written_is_received_one_by_one(
    email_inbox: Inbox, monkeypatch: Any
) -> None:
    real = receiving.messages_receive
    batches: list[int] = []

    def failing_for_batches(**kwargs: Any) -> list[receiving.Received]:
        batches.append(len(kwargs["items"]))
        if len(kwargs["items"]) > 1:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(inbound, "messages_receive", failing_for_batches)
    results = ingest_many(email_inbox, [customer_email(subject=f"#{n}") for n in range(3)])

    assert batches == [3, 1, 1, 1]
    assert [result.status for result in results] == ["ok"] * 3
    assert Message.objects.count() == Conversation.objects.count() == 3
    assert set(InboundRaw.objects.values_list("attempts", flat=True)) == {1}


def test_a_batch_leaves_a_payload_another_worker_processed_meanwhile_to_it(
    email_inbox: Inbox,
) -> None:
    payloads = [customer_email(subject=f"#{n}", message_id=f"<{n}@x>") for n in range(3)]
    # Without a Message-ID only the claim can tell that it was stored already.
    payloads[1] = payloads[1].replace(b"Message-ID:", b"X-Original-ID:")
    raws = inbound.inbound_store_many(inbox=email_inbox, payloads=payloads, source="test")
    elsewhere = inbound.inbound_process(raw_id=raws[1].pk)  # another worker, faster

    results = inbound.inbound_process_many(raws=raws)  # read while all three were waiting

    assert [result.status for result in results] == ["ok", "duplicate", "ok"]
    assert results[1].conversation_number == elsewhere.conversation_number
    assert Message.objects.count() == Conversation.objects.count() == 3
    assert set(InboundRaw.objects.values_list("status", "attempts")) == {("processed", 1)}


def test_a_batch_costs_the_same_queries_for_5_and_for_25_emails(email_inbox: Inbox) -> None:
    def queries_for(count: int, offset: int) -> int:
        payloads = [
            customer_email(
                sender=f"c{offset + n}@example.com",
                subject=f"Question {offset + n}",
                message_id=f"<{offset + n}@x>",
            )
            for n in range(count)
        ] + [
            customer_email(
                sender=f"c{offset + n}@example.com",
                subject=f"Re: Question {offset + n}",
                in_reply_to=f"<{offset + n}@x>",
            )
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            results = ingest_many(email_inbox, payloads)
        assert [result.status for result in results] == ["ok"] * 2 * count
        return len(captured.captured_queries)

    queries_for(1, 1000)  # the workspace's first conversation also creates its counter
    assert queries_for(5, 0) == queries_for(25, 100) == 17


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_with_the_same_mail_store_it_once(cast: object) -> None:
    from layan.testing.mail import INBOX_ADDRESS

    workspace = cast.workspace  # type: ignore[attr-defined]
    inbox = inbox_services.inbox_create(
        workspace=workspace, kind="email", name="Mail", address=INBOX_ADDRESS
    )
    shared = [customer_email(message_id=f"<race{n}@example.com>") for n in range(5)]
    batches = [
        [b"Received: by mx%d\r\n" % index + payload for payload in shared] for index in range(3)
    ]
    results = [
        result
        for batch in all_at_once(lambda payloads: ingest_many(inbox, payloads), batches)
        for result in batch
    ]

    assert Message.objects.count() == 5
    assert Conversation.objects.count() == 1
    assert Customer.objects.count() == Identity.objects.count() == 1
    assert sorted(result.status for result in results).count("ok") == 5
    assert len(results) == 15


@pytest.mark.django_db(transaction=True)
def test_queued_events_drained_by_several_workers_at_once_are_each_processed_once(
    cast: object,
) -> None:
    from layan.testing.mail import INBOX_ADDRESS

    workspace = cast.workspace  # type: ignore[attr-defined]
    inbox = inbox_services.inbox_create(
        workspace=workspace, kind="email", name="Mail", address=INBOX_ADDRESS
    )
    payloads = [
        customer_email(message_id=f"<queued{n}@example.com>", sender=f"c{n % 7}@example.com")
        for n in range(60)
    ]
    raws = inbound.inbound_accept(inbox=inbox, payloads=payloads, source="test")
    assert {raw.status for raw in raws} == {InboundRaw.Status.QUEUED}

    def drain(_worker: int) -> int:
        taken = 0
        while found := inbound.inbound_drain(limit=10):
            taken += found
        return taken

    all_at_once(drain, [1, 2, 3])

    assert Message.objects.count() == 60
    assert Customer.objects.count() == 7
    assert not InboundRaw.objects.exclude(status=InboundRaw.Status.PROCESSED).exists()
