"""Live chat in Chromium: a shop page on another origin embeds the widget; an agent answers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from layan.accounts import services as accounts
from layan.conversations.models import Conversation, Message
from layan.conversations.services import reply_send
from layan.core.worker import run_tasks_now
from layan.customers.models import Identity
from layan.inboxes.models import Inbox
from layan.realtime.presence import visitor_is_present
from layan.testing.chat import chat_configure
from layan.testing.fixtures import AsgiServer
from layan.testing.personas import Cast
from layan.testing.ports import free_port

from .test_conversations import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[..., Page]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def shop(tmp_path: Path, asgi_server: AsgiServer) -> Iterator[str]:
    """A shop's own website on another port (another origin) with the widget embedded."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Toko Batik</title>'
        "</head><body><h1>Toko Batik</h1>"
        f'<script src="{asgi_server.url}/widget.js" data-workspace="toko-test"></script>'
        "</body></html>",
        encoding="utf-8",
    )
    server = ThreadingHTTPServer(
        ("127.0.0.1", free_port()), partial(Quiet, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


def open_widget(page: Page, shop: str) -> None:
    page.goto(shop)
    launcher = page.locator("#layan-chat .launcher")
    expect(launcher).to_have_text("Chat dengan kami")
    launcher.click()


def ask_the_bot(chat_inbox: Inbox, visitor: Page, shop: str, question: str) -> Page:
    """With the bot on, a visitor opens the widget and asks."""
    chat_configure(chat_inbox, bot=True)
    open_widget(visitor, shop)
    visitor.get_by_label("Tulis pesan…").fill(question)
    visitor.keyboard.press("Enter")
    return visitor


def test_a_visitor_and_an_agent_chat_both_ways_and_survive_a_network_drop(
    cast: Cast, chat_inbox: Inbox, new_page: NewPage, shop: str, tmp_path: Path
) -> None:
    accounts.agent_set_availability(
        agent=cast.alice, availability="online", source="login", actor=cast.alice
    )
    desk = new_page()
    log_in(desk, cast.alice)
    desk.goto("/desk/conversations/")
    # The visitor, on the shop's site, opens the widget (in Indonesian, from the page) and writes.
    visitor = new_page()
    open_widget(visitor, shop)
    expect(visitor.locator("#layan-chat header .status")).to_have_text("Kami sedang online")
    visitor.get_by_label("Tulis pesan…").fill("Halo, pesanan saya belum sampai")
    visitor.keyboard.press("Enter")
    expect(visitor.locator("#layan-chat .msg.visitor:not(.pending)")).to_have_count(1)
    # Alice is told at once, and opens the chat from the notification.
    desk.locator("[data-new-chat]").click()
    expect(desk.locator(".message-in")).to_contain_text("pesanan saya belum sampai")
    expect(desk.locator("[data-visitor]")).to_contain_text(shop)
    # She sees the visitor typing; the visitor sees her message was seen.
    expect(desk.locator("body")).to_have_attribute("data-socket", "open")
    visitor.get_by_label("Tulis pesan…").press_sequentially("Nomor pesanan 12345", delay=150)
    expect(desk.locator("[data-visitor-typing]")).to_be_visible()
    expect(visitor.locator("#layan-chat .meta.seen")).to_have_text("Dilihat")
    visitor.get_by_label("Tulis pesan…").fill("")
    # Alice types and answers; the widget shows both, with her name.
    desk.get_by_label("Message", exact=True).fill("Kami cek dulu ya, kak.")
    expect(visitor.locator("#layan-chat .typing")).to_contain_text("Alice")
    desk.get_by_role("button", name="Send").click()
    reply = visitor.locator("#layan-chat .msg.agent")
    expect(reply).to_contain_text("Kami cek dulu ya, kak.")
    expect(reply).to_contain_text("Alice Agent")
    # The widget is open: the visitor has read it, and Alice's thread says so.
    expect(desk.locator(".message-out [data-seen]")).to_have_text("Seen")
    # A photo from the visitor reaches the desk (cross-origin upload).
    photo = tmp_path / "paket.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    visitor.locator("#layan-chat input[type=file]").set_input_files(str(photo))
    expect(desk.locator(".attachments")).to_contain_text("paket.png")
    expect(visitor.locator("#layan-chat .msg.visitor img")).to_have_count(1)
    # The visitor closes the chat; Alice's next answer waits on the launcher until it is opened.
    launcher = visitor.locator("#layan-chat .launcher")
    launcher.click()
    desk.get_by_label("Message", exact=True).fill("Fotonya sudah kami terima.")
    desk.get_by_role("button", name="Send").click()
    expect(launcher.locator(".unread")).to_have_text("1")
    expect(launcher).to_have_attribute("aria-label", "Chat dengan kami: 1 pesan baru")
    launcher.click()
    expect(visitor.locator("#layan-chat .msg.agent")).to_have_count(2)
    expect(launcher.locator(".unread")).to_have_count(0)
    expect(launcher).to_have_attribute("aria-label", "Chat dengan kami")
    # The network drops: the visitor writes anyway, Alice answers meanwhile.
    visitor.context.set_offline(True)
    visitor.get_by_label("Tulis pesan…").fill("Masih di sana?")
    visitor.keyboard.press("Enter")
    expect(visitor.locator("#layan-chat .msg.pending")).to_have_count(1)
    desk.get_by_label("Message", exact=True).fill("Paketnya sudah di Surabaya.")
    desk.get_by_role("button", name="Send").click()
    expect(desk.locator(".message-out")).to_have_count(3)
    # Back online: nothing lost, nothing twice.
    visitor.context.set_offline(False)
    expect(visitor.locator("#layan-chat .msg.pending")).to_have_count(0)
    expect(visitor.locator("#layan-chat .msg.agent")).to_have_count(3)
    expect(visitor.locator("#layan-chat .msg.visitor")).to_have_count(3)
    expect(desk.locator(".message-in")).to_have_count(3)
    conversation = Conversation.objects.get()
    assert conversation.assignee_id == cast.alice.pk
    assert Message.objects.filter(conversation=conversation, text="Masih di sana?").count() == 1
    # The next page of the shop keeps the conversation (visitor token in localStorage), and
    # the chat stays open as it was, with nothing counted unread.
    visitor.reload()
    expect(visitor.locator("#layan-chat .panel")).to_be_visible()
    expect(visitor.locator("#layan-chat .msg")).to_have_count(6)
    expect(visitor.locator("#layan-chat .launcher")).to_have_text("Chat dengan kami")
    # Closed, it stays closed on the next page.
    visitor.locator("#layan-chat .launcher").click()
    visitor.reload()
    expect(visitor.locator("#layan-chat .launcher")).to_have_text("Chat dengan kami")
    expect(visitor.locator("#layan-chat .panel")).to_be_hidden()


def test_when_nobody_is_online_the_visitor_leaves_a_message_and_gets_the_reply(
    cast: Cast, chat_inbox: Inbox, new_page: NewPage, shop: str
) -> None:
    mail.outbox = []
    # Alice is away: no chat can start, and none is assigned to her.
    accounts.agent_set_availability(
        agent=cast.alice, availability="away", source="manual", actor=cast.alice
    )
    visitor = new_page()
    open_widget(visitor, shop)
    expect(visitor.locator("#layan-chat header .status")).to_have_text("Kami sedang tidak online")
    expect(visitor.locator("#layan-chat .reply-by")).to_contain_text("Balasan paling lambat")
    visitor.get_by_label("Nama").fill("Sari")
    visitor.get_by_label("Email").fill("sari@example.com")
    visitor.get_by_label("Pesan", exact=True).fill("Apakah batik ini ada ukuran XL?")
    visitor.get_by_role("button", name="Tinggalkan pesan").click()
    expect(visitor.locator("#layan-chat .log")).to_contain_text("Terima kasih")
    conversation = Conversation.objects.select_related("customer").get()
    assert conversation.assignee_id is None
    assert conversation.customer.email == "sari@example.com"
    assert conversation.customer.name == "Sari"
    # Alice answers later; the visitor has left, so the answer goes by email too,
    context = visitor.context
    visitor.close()
    deadline = time.monotonic() + 5
    while visitor_is_present(conversation_id=conversation.pk) and time.monotonic() < deadline:
        time.sleep(0.05)
    reply_send(conversation=conversation, agent=cast.alice, text="Ada, kak! Stok XL tinggal 3.")
    run_tasks_now()
    assert [m.to for m in mail.outbox] == [["sari@example.com"]]
    # and is in the widget on her next visit, counted on the launcher until she opens it.
    again = context.new_page()
    again.goto(shop)
    launcher = again.locator("#layan-chat .launcher")
    expect(launcher.locator(".unread")).to_have_text("1")
    launcher.click()
    expect(again.locator("#layan-chat .msg.agent")).to_contain_text("Stok XL tinggal 3")
    expect(launcher.locator(".unread")).to_have_count(0)


def test_the_bot_answers_in_the_widget_and_the_visitor_says_it_helped(
    cast: Cast, chat_inbox: Inbox, articles: list[Any], new_page: NewPage, shop: str
) -> None:
    visitor = ask_the_bot(chat_inbox, new_page(), shop, "Berapa lama pengembalian dana?")
    bot = visitor.locator("#layan-chat .msg.bot")
    expect(bot).to_contain_text("3 sampai 7 hari kerja")
    expect(bot.locator("a.article")).to_have_text("Berapa lama pengembalian dana?")
    bot.get_by_role("button", name="Sudah terjawab").click()
    expect(visitor.locator("#layan-chat .log")).to_contain_text("Senang bisa membantu!")
    expect(bot.get_by_role("button")).to_have_count(0)
    conversation = Conversation.objects.get()
    deadline = time.monotonic() + 5
    while conversation.status != "solved" and time.monotonic() < deadline:
        time.sleep(0.05)
        conversation.refresh_from_db()
    assert (conversation.status, conversation.assignee_id) == ("solved", None)


def test_when_the_bot_hands_off_and_nobody_is_online_the_visitor_leaves_an_email(
    cast: Cast, chat_inbox: Inbox, articles: list[Any], new_page: NewPage, shop: str
) -> None:
    visitor = ask_the_bot(chat_inbox, new_page(), shop, "Apakah ada toko offline di Bali?")
    visitor.get_by_label("Email").fill("wayan@example.com")
    visitor.locator("#layan-chat form.form").get_by_role("button", name="Kirim").click()
    expect(visitor.get_by_label("Tulis pesan…")).to_be_visible()
    conversation = Conversation.objects.get()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not Identity.objects.filter(kind="email").exists():
        time.sleep(0.05)
    conversation.refresh_from_db()
    assert conversation.customer.email == "wayan@example.com"
    assert conversation.events.filter(kind="bot", data__action="handed_off").exists()


def test_a_visitor_who_asks_for_a_person_is_told_who_will_reply_and_the_bot_steps_back(
    cast: Cast, chat_inbox: Inbox, articles: list[Any], new_page: NewPage, shop: str
) -> None:
    accounts.agent_set_availability(
        agent=cast.alice, availability="online", source="login", actor=cast.alice
    )
    visitor = ask_the_bot(chat_inbox, new_page(), shop, "Berapa lama pengembalian dana?")
    answer = visitor.locator("#layan-chat .msg.bot").first
    answer.get_by_role("button", name="Bicara dengan petugas").click()
    hand_off = visitor.locator("#layan-chat .msg.bot").nth(1)
    expect(hand_off).to_contain_text("Alice Agent dari tim kami akan membalas di sini.")
    # Named once: no "has joined" note repeats it.
    expect(visitor.locator("#layan-chat .note.agent")).to_have_count(0)
    # The answer's buttons are gone, also after the page is opened again.
    expect(visitor.locator("#layan-chat .bot-actions")).to_have_count(0)
    visitor.reload()
    expect(visitor.locator("#layan-chat .msg.bot")).to_have_count(2)
    expect(visitor.locator("#layan-chat .bot-actions")).to_have_count(0)
    assert Conversation.objects.get().assignee_id == cast.alice.pk
