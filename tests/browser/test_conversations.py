"""The unified inbox in Chromium: a real customer email, answered by an agent, live updates."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from layan.accounts.models import User
from layan.channels.email.imap import inbox_poll
from layan.conversations import inbound
from layan.conversations.models import Conversation, Macro, Message
from layan.core.worker import run_tasks_now
from layan.inboxes import services as inbox_services
from layan.knowledge import services as knowledge
from layan.testing.mail import INBOX_ADDRESS, customer_email, without_acknowledgements
from layan.testing.mailserver import PASSWORD as MAIL_PASSWORD
from layan.testing.mailserver import Dovecot, SmtpRelay
from layan.testing.personas import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[..., Page]


def log_in(page: Page, user: User) -> None:
    page.goto("/desk/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("body")).to_have_attribute("data-socket", "open")


def test_a_customer_email_is_answered_from_the_desk_and_the_thread_continues(
    cast: Cast, new_page: NewPage, dovecot: Dovecot, smtp_relay: SmtpRelay
) -> None:
    inbox = inbox_services.inbox_create(
        workspace=cast.workspace,
        kind="email",
        name="Support",
        address=INBOX_ADDRESS,
        config={
            "imap_host": "127.0.0.1", "imap_port": dovecot.port, "imap_security": "none",
            "imap_username": INBOX_ADDRESS, "imap_password": MAIL_PASSWORD,
            "smtp_host": "127.0.0.1", "smtp_port": smtp_relay.port, "smtp_security": "none",
        },
    )  # fmt: skip
    dovecot.append(
        INBOX_ADDRESS,
        customer_email(
            subject="Kettle arrived broken",
            text="The lid is cracked. Can you send a new one?",
            message_id="<kettle@example.com>",
        ),
    )
    polled = inbox_poll(inbox_id=inbox.pk)
    # (Once seen here: the page waited for a conversation the poll had not stored.)
    assert (polled.stored, polled.failed, polled.error) == (1, 0, "")

    page = new_page()
    log_in(page, cast.alice)
    page.get_by_role("link", name="Conversations").click()
    page.get_by_role("link", name="Unassigned").click()
    page.get_by_role("link", name="Kettle arrived broken").click()
    expect(page.get_by_text("The lid is cracked.")).to_be_visible()
    page.get_by_label("Message", exact=True).fill("Sorry about that! A new kettle ships today.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".message-out")).to_contain_text("A new kettle ships today.")

    run_tasks_now()
    (received,) = without_acknowledgements(dovecot.messages("carl@example.com"))
    assert b"In-Reply-To: <kettle@example.com>" in received
    reply = Message.objects.get(direction="out")
    assert reply.delivery == Message.Delivery.SENT
    expect(page.locator(".message-out [data-delivery]")).to_have_attribute("data-delivery", "sent")

    number = Conversation.objects.get().number
    dovecot.append(
        INBOX_ADDRESS,
        (
            f"From: Carl Customer <carl@example.com>\r\nTo: {INBOX_ADDRESS}\r\n"
            f"Subject: RE: Kettle arrived broken [#{number}]\r\nMessage-ID: <ol-2@example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nGreat, thanks!\r\n\r\n"
            f"From: Alice Agent | Toko Test <{INBOX_ADDRESS}>\r\nSent: Monday\r\nTo: Carl\r\n"
            "Subject: Re: Kettle arrived broken\r\n\r\nSorry about that!\r\n"
        ).encode(),
    )
    inbox_poll(inbox_id=inbox.pk)
    page.reload()
    expect(page.locator(".message-in").last).to_contain_text("Great, thanks!")
    assert Conversation.objects.count() == 1


def test_colleagues_see_each_other_and_new_messages_live(
    cast: Cast, new_page: NewPage, email_inbox: object
) -> None:
    result = inbound.inbound_ingest(
        inbox=email_inbox,  # type: ignore[arg-type]
        payload=customer_email(subject="Two agents, one customer"),
        source="test",
    )
    article = knowledge.article_create(
        workspace=cast.workspace,
        author=cast.alice,
        language="en",
        title="How long does a refund take?",
        body="Refunds reach your bank account within 3 to 7 working days.",
        questions="",
    )
    knowledge.article_set_status(article=article, status="published")
    run_tasks_now()
    Macro.objects.create(
        workspace=cast.workspace,
        name="Greeting",
        body="Hi {{ customer.first_name }}, thanks for writing.",
    )
    url = f"/desk/conversations/{result.conversation_number}/"
    alice = new_page()
    log_in(alice, cast.alice)
    alice.goto(url)
    expect(alice.locator("body")).to_have_attribute("data-socket", "open")
    olga = new_page()
    log_in(olga, cast.olga)
    olga.goto(url)
    expect(olga.locator("body")).to_have_attribute("data-socket", "open")

    expect(alice.locator("[data-collision]")).to_contain_text("Olga Other also viewing")
    olga.get_by_label("Message", exact=True).press_sequentially("Let me")
    expect(alice.locator("[data-collision]")).to_contain_text("Olga Other typing")

    olga.get_by_label("Internal note").check()
    olga.get_by_label("Message", exact=True).fill("I'll take this one")
    olga.get_by_role("button", name="Send").click()
    # Alice's page did not reload: the thread re-fetched itself on the desk socket's event.
    expect(alice.locator(".message-note")).to_contain_text("I'll take this one")

    alice.get_by_label("Canned reply").select_option(label="Greeting")
    expect(alice.get_by_label("Message", exact=True)).to_have_value("Hi Carl, thanks for writing.")

    alice.get_by_label("Search articles (public and internal)").fill("refund")
    results = alice.locator("[data-article-results]")
    results.get_by_role("button", name="Insert text").first.click()
    expect(alice.get_by_label("Message", exact=True)).to_have_value(
        "Hi Carl, thanks for writing.\nRefunds reach your bank account within 3 to 7 working days."
    )


def test_the_inbox_shows_new_mail_without_a_reload(
    cast: Cast, new_page: NewPage, email_inbox: object
) -> None:
    page = new_page()
    log_in(page, cast.alice)
    page.goto("/desk/conversations/?view=open")
    expect(page.locator("[data-count=open]")).to_have_text("0")

    # A colleague logs a walk-in from their own browser: Alice's list and counts follow.
    olga = new_page()
    log_in(olga, cast.olga)
    olga.goto("/desk/conversations/new/")
    olga.get_by_label("Channel").select_option(label="Support email")
    olga.get_by_label("Customer's email or phone").fill("walkin@example.com")
    olga.get_by_label("Subject").fill("Came to the shop about a refund")
    olga.get_by_role("button", name="Open conversation").click()
    expect(olga.get_by_role("heading", level=1)).to_contain_text("Came to the shop about a refund")

    expect(page.get_by_role("link", name="Came to the shop about a refund")).to_be_visible()
    expect(page.locator("[data-count=open]")).to_have_text("1")


def test_a_list_fetched_again_with_nothing_new_is_left_in_place(
    cast: Cast, new_page: NewPage, email_inbox: object
) -> None:
    inbound.inbound_ingest(
        inbox=email_inbox,  # type: ignore[arg-type]
        payload=customer_email(subject="Where is my parcel?"),
        source="test",
    )
    page = new_page()
    log_in(page, cast.alice)
    page.goto("/desk/conversations/?view=open")
    expect(page.get_by_role("link", name="Where is my parcel?")).to_be_visible()
    # Every socket open and workspace event fetches the list again; with nothing new in it the
    # rows stay the same nodes (a click landing during a swap would be lost).
    page.evaluate(
        """() => {
            window.row = document.querySelector("[data-inbox-list] a");
            window.fetched = [];
            document.addEventListener("htmx:beforeSwap", (event) => {
                if (event.detail.target.matches("[data-inbox-list]")) {
                    window.fetched.push(event.detail.shouldSwap);
                }
            });
            document.body.dispatchEvent(new CustomEvent("layan-inbox-changed"));
        }"""
    )
    page.wait_for_function("window.fetched.length > 0")
    assert not any(page.evaluate("window.fetched"))
    assert page.evaluate("document.contains(window.row)")


SEARCH_WORDS = {
    # The agent's language: the placeholder they read, and a word they look for.
    "en": ("Words, address or #number", "vouchers"),
    "id": ("Kata, alamat, atau #nomor", "kupon"),
    "zh-hans": ("关键词、地址或 #编号", "优惠券"),
}


@pytest.mark.parametrize("language", list(SEARCH_WORDS))
def test_an_agent_finds_a_conversation_by_a_word_the_customer_wrote(
    language: str, cast: Cast, new_page: NewPage
) -> None:
    from layan.wiring.background import run_once

    inbox = inbox_services.inbox_create(
        workspace=cast.workspace, kind="email", name="Support", address=INBOX_ADDRESS
    )
    letters = {
        "en": ("Checkout", "My voucher code is refused at checkout."),
        "id": ("Pembayaran", "Kupon saya tidak bisa dipakai waktu bayar."),
        "zh-hans": ("结账问题", "结账时优惠券用不了，提示无效。"),
    }
    for number, (subject, text) in enumerate(letters.values()):
        inbound.inbound_ingest(
            inbox=inbox,
            payload=customer_email(subject=subject, text=text, sender=f"c{number}@example.com"),
            source="test",
        )
    run_once()  # the worker reads the new messages' words
    User.objects.filter(pk=cast.alice.pk).update(language=language)
    placeholder, word = SEARCH_WORDS[language]
    locale = {"en": "en-US", "id": "id-ID", "zh-hans": "zh-CN"}[language]
    page = new_page(locale=locale)
    page.goto("/desk/login/")
    page.locator("input[name=username]").fill(cast.alice.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("body")).to_have_attribute("data-socket", "open")
    page.goto("/desk/conversations/?view=all")
    search = page.get_by_placeholder(placeholder)
    search.fill(word)
    search.press("Enter")
    expect(page.locator("tr[data-conversation]")).to_have_count(1)
    expect(page.locator("tr[data-conversation]")).to_contain_text(letters[language][0])
    # The box keeps what was typed, unchanged.
    expect(page.get_by_placeholder(placeholder)).to_have_value(word)
