"""The help center's contact form in Chromium: suggestions while typing, then a request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from layan.answerbot.models import BotSession
from layan.conversations.models import Conversation
from layan.inboxes.services import inbox_create
from layan.testing.personas import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_sees_the_answer_while_typing_and_sends_the_form_anyway(
    cast: Cast, articles: list[Any], new_page: Callable[..., Page]
) -> None:
    inbox_create(workspace=cast.workspace, kind="webform", name="Contact form")
    page = new_page()
    page.goto("/contact/")
    page.get_by_label("Your name").fill("Dewi")
    page.get_by_label("Your email").fill("dewi@example.com")
    page.get_by_label("How can we help?", exact=True).fill("How long does a refund take?")
    suggestions = page.locator("[data-contact-suggestions]")
    expect(suggestions).to_contain_text(
        "Refunds reach your bank account within 3 to 7 working days."
    )
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("[data-contact-thanks]")).to_contain_text("We got your message")
    conversation = Conversation.objects.get()
    expect(page.locator("[data-contact-thanks]")).to_contain_text(f"#{conversation.number}")
    assert conversation.messages.get().headers["suggested"][0] == articles[0].pk
    assert BotSession.objects.get().reason == "submitted_anyway"
