"""The help center's contact form: suggestions while typing, a conversation, replies by email."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from layan.conversations.models import Conversation, Message
from layan.conversations.services import reply_send
from layan.core.worker import run_tasks_now
from layan.inboxes.models import Inbox
from layan.inboxes.services import inbox_create
from layan.testing.mail import without_acknowledgements
from layan.testing.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def webform(cast: Cast) -> Inbox:
    return inbox_create(workspace=cast.workspace, kind="webform", name="Contact form")


def form_fields(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Dewi",
        "email": "Dewi@Example.com",
        "subject": "Refund for order 1042",
        "message": "I returned the shoes last week. When will my refund arrive?",
        "form_id": "form-1",
        **extra,
    }


def test_the_contact_page_has_the_form_only_with_a_web_form_inbox(cast: Cast) -> None:
    assert b"data-contact-form" not in Client().get("/contact/").content
    inbox_create(workspace=cast.workspace, kind="webform", name="Contact form")
    page = Client().get("/contact/")
    assert b"data-contact-form" in page.content
    assert b'name="form_id"' in page.content


def test_typing_a_question_suggests_the_article_that_answers_it(
    webform: Inbox, articles: list[Any]
) -> None:
    response = Client().get(
        "/contact/suggest/", {"subject": "", "message": "How long does a refund take?"}
    )
    page = response.content.decode()
    assert "Refunds reach your bank account within 3 to 7 working days." in page
    assert f'name="suggested" value="{articles[0].pk}' in page
    assert Client().get("/contact/suggest/", {"message": "hi"}).content.strip() == b""


def test_a_sent_form_is_a_conversation_and_sending_it_twice_is_one(
    cast: Cast, webform: Inbox, articles: list[Any]
) -> None:
    client = Client()
    photo = SimpleUploadedFile("receipt.png", b"\x89PNG\r\n\x1a\nreceipt", content_type="image/png")
    response = client.post(
        "/contact/send/", form_fields(suggested=f"{articles[0].pk}", attachment=photo)
    )
    assert response.status_code == 302
    again = client.post("/contact/send/", form_fields(suggested=f"{articles[0].pk}"))
    assert again.status_code == 302
    conversation = Conversation.objects.select_related("customer").get()
    assert conversation.subject == "Refund for order 1042"
    assert conversation.customer.email == "dewi@example.com"
    assert conversation.customer.name == "Dewi"
    [message] = conversation.messages.all()
    assert message.text.startswith("I returned the shoes")
    assert message.headers["suggested"] == [articles[0].pk]
    assert [a.filename for a in message.attachments.all()] == ["receipt.png"]
    # Suggested articles did not answer it: recorded for the deflection reports.
    assert list(conversation.events.filter(kind="bot").values_list("data", flat=True)) == [
        {"action": "submitted_anyway"}
    ]
    thanks = client.get(response["Location"]).content.decode()
    assert f"#{conversation.number}" in thanks
    assert "dewi@example.com" in thanks


def test_a_form_with_mistakes_is_shown_again_and_nothing_is_stored(webform: Inbox) -> None:
    response = Client().post("/contact/send/", form_fields(email="not-an-address", message=""))
    assert response.status_code == 400
    assert b"data-contact-form" in response.content
    assert Conversation.objects.count() == 0
    assert Client().get("/contact/thanks/forged/").status_code == 404


def test_the_agents_reply_goes_to_the_customer_by_email(cast: Cast, webform: Inbox) -> None:
    Client().post("/contact/send/", form_fields())
    conversation = Conversation.objects.get()
    mail.outbox = []
    reply = reply_send(conversation=conversation, agent=cast.alice, text="It is on its way.")
    run_tasks_now()
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.SENT
    sent = without_acknowledgements([m for m in mail.outbox if m.to == ["dewi@example.com"]])
    assert len(sent) == 1
    assert sent[0].extra_headers["Message-ID"] == f"<{reply.external_id}>"
    assert "It is on its way." in str(sent[0].body)
