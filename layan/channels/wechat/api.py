"""Calling WeChat's API: the access token (cached, refreshed when WeChat says it expired), the
customer-service message (客服消息, the reply outside the 5-second window, allowed for 48 hours
after the customer's last message), and temporary media.

WeChat answers errors with HTTP 200 and `{"errcode": 45015, "errmsg": "..."}`.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from layan.channels.wechat.config import WeChatConfig
from layan.inboxes import providers
from layan.inboxes.registry import DeliveryError

# Tokens WeChat says are invalid or expired: asked for anew, and the call made once more.
TOKEN_ERRORS = {40001, 40014, 42001}
RETRIED = {-1, 45009, 45011}  # system busy, call limits
REASONS = {
    45015: "wechat_window",
    45047: "wechat_window",
    40003: "invalid_recipient",
    43004: "blocked",
    48001: "credentials",
    40013: "credentials",
    40125: "credentials",
    40164: "credentials",
}


def _token_key(config: WeChatConfig) -> str:
    return f"layan:wechat-token:{config.app_id}"


def access_token(config: WeChatConfig, *, fresh: bool = False) -> str:
    """The account's access token, kept until shortly before it expires (7200 s)."""
    key = _token_key(config)
    token = None if fresh else cache.get(key)
    if token:
        return str(token)
    if not config.app_id or not config.app_secret:
        raise DeliveryError("no AppID or AppSecret", permanent=True, reason="credentials")
    reply = providers.call(
        "GET",
        f"{config.api_base}/cgi-bin/token",
        params={
            "grant_type": "client_credential",
            "appid": config.app_id,
            "secret": config.app_secret,
        },
    )
    token = reply.data.get("access_token")
    if not token:
        raise _error("token", reply.data)
    lifetime = int(reply.data.get("expires_in") or 7200)
    cache.set(key, token, max(60, lifetime - 300))
    return str(token)


def call(
    config: WeChatConfig, method: str, path: str, body: dict[str, Any] | None = None
) -> providers.Reply:
    for fresh in (False, True):
        token = access_token(config, fresh=fresh)
        reply = providers.call(
            method, f"{config.api_base}{path}", body=body, params={"access_token": token}
        )
        code = reply.data.get("errcode")
        if not code:
            return reply
        if code not in TOKEN_ERRORS:
            break
    raise _error(path, reply.data)


def _error(what: str, data: dict[str, Any]) -> DeliveryError:
    code = data.get("errcode")
    detail = f"WeChat {what}: ({code}) {data.get('errmsg', '')}".strip()[:500]
    if code in RETRIED:
        return DeliveryError(detail, reason="rate_limited" if code != -1 else "unavailable")
    return DeliveryError(detail, permanent=True, reason=REASONS.get(int(code or 0), "rejected"))


def send_text(config: WeChatConfig, *, openid: str, text: str) -> None:
    call(
        config,
        "POST",
        "/cgi-bin/message/custom/send",
        {"touser": openid, "msgtype": "text", "text": {"content": text}},
    )


def fetch_media(config: WeChatConfig, *, media_id: str, limit: int) -> tuple[bytes, str]:
    """Temporary media a customer sent (kept by WeChat for three days)."""
    content, kind = providers.fetch(
        f"{config.api_base}/cgi-bin/media/get?access_token={access_token(config)}"
        f"&media_id={media_id}",
        max_bytes=limit,
    )
    if kind == "application/json" or kind == "text/plain":
        # WeChat answers a failure with a JSON error instead of the file.
        raise ValueError(f"WeChat media {media_id}: {content[:200].decode('utf-8', 'replace')}")
    return content, kind


# What a customer-service message may carry, by type: WeChat's upload kind and size limit.
MEDIA_KINDS = {
    "image/jpeg": ("image", 10 * 1024 * 1024),
    "image/png": ("image", 10 * 1024 * 1024),
    "audio/amr": ("voice", 2 * 1024 * 1024),
    "audio/mpeg": ("voice", 2 * 1024 * 1024),
    "video/mp4": ("video", 10 * 1024 * 1024),
}


def send_file(
    config: WeChatConfig, *, openid: str, filename: str, content_type: str, content: bytes
) -> None:
    """A photo, voice note or video: uploaded as temporary media, then sent by its id. WeChat's
    customer-service messages carry no other files."""
    kind, limit = MEDIA_KINDS.get(content_type, ("", 0))
    if not kind or len(content) > limit:
        raise DeliveryError(
            f"WeChat sends photos, voice notes and videos only ({filename}, {content_type})",
            permanent=True,
            reason="media",
        )
    uploaded = providers.call(
        "POST",
        f"{config.api_base}/cgi-bin/media/upload",
        params={"access_token": access_token(config), "type": kind},
        files=[providers.Upload("media", filename, content_type, content)],
    )
    media_id = uploaded.data.get("media_id")
    if not media_id:
        raise _error("media/upload", uploaded.data)
    call(
        config,
        "POST",
        "/cgi-bin/message/custom/send",
        {"touser": openid, "msgtype": kind, kind: {"media_id": media_id}},
    )
