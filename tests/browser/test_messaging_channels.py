"""Telegram and WhatsApp from the desk in Chromium, in English, Indonesian and Chinese: an admin
connects the bot and saves the settings unchanged (nothing stored changes, no secret shown), and
an agent answers a WhatsApp customer and reads why a late reply was refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from layan.accounts.models import User
from layan.channels.telegram.config import webhook_secret
from layan.conversations.models import Conversation, Message
from layan.inboxes.models import Inbox
from layan.inboxes.services import inbox_create
from layan.testing.personas import PASSWORD, Cast
from layan.testing.provider import FakeProvider
from layan.wiring.background import run_once

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[..., Page]
LOCALES = {"en": "en-US", "id": "id-ID", "zh-hans": "zh-CN"}
TOKEN = "123456789:AAF0fake-token-for-tests_abcdefghij"
SECRET = "app-secret-for-tests"
NUMBER_ID = "106540352242922"
# In each language: the Telegram button, the WhatsApp label, the late-reply explanation, and
# the button that sends a template.
WORDS = {
    "en": ("Connect to Telegram", "Phone number ID", "only an approved template", "Send template"),
    "id": ("Hubungkan ke Telegram", "ID nomor telepon", "hanya menerima templat", "Kirim templat"),
    "zh-hans": ("连接到 Telegram", "电话号码 ID", "只接受已审核的模板", "发送模板"),
}
TEMPLATES = {
    "data": [
        {
            "name": "order_update",
            "language": "id",
            "status": "APPROVED",
            "components": [{"type": "BODY", "text": "Halo {{1}}, pesanan {{2}} sudah dikirim."}],
        }
    ]
}


def log_in(page: Page, user: User) -> None:
    page.goto("/desk/login/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("body")).to_have_attribute("data-socket", "open")


def whatsapp_message(inbox: Inbox, wamid: str, text: str) -> None:
    body = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "1",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "metadata": {"phone_number_id": NUMBER_ID},
                                "contacts": [
                                    {"profile": {"name": "Siti Rahma"}, "wa_id": "6281234567890"}
                                ],
                                "messages": [
                                    {
                                        "from": "6281234567890",
                                        "id": wamid,
                                        "timestamp": "1765000000",
                                        "type": "text",
                                        "text": {"body": text},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = Client().post(
        f"/hooks/whatsapp/{inbox.pk}/",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )
    assert response.status_code == 200
    run_once()


@pytest.mark.parametrize("language", list(LOCALES))
def test_admin_and_agent_use_the_messaging_channels_in_their_language(
    language: str, cast: Cast, new_page: NewPage
) -> None:
    connect_label, number_label, late_reason, send_template = WORDS[language]
    User.objects.filter(pk__in=[cast.iris.pk, cast.alice.pk]).update(language=language)
    with FakeProvider() as api:
        telegram = inbox_create(
            workspace=cast.workspace,
            kind="telegram",
            name="Telegram",
            config={"bot_token": TOKEN, "api_base": api.url},
        )
        whatsapp = inbox_create(
            workspace=cast.workspace,
            kind="whatsapp",
            name="WhatsApp",
            address="+6281200001111",
            config={
                "phone_number_id": NUMBER_ID,
                "business_account_id": "102290129340398",
                "access_token": "EAAJB-test-token",
                "app_secret": SECRET,
                "verify_token": "kopi-susu",
                "graph_base": api.url,
            },
        )
        api.answer(
            "POST",
            f"/bot{TOKEN}/getMe",
            {"ok": True, "result": {"id": 123456789, "is_bot": True, "username": "TokoTestBot"}},
        )
        api.answer("POST", f"/bot{TOKEN}/setWebhook", {"ok": True, "result": True})
        api.answer("GET", "/v23.0/102290129340398/message_templates", TEMPLATES)
        api.answer("POST", f"/v23.0/{NUMBER_ID}/messages", {"messages": [{"id": "wamid.OUT"}]})

        admin = new_page(locale=LOCALES[language])
        log_in(admin, User.objects.get(pk=cast.iris.pk))
        # The Telegram bot is connected from its inbox page.
        admin.goto(f"/desk/settings/inboxes/{telegram.pk}/")
        admin.get_by_role("button", name=connect_label).click()
        expect(admin.locator("body")).to_contain_text("@TokoTestBot")
        [hook] = api.calls_to(f"/bot{TOKEN}/setWebhook")
        assert hook.json["secret_token"] == webhook_secret(telegram.pk)
        # Both settings pages saved unchanged keep every value, secrets included.
        for inbox in (telegram, whatsapp):
            inbox.refresh_from_db()
            before = dict(inbox.config)
            admin.goto(f"/desk/settings/inboxes/{inbox.pk}/")
            if inbox == whatsapp:
                expect(admin.locator("form.card")).to_contain_text(number_label)
            assert "EAAJB" not in admin.content()
            assert TOKEN not in admin.content()
            with admin.expect_navigation():
                admin.locator("form.card button[type=submit]").first.click()
            expect(admin.locator(".errorlist")).to_have_count(0)
            inbox.refresh_from_db()
            assert inbox.config == before

        # An agent answers a WhatsApp customer from the conversation page.
        whatsapp_message(whatsapp, "wamid.IN1", "Kak, paket saya belum sampai")
        conversation = Conversation.objects.get(inbox=whatsapp)
        agent = new_page(locale=LOCALES[language])
        log_in(agent, User.objects.get(pk=cast.alice.pk))
        agent.goto(f"/desk/conversations/{conversation.number}/")
        agent.locator("textarea[name=text]").fill("Sudah dikirim hari ini, Kak.")
        agent.locator("form[data-reply-form] button[type=submit]").first.click()
        expect(agent.locator(".thread")).to_contain_text("Sudah dikirim hari ini, Kak.")
        run_once()
        [sent, _read_receipt] = api.calls_to(f"/v23.0/{NUMBER_ID}/messages")
        assert sent.json["text"]["body"].startswith("Sudah dikirim hari ini, Kak.")

        # A day later the window is closed: the reply is refused, and the agent reads why.
        Message.objects.filter(external_id="wamid.IN1").update(
            created_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=25)
        )
        agent.reload()
        agent.locator("textarea[name=text]").fill("Ada kabar lagi?")
        agent.locator("form[data-reply-form] button[type=submit]").first.click()
        expect(agent.locator(".thread")).to_contain_text("Ada kabar lagi?")
        run_once()
        agent.reload()
        expect(agent.locator(".thread [role=alert]")).to_contain_text(late_reason)
        assert "[window_closed]" not in agent.locator(".thread").inner_text()

        # The form now offers the approved templates: the agent sends one, its values filled.
        window = agent.locator("[data-whatsapp-window=closed]")
        expect(window).to_contain_text(late_reason)
        window.locator("summary", has_text="order_update").click()
        template = window.locator("[data-whatsapp-template=order_update]")
        template.locator("input[name=value]").nth(0).fill("Siti")
        template.locator("input[name=value]").nth(1).fill("TK-1042")
        template.get_by_role("button", name=send_template).click()
        expect(agent.locator(".thread")).to_contain_text(
            "Halo Siti, pesanan TK-1042 sudah dikirim."
        )
        run_once()
        assert api.calls_to(f"/v23.0/{NUMBER_ID}/messages")[-1].json["type"] == "template"


@pytest.mark.parametrize("language", list(LOCALES))
def test_an_agent_answers_a_wechat_follower_in_their_language(
    language: str, cast: Cast, new_page: NewPage
) -> None:
    from layan.channels.wechat import crypto

    token = "layantoken2026"
    User.objects.filter(pk=cast.alice.pk).update(language=language)
    with FakeProvider() as api:
        api.answer("GET", "/cgi-bin/token", {"access_token": "ACCESS1", "expires_in": 7200})
        api.answer("POST", "/cgi-bin/message/custom/send", {"errcode": 0, "errmsg": "ok"})
        inbox = inbox_create(
            workspace=cast.workspace,
            kind="wechat",
            name="公众号",
            config={
                "app_id": "wx1234567890abcdef",
                "app_secret": "secret",
                "token": token,
                "api_base": api.url,
            },
        )
        timestamp, nonce = "1765000000", "42"
        query = (
            f"timestamp={timestamp}&nonce={nonce}"
            f"&signature={crypto.signature(token, timestamp, nonce)}"
        )
        xml = (
            "<xml><FromUserName><![CDATA[oUpF8uMuAJO_M2pxb1Q9zNjWeS6o]]></FromUserName>"
            "<CreateTime>1765000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            "<Content><![CDATA[请问可以开发票吗？]]></Content><MsgId>123</MsgId></xml>"
        ).encode()
        response = Client().post(
            f"/hooks/wechat/{inbox.pk}/?{query}", data=xml, content_type="text/xml"
        )
        assert response.content == b"success"
        run_once()
        conversation = Conversation.objects.get(inbox=inbox)

        agent = new_page(locale=LOCALES[language])
        log_in(agent, User.objects.get(pk=cast.alice.pk))
        agent.goto(f"/desk/conversations/{conversation.number}/")
        expect(agent.locator(".thread")).to_contain_text("请问可以开发票吗？")
        agent.locator("textarea[name=text]").fill("可以，请把抬头和税号发给我们。")
        agent.locator("form[data-reply-form] button[type=submit]").first.click()
        expect(agent.locator(".thread")).to_contain_text("可以，请把抬头和税号发给我们。")
        run_once()
        [sent] = api.calls_to("/cgi-bin/message/custom/send")
        assert sent.json["touser"] == "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
        assert sent.json["text"]["content"].startswith("可以，请把抬头和税号发给我们。")
        agent.reload()
        expect(agent.locator(".thread [data-delivery=sent]")).to_have_count(1)


def comment_call(product: str, account: str, comment_id: str) -> dict[str, object]:
    """A webhook call carrying one customer's comment on the shop's post, as Meta sends it."""
    if product == "instagram":
        value: dict[str, object] = {
            "id": comment_id,
            "text": "Warna lain ada kak?",
            "from": {"id": "1122334455", "username": "rina.shop"},
            "media": {"id": "18000000000000001"},
        }
        return {"object": "instagram", "entry": [{"id": account, "changes": [
            {"field": "comments", "value": value}]}]}  # fmt: skip
    value = {
        "item": "comment",
        "verb": "add",
        "comment_id": comment_id,
        "post_id": f"{account}_900000000000001",
        "from": {"id": "1122334455", "name": "Rina Wijaya"},
        "message": "Warna lain ada kak?",
    }
    return {"object": "page", "entry": [{"id": account, "changes": [
        {"field": "feed", "value": value}]}]}  # fmt: skip


# Each of Meta's products: its inbox settings, where a public reply goes, the author shown.
COMMENT_PRODUCTS = {
    "instagram": ("account_id", "17900000000000001", "replies", "@rina.shop"),
    "messenger": ("page_id", "900000000000001_3000000000000001", "comments", "Rina Wijaya"),
}


@pytest.mark.parametrize("product", list(COMMENT_PRODUCTS))
@pytest.mark.parametrize("language", list(LOCALES))
def test_an_agent_answers_a_comment_publicly_and_privately(
    language: str, product: str, cast: Cast, new_page: NewPage
) -> None:
    account, secret = "17841400000000001", "meta-secret"
    id_field, comment_id, public_path, author = COMMENT_PRODUCTS[product]
    User.objects.filter(pk=cast.alice.pk).update(language=language)
    with FakeProvider() as api:
        api.answer("POST", f"/v23.0/{comment_id}/{public_path}", {"id": "17900000000000099"})
        api.answer("POST", f"/v23.0/{account}/messages", {"message_id": "m_private"})
        inbox = inbox_create(
            workspace=cast.workspace,
            kind=product,
            name=product.title(),
            config={
                id_field: account,
                "access_token": "meta-token",
                "app_secret": secret,
                "verify_token": "x",
                "graph_base": api.url,
            },
        )
        body = json.dumps(comment_call(product, account, comment_id)).encode()
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        Client().post(
            f"/hooks/{product}/{inbox.pk}/",
            data=body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": signature},
        )
        run_once()
        conversation = Conversation.objects.get(inbox=inbox)

        agent = new_page(locale=LOCALES[language])
        log_in(agent, User.objects.get(pk=cast.alice.pk))
        agent.goto(f"/desk/conversations/{conversation.number}/")
        expect(agent.locator("[data-public-comment-composer]")).to_contain_text(author)
        agent.locator("form[data-reply-form] textarea[name=text]").fill("Ada hitam dan putih, Kak.")
        agent.locator("form[data-reply-form] button[type=submit]").first.click()
        expect(agent.locator(".thread")).to_contain_text("Ada hitam dan putih, Kak.")
        agent.locator("[data-public-comment-composer] summary").click()
        agent.locator("form[data-private-reply] textarea").fill("Kak, mau ukuran apa?")
        agent.locator("form[data-private-reply] button[type=submit]").click()
        expect(agent.locator(".thread")).to_contain_text("Kak, mau ukuran apa?")
        expect(agent.locator(".thread [data-private-reply]")).to_have_count(1)
        run_once()
        [public] = api.calls_to(f"/v23.0/{comment_id}/{public_path}")
        assert public.json["message"].startswith("Ada hitam dan putih, Kak.")
        [private] = api.calls_to(f"/v23.0/{account}/messages")
        assert private.json["recipient"] == {"comment_id": comment_id}
