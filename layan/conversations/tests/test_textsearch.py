"""The desk's search finds conversations by what was written in them, in the three languages."""

from __future__ import annotations

import pytest

from layan.accounts.models import User
from layan.conversations import services
from layan.conversations.inbound import inbound_ingest
from layan.conversations.models import Conversation, ConversationText, Message
from layan.conversations.textsearch import text_index_pass
from layan.inboxes.models import Inbox
from layan.testing.fixtures import client_for
from layan.testing.mail import customer_email
from layan.wiring.background import run_once

# The worker (run_once) runs tasks, which close the connection as a worker does.
pytestmark = pytest.mark.django_db(transaction=True)


def receive(inbox: Inbox, subject: str, text: str, sender: str) -> Conversation:
    result = inbound_ingest(
        inbox=inbox,
        payload=customer_email(subject=subject, text=text, sender=sender),
        source="test",
    )
    return Conversation.objects.get(pk=result.conversation_id or 0)


def found(user: User, query: str) -> list[str]:
    response = client_for(user).get("/desk/conversations/", {"view": "all", "q": query})
    assert response.status_code == 200
    return sorted(item.subject for item in response.context["page"].object_list)


def test_a_word_only_in_the_messages_finds_its_conversation_in_each_language(
    email_inbox: Inbox, alice: User
) -> None:
    english = receive(
        email_inbox, "Checkout problem", "How do I use my vouchers? The code is refused.",
        "ann@example.com",
    )  # fmt: skip
    receive(
        email_inbox, "Pembayaran", "Kupon saya tidak bisa dipakai waktu bayar.",
        "budi@example.com",
    )  # fmt: skip
    receive(email_inbox, "结账", "结账时优惠券用不了，提示无效。", "chen@example.com")
    services.note_add(conversation=english, agent=alice, text="Escalated to the payments team")
    # Not yet read by the worker: only subjects and addresses match.
    assert found(alice, "kupon") == []
    run_once()

    assert found(alice, "voucher") == ["Checkout problem"]  # stemmed: "vouchers"
    assert found(alice, "VOUCHERS") == ["Checkout problem"]
    assert found(alice, "kupon") == ["Pembayaran"]
    assert found(alice, "pakai") == ["Pembayaran"]  # the root of "dipakai"
    assert found(alice, "dipakai") == ["Pembayaran"]
    assert found(alice, "优惠券") == ["结账"]
    assert found(alice, "优惠") == ["结账"]
    assert found(alice, "payments team") == ["Checkout problem"]  # an internal note
    # Every word must be present; the subject and the address still match as before.
    assert found(alice, "kupon voucher") == []
    assert found(alice, "refund") == []
    assert found(alice, "Checkout") == ["Checkout problem"]
    assert found(alice, "budi@") == ["Pembayaran"]
    # Characters that mean something to a full-text query are only words here.
    for odd in ['"', "kupon\"'", "a AND (b OR", "voucher*", "NEAR(a b)", "'; --", "&|!:*"]:
        found(alice, odd)


def test_reading_is_batched_idempotent_and_catches_up_after_an_upgrade(
    email_inbox: Inbox, alice: User
) -> None:
    conversation = receive(email_inbox, "Order", "Paket belum sampai", "dina@example.com")
    services.reply_send(conversation=conversation, agent=alice, text="Sudah kami cek ke kurir.")
    receive(email_inbox, "Order", "Paket belum sampai juga", "dina@example.com")
    assert text_index_pass(limit=1) == 1
    while text_index_pass(limit=1):
        pass
    row = ConversationText.objects.get(conversation=conversation)
    terms = row.terms.split()
    assert {"paket", "sampai", "kurir", "cek"} <= set(terms)
    assert len(terms) == len(set(terms))
    # Read again (a message marked unread, as a crash mid-batch would leave it): same words.
    Message.objects.filter(conversation=conversation).update(text_indexed=False)
    run_once()
    assert ConversationText.objects.get(conversation=conversation).terms == row.terms
    assert found(alice, "kurir") == ["Order"]
    # A deleted conversation leaves nothing behind in the index.
    conversation.delete()
    assert found(alice, "kurir") == []
