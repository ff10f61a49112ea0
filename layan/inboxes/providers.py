"""Calling a messaging provider's HTTP API (Telegram, Meta, WeChat): JSON in, JSON out.

One small client for every channel app, on the standard library: a request with a timeout, the
answer parsed whatever its status (providers explain errors in the body), and the failures
every provider shares turned into `DeliveryError`s the delivery gate understands (unreachable,
5xx and 429 are retried, honouring `Retry-After`). What a 4xx means is the channel's to say.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from layan.inboxes.registry import DeliveryError

TIMEOUT = 15.0
# Larger answers are refused (a provider's JSON answer is small; media is fetched by `fetch`).
MAX_ANSWER_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Reply:
    status: int
    data: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart/form-data call (a photo to Telegram, media to WhatsApp)."""

    field: str
    filename: str
    content_type: str
    content: bytes


def multipart(fields: dict[str, str], files: list[Upload]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type."""
    boundary = f"layan-{secrets.token_hex(16)}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + str(value).encode()
            + b"\r\n"
        )
    for upload in files:
        filename = upload.filename.replace('"', "").replace("\r", "").replace("\n", "")
        parts.append(
            (
                f"--{boundary}\r\n"
                # As browsers send it: the name in UTF-8, quotes and line breaks taken out.
                f'Content-Disposition: form-data; name="{upload.field}"; filename="{filename}"\r\n'
                f"Content-Type: {upload.content_type}\r\n\r\n"
            ).encode()
            + upload.content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def call(
    method: str,
    url: str,
    *,
    body: dict[str, Any] | None = None,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    files: list[Upload] | None = None,
    form: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> Reply:
    """One API call: `body` as JSON, or, with `files`, `body`'s values and the files as
    multipart/form-data, or `form` as application/x-www-form-urlencoded (Twilio's API). Raises
    DeliveryError (to be retried) when the provider cannot be reached, answers 5xx or 429;
    returns its answer otherwise, error or not."""
    if params:
        url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
    content_type = "application/json; charset=utf-8"
    data: bytes | None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        content_type = "application/x-www-form-urlencoded"
    elif files:
        data, content_type = multipart({k: str(v) for k, v in (body or {}).items()}, files)
    else:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (URL is https or loopback)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw, answer_headers = (
                response.status,
                response.read(MAX_ANSWER_BYTES),
                response.headers,
            )
    except urllib.error.HTTPError as error:
        status, raw, answer_headers = error.code, error.read(MAX_ANSWER_BYTES), error.headers
    except (OSError, ValueError) as error:  # refused, reset, timed out, bad URL
        raise DeliveryError(
            f"{urllib.parse.urlsplit(url).netloc}: {error}", reason="unavailable"
        ) from None
    try:
        parsed = json.loads(raw) if raw else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        parsed = {"text": raw[:500].decode("utf-8", "replace")}
    reply = Reply(
        status,
        parsed if isinstance(parsed, dict) else {"value": parsed},
        dict(answer_headers or {}),
    )
    if status == 429:
        raise DeliveryError(
            f"HTTP 429 {short(reply.data)}", reason="rate_limited", retry_after=retry_after(reply)
        )
    if status >= 500:
        raise DeliveryError(f"HTTP {status} {short(reply.data)}", reason="unavailable")
    return reply


def fetch(
    url: str, *, max_bytes: int, headers: dict[str, str] | None = None, timeout: float = 30
) -> tuple[bytes, str]:
    """Download a media file: its bytes and content type. ValueError when it is larger than
    `max_bytes`; DeliveryError when the server refuses (permanent) or cannot be reached or
    fails (to be retried)."""
    request = urllib.request.Request(url)  # noqa: S310
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise ValueError(f"the file is {declared} bytes, more than {max_bytes}")
            content = response.read(max_bytes + 1)
            kind = response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        # 4xx: refused or gone (permanent for this URL; a provider whose links expire asks for
        # a new one); 429 and 5xx: try again later.
        permanent = error.code != 429 and error.code < 500
        raise DeliveryError(
            f"media: HTTP {error.code}", permanent=permanent, reason="media"
        ) from None
    except OSError as error:
        raise DeliveryError(f"media: {error}", reason="unavailable") from None
    if len(content) > max_bytes:
        raise ValueError(f"the file is larger than {max_bytes} bytes")
    return content, kind


def retry_after(reply: Reply) -> float | None:
    value = reply.headers.get("Retry-After") or reply.headers.get("retry-after")
    if value is None:
        parameters = reply.data.get("parameters")  # Telegram puts it in the body
        value = parameters.get("retry_after") if isinstance(parameters, dict) else None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def short(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)[:300]
