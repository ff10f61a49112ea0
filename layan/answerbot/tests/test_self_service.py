"""Self-service sessions end as resolved or handed off, and the report counts them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from layan.answerbot.models import BotSession
from layan.answerbot.sessions import bot_session_close_due, content_gaps, deflection_report
from layan.channels.livechat import services as chat
from layan.conversations.services import reply_send
from layan.core.timers import fire_all_due
from layan.inboxes.models import Inbox
from layan.inboxes.services import inbox_create
from layan.testing.chat import chat_configure
from layan.testing.fixtures import client_for
from layan.testing.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def bot_chat(inbox: Inbox, key: str, text: str) -> tuple[int, dict[str, Any] | None]:
    received = chat.chat_receive(inbox=inbox, key=key, client_id="q", text=text, meta={})
    reply = chat.chat_bot_turn(inbox=inbox, message_id=received.message["id"])
    return received.conversation_id, reply


@pytest.fixture
def bot_inbox(chat_inbox: Inbox) -> Inbox:
    return chat_configure(chat_inbox, bot=True)


def test_chat_sessions_end_as_the_visitor_says_or_as_the_bot_hands_off(
    cast: Cast, bot_inbox: Inbox, articles: list[Any]
) -> None:
    # Confirmed by the visitor,
    first, reply = bot_chat(bot_inbox, "v1", "How long does a refund take?")
    assert reply is not None
    chat.chat_bot_feedback(inbox=bot_inbox, key="v1", message_id=reply["id"], answered=True)
    # asked for a person after the answer,
    second, reply = bot_chat(bot_inbox, "v2", "Berapa lama pengembalian dana?")
    assert reply is not None
    chat.chat_bot_feedback(inbox=bot_inbox, key="v2", message_id=reply["id"], answered=False)
    # nothing the bot can answer.
    third, reply = bot_chat(bot_inbox, "v3", "Do you sell garden furniture in Bali?")
    assert reply is not None
    assert reply["handoff"] is True
    sessions = {
        s.conversation_id: (s.channel, s.outcome, s.reason, s.article_id is not None)
        for s in BotSession.objects.all()
    }
    assert sessions == {
        first: ("chat", "resolved", "confirmed", True),
        second: ("chat", "handed_off", "asked_for_person", True),
        third: ("chat", "handed_off", "low_confidence", False),
    }


def test_an_answered_chat_resolves_after_the_window_unless_a_person_stepped_in(
    cast: Cast, bot_inbox: Inbox, articles: list[Any]
) -> None:
    quiet, _reply = bot_chat(bot_inbox, "v1", "How long does a refund take?")
    helped, _reply = bot_chat(bot_inbox, "v2", "Which payment methods do you accept?")
    from layan.conversations.models import Conversation

    reply_send(conversation=Conversation.objects.get(pk=helped), agent=cast.alice, text="Hi!")
    later = timezone.now() + dt.timedelta(hours=25)
    assert fire_all_due(now=later) >= 2
    outcomes = dict(BotSession.objects.values_list("conversation_id", "reason"))
    assert outcomes == {quiet: "no_contact", helped: "contacted_person"}
    # Firing again changes nothing.
    bot_session_close_due(BotSession.objects.get(conversation_id=quiet).pk)
    assert BotSession.objects.get(conversation_id=quiet).outcome == "resolved"


def test_contact_form_suggestions_count_as_self_service_unless_the_form_is_sent(
    cast: Cast, articles: list[Any]
) -> None:
    inbox_create(workspace=cast.workspace, kind="webform", name="Contact form")
    client = Client()
    for form_id in ("read-and-left", "sent-anyway"):
        client.get(
            "/contact/suggest/",
            {"message": "How long does a refund take?", "form_id": form_id},
        )
    client.post(
        "/contact/send/",
        {"name": "Dewi", "email": "dewi@example.com", "form_id": "sent-anyway",
         "message": "How long does a refund take? It has been two weeks.",
         "suggested": str(articles[0].pk)},
    )  # fmt: skip
    fire_all_due(now=timezone.now() + dt.timedelta(hours=25))
    outcomes = dict(BotSession.objects.values_list("key", "reason"))
    assert outcomes == {
        "webform:read-and-left": "no_contact",
        "webform:sent-anyway": "submitted_anyway",
    }
    since = timezone.now() - dt.timedelta(days=1)
    [row] = deflection_report(workspace=cast.workspace, since=since)
    assert (row.channel, row.sessions, row.resolved, row.handed_off, row.rate) == (
        "webform",
        2,
        1,
        1,
        0.5,
    )
    [gap] = content_gaps(workspace=cast.workspace, since=since)
    assert (gap.question, gap.times, gap.reasons) == (
        "How long does a refund take?",
        1,
        ["submitted_anyway"],
    )
    # The report shows both, and a gap becomes a new article in one click.
    page = client_for(cast.iris).get("/desk/knowledge/report/").content.decode()
    assert "data-deflection" in page
    assert "50%" in page
    assert "title=How%20long%20does%20a%20refund%20take%3F" in page
    new = client_for(cast.iris).get("/desk/knowledge/new/?title=How long does a refund take?")
    assert 'value="How long does a refund take?"' in new.content.decode()
