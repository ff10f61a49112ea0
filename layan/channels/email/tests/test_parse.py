"""The tricky-email corpus (tests/corpus/*.eml, written by hand) parses to exact expectations."""

from __future__ import annotations

from pathlib import Path

import pytest

from layan.channels.email.parse import parse_email
from layan.channels.email.quotes import visible_text

CORPUS = Path(__file__).parent / "corpus"


def parse(name: str):  # type: ignore[no-untyped-def]
    return parse_email((CORPUS / name).read_bytes())


def test_gmail_reply_keeps_only_the_new_text_and_carries_threading_hints() -> None:
    message = parse("01-gmail-reply-en.eml")
    assert message.sender_address == "carl@example.com"
    assert message.sender_name == "Carl Customer"
    assert message.text == "Thanks, it arrived today!"
    assert "Your parcel is on its way." in message.full_text
    assert message.references == ["layan.7.abc@toko.example"]
    assert message.conversation_number == 7
    assert message.thread_tokens == ["abcdefghijklmnop"]
    assert message.external_id == "gm-001@mail.example.com"


def test_gbk_labelled_gb2312_and_chinese_outlook_quote() -> None:
    message = parse("02-outlook-gbk-zh.eml")
    assert message.sender_name == "张伟"
    assert message.subject == "回复: 退款"
    assert message.text == "您好，我的退款什么时候到账？\n\n谢谢"
    # 镕 is outside GB2312: only the GBK/GB18030 fallback decodes it.
    assert "旧内容 镕" in message.full_text


def test_indonesian_quoted_printable_latin1() -> None:
    message = parse("03-indonesian-latin1-qp.eml")
    assert message.text == "Halo kak, barangnya belum sampai. Résumé ongkir?"
    assert "Pesanan Anda sudah dikirim." in message.full_text


def test_html_only_mail_becomes_text_and_safe_html() -> None:
    message = parse("04-html-only.eml")
    assert message.text == "Hello,\n\nI need help with my order.\n\n- Item A\n- Item B"
    assert "<script" not in message.html
    assert "alert(1)" not in message.html
    assert "onclick" not in message.html
    assert "color:red" not in message.html
    # The tracking pixel is not loaded: its remote source is gone.
    assert "tracker.example" not in message.html
    assert 'href="https://shop.example/o/1"' in message.html


def test_multipart_with_inline_image_and_rfc2231_attachment_name() -> None:
    message = parse("05-multipart-attachments.eml")
    assert message.subject == "Invoice – photo"
    assert message.text == "See the photo and the invoice."
    inline, invoice = message.attachments
    assert (inline.content_type, inline.is_inline, inline.content_id) == (
        "image/png",
        True,
        "photo1@example.com",
    )
    assert inline.content.startswith(b"\x89PNG")
    assert (invoice.filename, invoice.content_type, invoice.is_inline) == (
        "发票.pdf",
        "application/pdf",
        False,
    )
    assert invoice.content.startswith(b"%PDF-1.4")
    assert 'src="cid:photo1@example.com"' in message.html


def test_auto_reply_is_flagged_as_automated() -> None:
    message = parse("06-auto-reply.eml")
    assert message.automated_reason == "Auto-Submitted: auto-replied"
    assert message.bounce is None


def test_bounce_names_our_original_message_and_the_reason() -> None:
    message = parse("07-bounce.eml")
    assert message.bounce is not None
    assert message.bounce.original_message_id == "BOUNCED-ORIGINAL-ID"
    assert "550 5.1.1" in message.bounce.reason
    assert message.automated_reason


@pytest.mark.parametrize(
    ("name", "sender_name", "subject", "text"),
    [
        ("08-big5.eml", "陳小明", "運費查詢", "請問運費多少？"),
        ("09-iso2022jp.eml", "Tanaka", "こんにちは", "注文について質問があります。"),
        ("14-utf7.eml", "Old Client", "utf7 test", "Café ordered 世界"),
    ],
)
def test_east_asian_and_legacy_charsets(
    name: str, sender_name: str, subject: str, text: str
) -> None:
    message = parse(name)
    assert (message.sender_name, message.subject, message.text) == (sender_name, subject, text)


def test_malformed_mime_still_yields_the_text_and_raw_8bit_headers() -> None:
    message = parse("10-malformed.eml")
    assert message.subject == "Tolong cek pesanan — segera"
    assert message.text == "Pesanan saya #123 belum datang."
    assert [attachment.filename for attachment in message.attachments] == ["data.bin"]


def test_mail_without_a_sender_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="no sender"):
        parse("11-no-sender.eml")


def test_windows_1252_with_signature_and_outlook_header_block() -> None:
    message = parse("12-windows-1252-outlook.eml")
    assert message.text == "We’d like a refund – the item is broken."
    assert "Old text" in message.full_text


def test_forwarded_message_attached_stays_an_attachment() -> None:
    message = parse("13-forward-attached.eml")
    assert message.text == "Ini bukti transfer saya."
    assert [attachment.content_type for attachment in message.attachments] == ["message/rfc822"]
    assert message.bounce is None


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        (
            "Ok!\n\nOn Tue, 3 Nov 2026 at 10:02, Toko Test <support@toko.example>\nwrote:\n> x",
            "Ok!",
        ),
        ("Siap.\n\nPada tanggal Sel, 3 Nov 2026 10.02 Toko menulis:\n> x", "Siap."),
        ("好的\n\n在 2026年11月3日 10:02，Toko <support@toko.example> 写道：\n> x", "好的"),
        ("Thanks\n\nSent from my iPhone", "Thanks"),
        ("Makasih\n\nDikirim dari iPhone saya", "Makasih"),
        ("收到\n\n发自我的iPhone", "收到"),
        ("Yes\n________________________________\nFrom: Toko\nSent: Monday\nTo: me", "Yes"),
        ("> only a quote\n> nothing new", "> only a quote\n> nothing new"),
    ],
)
def test_visible_text_in_three_languages(text: str, visible: str) -> None:
    assert visible_text(text) == visible


@pytest.mark.parametrize("label", ["utf-8", "iso-8859-1", "us-ascii"])
def test_a_gbk_body_with_the_wrong_label_is_read_as_chinese(label: str) -> None:
    text = "您好，我的订单还没有收到，请帮我查一下物流。谢谢！"
    raw = (
        b"From: =?utf-8?b?546L5bCP5piO?= <wang@example.cn>\r\n"
        b"To: support@toko.example\r\nSubject: order\r\nMessage-ID: <gbk-1@example.cn>\r\n"
        b"Content-Type: text/plain; charset=" + label.encode() + b"\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + text.encode("gbk") + b"\r\n"
    )
    assert parse_email(raw).text == text


@pytest.mark.parametrize(
    ("text", "encoding", "label"),
    [
        ("Grüße aus München, schöne Straße", "latin-1", "utf-8"),
        ("Café crème brûlée à la française", "cp1252", "iso-8859-1"),
    ],
)
def test_latin_text_is_not_mistaken_for_chinese(text: str, encoding: str, label: str) -> None:
    raw = (
        b"From: a@example.com\r\nTo: support@toko.example\r\nSubject: x\r\n"
        b"Content-Type: text/plain; charset=" + label.encode() + b"\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + text.encode(encoding) + b"\r\n"
    )
    assert parse_email(raw).text == text


@pytest.mark.parametrize(
    "sender",
    [
        b"budi@example.com (Budi Santoso)",
        b"<budi@example.com> (Budi Santoso)",
        b"budi@example.com (=?utf-8?q?Budi_Santoso?=)",
        b"Budi Santoso <budi@example.com>",
    ],
)
def test_old_style_senders_keep_their_name(sender: bytes) -> None:
    raw = (
        b"From: " + sender + b"\r\nTo: support@toko.example\r\nSubject: halo\r\n"
        b"Message-ID: <old-1@example.com>\r\n\r\nHalo\r\n"
    )
    message = parse_email(raw)
    assert (message.sender_address, message.sender_name) == ("budi@example.com", "Budi Santoso")
