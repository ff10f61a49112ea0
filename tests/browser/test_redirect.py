"""A redirect-only inbox in Chromium, in English, Indonesian and Chinese: the admin sets it, a
customer writes there, and the agent sees the message kept and the customer told where to go."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from layan.accounts.models import ContactChannel, User
from layan.conversations.inbound import inbound_ingest
from layan.conversations.models import Conversation
from layan.inboxes.models import Inbox
from layan.inboxes.services import inbox_create
from layan.testing.mail import customer_email
from layan.testing.personas import PASSWORD, Cast
from layan.wiring.background import run_once

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"en": "en-US", "id": "id-ID", "zh-hans": "zh-CN"}
# The admin's checkbox, the agent's timeline line, and what the customer is told.
WORDS = {
    "en": ("Redirect only", "told the customer where and when the shop answers"),
    "id": ("Hanya pengalihan", "memberi tahu pelanggan di mana dan kapan toko menjawab"),
    "zh-hans": ("仅转引", "已告知客户店铺在何处、何时回复"),
}


def log_in(page: Page, user: User) -> None:
    page.goto("/desk/login/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("body")).to_have_attribute("data-socket", "open")


@pytest.mark.parametrize("language", list(LOCALES))
def test_an_admin_redirects_an_old_address_and_the_agent_sees_it_kept(
    language: str, cast: Cast, new_page: Callable[..., Page]
) -> None:
    checkbox_label, timeline = WORDS[language]
    ContactChannel.objects.create(
        workspace=cast.workspace, kind="whatsapp", value="+62 812 0000 1111"
    )
    inbox = inbox_create(
        workspace=cast.workspace, kind="email", name="Alamat lama", address="lama@toko.example",
        config={"imap_port": 993, "imap_security": "ssl", "imap_folder": "INBOX",
                "poll_seconds": 60, "smtp_port": 587, "smtp_security": "starttls"},
    )  # fmt: skip
    User.objects.filter(pk__in=[cast.iris.pk, cast.alice.pk]).update(language=language)
    admin = new_page(locale=LOCALES[language])
    log_in(admin, User.objects.get(pk=cast.iris.pk))
    admin.goto(f"/desk/settings/inboxes/{inbox.pk}/")
    admin.get_by_label(checkbox_label).check()
    with admin.expect_navigation():
        admin.locator("form.card button[type=submit]").first.click()
    assert Inbox.objects.get(pk=inbox.pk).redirect_only
    admin.goto(f"/desk/settings/inboxes/{inbox.pk}/")
    expect(admin.get_by_label(checkbox_label)).to_be_checked()

    mail.outbox = []
    inbound_ingest(
        inbox=inbox,
        payload=customer_email(
            to="lama@toko.example", subject="Retur", sender="rina@example.com",
            text="Halo, saya mau retur sepatu yang kemarin saya beli.",
        ),
        source="test",
    )  # fmt: skip
    run_once()
    conversation = Conversation.objects.get(inbox=inbox)
    [told] = [m for m in mail.outbox if m.to == ["rina@example.com"]]
    assert "+62 812 0000 1111" in told.body

    agent = new_page(locale=LOCALES[language])
    log_in(agent, User.objects.get(pk=cast.alice.pk))
    agent.goto("/desk/conversations/?view=open")
    expect(agent.locator(f"tr[data-conversation='{conversation.pk}']")).to_have_count(0)
    agent.goto(f"/desk/conversations/{conversation.number}/")
    expect(agent.locator(".thread")).to_contain_text("saya mau retur sepatu")
    expect(agent.locator(".thread [data-event=redirected]").last).to_contain_text(timeline)
    expect(agent.locator(".thread")).to_contain_text("+62 812 0000 1111")
