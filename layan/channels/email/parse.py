"""Raw RFC 5322 bytes -> InboundMessage. Pure: no ORM, no I/O, never raises on bad mail.

Decoding is defensive because real mail is: declared charsets lie, Chinese clients label GBK
as gb2312, headers arrive as raw 8-bit bytes, base64 is truncated. Text goes through one
fallback chain (declared charset, with the usual aliases -> UTF-8 -> charset detection ->
GB18030 -> Latin-1), so no message is lost to a decoding error.
"""

from __future__ import annotations

import datetime as dt
import email
import email.header
import email.utils
import re
from email import policy
from email.message import Message

import charset_normalizer

from layan.channels.email.html import html_to_text, sanitize_email_html
from layan.channels.email.quotes import visible_text
from layan.inboxes.types import Bounce, InboundAttachment, InboundMessage

# Labels that name a smaller charset than the one the sender's client really used.
CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "ansi_x3.4-1968": "utf-8",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
}
NO_REPLY = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?|notifications?)([+-].*)?@",
    re.IGNORECASE,
)
TOKEN = re.compile(r"\+c-([a-z0-9]{16})@", re.IGNORECASE)
BODY_MARKER = re.compile(r"\[ref:([a-z0-9]{16})\]", re.IGNORECASE)
SUBJECT_NUMBER = re.compile(r"\[#(\d{1,9})\]")
MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
KEPT_HEADERS = (
    "message-id", "in-reply-to", "references", "from", "to", "cc", "reply-to", "date", "subject",
    "auto-submitted", "precedence", "list-id", "x-autoreply", "x-autorespond",
    "x-auto-response-suppress", "return-path", "delivered-to",
)  # fmt: skip


# Single-byte charsets that decode any bytes at all: a GBK text labelled with one of them
# decodes "successfully" into mojibake, so their result is checked for plausibility.
ANY_BYTES = {"cp1252", "latin-1", "iso-8859-15", "windows-1252"}


def _common_hanzi(char: str) -> bool:
    """One of GB2312's 3,755 level-1 characters: most of any real Chinese text."""
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


def _reads_as_chinese(text: str) -> bool:
    """Chinese written by a person, not bytes of another charset read as GB18030: almost all
    of its Han characters are common ones (random pairs are mostly rare characters)."""
    hanzi = [char for char in text if "\u4e00" <= char <= "\u9fff"]
    if len(hanzi) < 2:
        return False
    return sum(map(_common_hanzi, hanzi)) >= 0.8 * len(hanzi)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Text from bytes: the declared charset if it decodes them (and, for one that decodes
    anything, unless the bytes read as Chinese), UTF-8, GB18030 when the result reads as
    Chinese (Chinese clients send GBK labelled utf-8 or latin-1), then detection."""
    candidates: list[str] = []
    if declared:
        label = declared.strip().strip('"').lower()
        candidates.append(CHARSET_ALIASES.get(label, label))
    candidates.append("utf-8")
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
        if candidate in ANY_BYTES and any(byte >= 0x80 for byte in data):
            chinese = _gb18030(data)
            if chinese is not None and _reads_as_chinese(chinese):
                return chinese
        return text
    chinese = _gb18030(data)
    if chinese is not None and _reads_as_chinese(chinese):
        return chinese
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best)
    for fallback in ("gb18030", "cp1252"):
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _gb18030(data: bytes) -> str | None:
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _repair_surrogates(value: str) -> str:
    # Raw 8-bit header bytes surface as lone surrogates: decode them like a body.
    if any("\udc80" <= char <= "\udcff" for char in value):
        return decode_bytes(value.encode("utf-8", "surrogateescape"))
    return value


def decode_header(value: str | None) -> str:
    """An RFC 2047 header value as text, whatever charsets (or raw bytes) it carries."""
    if not value:
        return ""
    value = _repair_surrogates(str(value))
    try:
        chunks = email.header.decode_header(value)
    except Exception:
        return " ".join(value.split())
    parts = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            parts.append(decode_bytes(chunk, charset))
        else:
            parts.append(chunk)
    return " ".join("".join(parts).split())


def _raw_headers(message: Message) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in message.raw_items():
        key = name.lower()
        if key in KEPT_HEADERS and key not in headers:
            headers[key] = _repair_surrogates(str(value))
    return headers


# The old style "user@example.com (Full Name)" that list and news gateways still send: the
# comment is the name (getaddresses reads it, except after an address in angle brackets).
TRAILING_COMMENT = re.compile(r"\(([^()]+)\)\s*$")


def _addresses(raw: str) -> list[tuple[str, str]]:
    pairs = email.utils.getaddresses([raw])
    found = [(decode_header(name), address.strip()) for name, address in pairs if "@" in address]
    if len(found) == 1 and not found[0][0]:
        comment = TRAILING_COMMENT.search(raw)
        if comment:
            found = [(decode_header(comment[1]), found[0][1])]
    return found


def _message_ids(raw: str) -> list[str]:
    return MESSAGE_ID.findall(raw or "")


def _payload_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return decode_bytes(payload, part.get_content_charset())


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    return decode_header(name) if name else ""


class _Body:
    def __init__(self) -> None:
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.attachments: list[InboundAttachment] = []
        self.bounce_reason = ""
        self.bounced_message_ids: list[str] = []

    def visit(self, part: Message) -> None:
        maintype = part.get_content_maintype()
        ctype = part.get_content_type()
        if part.is_multipart() and maintype == "multipart":
            for child in part.get_payload():
                if isinstance(child, Message):
                    self.visit(child)
            return
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part)
        if ctype == "message/delivery-status":
            self.bounce_reason = _delivery_status(part)
            return
        if ctype in {"message/rfc822", "text/rfc822-headers"}:
            self._attached_message(part, ctype, filename)
            return
        if ctype in {"text/plain", "text/html"} and disposition != "attachment" and not filename:
            (self.texts if ctype == "text/plain" else self.htmls).append(_payload_text(part))
            return
        content = part.get_payload(decode=True)
        if not isinstance(content, bytes):
            content = str(part.get_payload()).encode()
        # compat32 hands a header holding raw 8-bit bytes back as a Header object: str() it.
        content_id = str(part.get("Content-ID") or "").strip().strip("<>")
        self.attachments.append(
            InboundAttachment(
                filename=filename or _default_name(ctype),
                content_type=ctype,
                content=content,
                content_id=content_id,
                is_inline=bool(content_id) and disposition != "attachment",
            )
        )

    def _attached_message(self, part: Message, ctype: str, filename: str) -> None:
        header_source: Message | None
        if ctype == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            content = inner.as_bytes() if isinstance(inner, Message) else b""
            header_source = inner if isinstance(inner, Message) else None
        else:
            decoded = part.get_payload(decode=True)
            content = decoded if isinstance(decoded, bytes) else b""
            header_source = email.message_from_bytes(content, policy=policy.compat32)
        if isinstance(header_source, Message):
            self.bounced_message_ids += _message_ids(str(header_source.get("Message-ID", "")))
        self.attachments.append(
            InboundAttachment(
                filename=filename
                or ("message.eml" if ctype == "message/rfc822" else "headers.txt"),
                content_type=ctype,
                content=content if isinstance(content, bytes) else b"",
            )
        )


def _delivery_status(part: Message) -> str:
    text = part.as_string() if not part.is_multipart() else str(part)
    match = re.search(r"^Diagnostic-Code:\s*(.+(?:\n[ \t].+)*)", text, re.MULTILINE | re.IGNORECASE)
    if match:
        return " ".join(match.group(1).split())
    status = re.search(r"^Status:\s*(\S+)", text, re.MULTILINE | re.IGNORECASE)
    return f"Status {status.group(1)}" if status else "Delivery failed"


def _default_name(ctype: str) -> str:
    extension = {
        "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "application/pdf": ".pdf",
        "text/calendar": ".ics", "text/plain": ".txt", "text/html": ".html",
    }.get(ctype, ".bin")  # fmt: skip
    return "attachment" + extension


def _automated_reason(headers: dict[str, str], sender: str) -> str:
    auto_submitted = headers.get("auto-submitted", "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in {"bulk", "list", "junk", "auto_reply"}:
        return f"Precedence: {precedence}"
    for name in ("x-autoreply", "x-autorespond"):
        if headers.get(name):
            return name
    if headers.get("list-id"):
        return "List-Id"
    if NO_REPLY.match(sender):
        return "no-reply sender"
    if headers.get("return-path", "").strip() == "<>":
        return "null return path"
    return ""


def _sent_at(raw: str) -> dt.datetime | None:
    try:
        value = email.utils.parsedate_to_datetime(raw) if raw else None
    except (TypeError, ValueError, IndexError):
        return None
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def parse_email(raw: bytes) -> InboundMessage:
    """Parse one email. Raises ValueError only when there is no sender to answer at all."""
    # compat32: the headers we read are raw strings decoded by our own chain (decode_header,
    # _raw_headers), and parsing skips policy.default's header objects, a third of the time.
    message = email.message_from_bytes(raw, policy=policy.compat32)
    headers = _raw_headers(message)
    senders = _addresses(headers.get("from", "")) or _addresses(headers.get("reply-to", ""))
    if not senders:
        raise ValueError("The message has no sender address (From).")
    sender_name, sender_address = senders[0]
    recipients = [
        address
        for key in ("to", "cc", "delivered-to")
        for _name, address in _addresses(headers.get(key, ""))
    ]
    body = _Body()
    body.visit(message)
    html_source = "\n".join(body.htmls)
    full_text = "\n\n".join(text.strip() for text in body.texts if text.strip())
    if not full_text and html_source:
        full_text = html_to_text(html_source)
    subject = decode_header(headers.get("subject") or str(message.get("Subject", "") or ""))
    external_id = (_message_ids(headers.get("message-id", "")) or [""])[0]
    references = _message_ids(headers.get("references", "")) + _message_ids(
        headers.get("in-reply-to", "")
    )
    tokens = [match.lower() for match in TOKEN.findall(" ".join(recipients))]
    tokens += [match.lower() for match in BODY_MARKER.findall(full_text + html_source)]
    number = SUBJECT_NUMBER.search(subject)
    automated = _automated_reason(headers, sender_address)
    content_type = message.get_content_type()
    is_report = content_type == "multipart/report" or (
        automated in {"no-reply sender", "null return path"} and body.bounced_message_ids
    )
    bounce = None
    if is_report and body.bounced_message_ids:
        bounce = Bounce(
            original_message_id=body.bounced_message_ids[0],
            reason=body.bounce_reason or "Delivery failed",
        )
        automated = automated or "delivery report"
    return InboundMessage(
        external_id=external_id[:255],
        identity_kind="email",
        sender_address=sender_address.lower(),
        sender_name=sender_name,
        subject=subject[:255],
        text=visible_text(full_text),
        full_text=full_text,
        html=sanitize_email_html(html_source) if html_source else "",
        attachments=body.attachments,
        references=list(dict.fromkeys(references)),
        thread_tokens=list(dict.fromkeys(tokens)),
        conversation_number=int(number.group(1)) if number else None,
        recipients=recipients,
        headers={key: value[:1000] for key, value in headers.items()},
        sent_at=_sent_at(headers.get("date", "")),
        automated_reason=automated,
        bounce=bounce,
    )
