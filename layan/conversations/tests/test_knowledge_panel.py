"""The conversation page's knowledge panel: a suggested answer and article search to insert."""

from __future__ import annotations

import pytest

from layan.conversations.inbound import inbound_ingest
from layan.conversations.models import Conversation
from layan.core.worker import run_tasks_now
from layan.inboxes.models import Inbox
from layan.knowledge import services as knowledge
from layan.testing.fixtures import client_for
from layan.testing.mail import customer_email
from layan.testing.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def publish(cast: Cast, title: str, body: str, questions: str, visibility: str) -> None:
    article = knowledge.article_create(
        workspace=cast.workspace,
        author=cast.alice,
        language="en",
        title=title,
        body=body,
        questions=questions,
    )
    if visibility == "internal":
        article.visibility = "internal"
        article.save(update_fields=["visibility"])
    knowledge.article_set_status(article=article, status="published")


def test_the_panel_suggests_an_answer_and_finds_internal_articles_too(
    cast: Cast, email_inbox: Inbox
) -> None:
    publish(
        cast,
        "How long does a refund take?",
        "Refunds reach your bank account within 3 to 7 working days.",
        "When do I get my money back?",
        "public",
    )
    publish(
        cast,
        "Refund exceptions for VIP customers",
        "Team leads may approve a refund after 30 days for VIP customers.",
        "",
        "internal",
    )
    run_tasks_now()
    result = inbound_ingest(
        inbox=email_inbox,
        payload=customer_email(subject="Refund", text="How long does a refund take?"),
        source="test",
    )
    conversation = Conversation.objects.get(pk=result.conversation_id or 0)
    client = client_for(cast.alice)

    panel = client.get(f"/desk/conversations/{conversation.number}/suggestions/")
    assert panel.context["suggested"].title == "How long does a refund take?"
    assert (
        panel.context["suggested"].text
        == "Refunds reach your bank account within 3 to 7 working days."
    )
    assert panel.context["suggested"].link.startswith("http://127.0.0.1:8000/en/")
    assert "internal" not in {item.title for item in panel.context["related"]}

    search = client.get(f"/desk/conversations/{conversation.number}/articles/?q=refund")
    found = {item.title: item for item in search.context["results"]}
    assert set(found) == {"How long does a refund take?", "Refund exceptions for VIP customers"}
    # Internal articles are for agents: their text can be used, never a link to them.
    assert found["Refund exceptions for VIP customers"].link == ""
    assert b'data-insert="http://127.0.0.1:8000/en/' in search.content
    assert (
        client_for(cast.stella)
        .get(f"/desk/conversations/{conversation.number}/articles/?q=refund")
        .status_code
        == 404
    )
