"""The WeChat channel from the outside: WeChat's signed pushes in (plain and encrypted mode),
its API (a real HTTP server on loopback speaking its contract) out."""

from __future__ import annotations

import base64
import datetime as dt
import time
from typing import Any

import pytest
from django.test import Client

from layan.channels.wechat import crypto
from layan.conversations.models import Conversation, Message
from layan.conversations.services import reply_send
from layan.customers.models import Identity
from layan.inboxes.models import InboundRaw, Inbox
from layan.inboxes.services import inbox_create
from layan.testing.personas import Cast
from layan.testing.provider import FakeProvider
from layan.wiring.background import run_once

pytestmark = pytest.mark.django_db(transaction=True)

APP_ID = "wx1234567890abcdef"
TOKEN = "layantoken2026"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
SEND = "/cgi-bin/message/custom/send"


@pytest.fixture
def inbox(cast: Cast, api: FakeProvider) -> Inbox:
    api.answer("GET", "/cgi-bin/token", {"access_token": "ACCESS1", "expires_in": 7200})
    return inbox_create(
        workspace=cast.workspace,
        kind="wechat",
        name="公众号",
        config={
            "app_id": APP_ID,
            "app_secret": "secret-of-the-account",
            "token": TOKEN,
            "encoding_aes_key": AES_KEY,
            "api_base": api.url,
        },
    )


def text_xml(msg_id: int, text: str, *, sender: str = OPENID) -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[gh_1234567890ab]]></ToUserName>"
        f"<FromUserName><![CDATA[{sender}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    ).encode()


def signed(**extra: str) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), "1320562132"
    return {
        "timestamp": timestamp,
        "nonce": nonce,
        "signature": crypto.signature(TOKEN, timestamp, nonce),
        **extra,
    }


def push(inbox: Inbox, xml: bytes, *, encrypted: bool = False, **query: str) -> Any:
    params = signed()
    body = xml
    if encrypted:
        envelope = crypto.encrypt(
            base64.b64decode(AES_KEY + "="), xml, app_id=query.pop("app_id", APP_ID)
        )
        params.update(
            encrypt_type="aes",
            msg_signature=crypto.signature(TOKEN, params["timestamp"], params["nonce"], envelope),
        )
        body = f"<xml><ToUserName>gh_1</ToUserName><Encrypt>{envelope}</Encrypt></xml>".encode()
    params.update(query)  # what a test forges
    query_string = "&".join(f"{key}={value}" for key, value in params.items())
    return Client().post(
        f"/hooks/wechat/{inbox.pk}/?{query_string}", data=body, content_type="text/xml"
    )


def test_wechat_checks_the_server_address(inbox: Inbox) -> None:
    ok = Client().get(f"/hooks/wechat/{inbox.pk}/", signed(echostr="5837397749125838771"))
    assert (ok.status_code, ok.content) == (200, b"5837397749125838771")
    forged = Client().get(
        f"/hooks/wechat/{inbox.pk}/",
        {**signed(echostr="1"), "signature": "0" * 40},
    )
    assert forged.status_code == 403


def test_plain_and_encrypted_messages_arrive_once_and_are_answered_at_once(inbox: Inbox) -> None:
    started = time.perf_counter()
    response = push(inbox, text_xml(6001, "你好，我的订单还没到"))
    assert (response.status_code, response.content) == (200, b"success")
    assert time.perf_counter() - started < 5  # WeChat waits 5 seconds at most
    push(inbox, text_xml(6001, "你好，我的订单还没到"))  # WeChat retried
    push(inbox, text_xml(6002, "订单号 TK-1042"), encrypted=True)
    run_once()

    conversation = Conversation.objects.get()
    assert list(conversation.messages.values_list("text", flat=True)) == [
        "你好，我的订单还没到",
        "订单号 TK-1042",
    ]
    assert conversation.language == "zh-hans"
    assert Identity.objects.filter(kind="wechat", address=OPENID).count() == 1


def test_bad_signatures_and_messages_for_another_account_are_refused_or_kept(
    inbox: Inbox,
) -> None:
    response = push(inbox, text_xml(1, "x"), signature="0" * 40)
    assert response.status_code == 403
    assert not InboundRaw.objects.exists()
    tampered = push(inbox, text_xml(2, "x"), encrypted=True, msg_signature="0" * 40)
    assert tampered.status_code == 403
    # Signed, but sealed for another account's AppID: kept whole, shown as failed.
    push(inbox, text_xml(3, "x"), encrypted=True, app_id="wx0000000000000000")
    push(
        inbox,
        b"<xml><MsgType>event</MsgType><Event>subscribe</Event><FromUserName>o1</FromUserName></xml>",
    )
    run_once()
    assert sorted(InboundRaw.objects.values_list("status", flat=True)) == ["failed", "ignored"]
    assert not Conversation.objects.exists()


def test_a_reply_goes_out_as_a_customer_service_message(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    api.answer(
        "POST",
        SEND,
        {"errcode": 42001, "errmsg": "access_token expired"},
        {"errcode": 0, "errmsg": "ok"},
    )
    push(inbox, text_xml(7001, "请问什么时候发货？"))
    run_once()
    reply = reply_send(conversation=Conversation.objects.get(), agent=cast.alice, text="今天发货。")
    run_once()

    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.SENT
    first, second = api.calls_to(SEND)
    assert first.query["access_token"] == ["ACCESS1"]
    assert len(api.calls_to("/cgi-bin/token")) == 2  # expired: asked for a new one, once
    assert second.json["touser"] == OPENID
    assert second.json["msgtype"] == "text"
    assert second.json["text"]["content"].startswith("今天发货。")


def test_after_48_hours_the_agent_is_told_why_nothing_was_sent(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    push(inbox, text_xml(8001, "在吗"))
    run_once()
    Message.objects.filter(external_id="wechat:8001").update(
        created_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=49)
    )
    reply = reply_send(conversation=Conversation.objects.get(), agent=cast.alice, text="在的")
    run_once()
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.FAILED
    assert reply.delivery_error.startswith("[wechat_window]")
    assert api.calls_to(SEND) == []


def test_a_long_chinese_reply_is_sent_in_parts_within_wechats_limit() -> None:
    from layan.channels.wechat.adapter import MAX_TEXT_BYTES, chunks

    text = "\n".join(["这是一段很长的回复，包含订单和物流的详细说明。" * 10] * 8)
    parts = chunks(text)
    assert len(parts) > 1
    assert all(len(part.encode()) <= MAX_TEXT_BYTES for part in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_a_photo_is_fetched_from_wechats_temporary_media(inbox: Inbox, api: FakeProvider) -> None:
    from layan.testing.provider import Answer

    api.answer(
        "GET", "/cgi-bin/media/get", Answer(content=b"\xff\xd8wechat", content_type="image/jpeg")
    )
    push(
        inbox,
        (
            f"<xml><FromUserName>{OPENID}</FromUserName><CreateTime>1765000000</CreateTime>"
            "<MsgType>image</MsgType><PicUrl>http://mmbiz.qpic.cn/x</PicUrl>"
            "<MediaId>media_id_123</MediaId><MsgId>9001</MsgId></xml>"
        ).encode(),
    )
    run_once()
    message = Message.objects.get(external_id="wechat:9001")
    assert message.attachments.get().file.read() == b"\xff\xd8wechat"
    [download] = api.calls_to("/cgi-bin/media/get")
    assert download.query == {"access_token": ["ACCESS1"], "media_id": ["media_id_123"]}
