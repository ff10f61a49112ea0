"""What Meta's webhooks (WhatsApp, Instagram, Messenger) share: the address check and the
signature of every call. Per Meta's Webhooks reference: the dashboard checks the address with
GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… (echo the challenge when the token
fits), and every POST carries X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body,
keyed with the app secret."""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

logger = logging.getLogger(__name__)


def meta_signature_valid(secret: str, body: bytes, header: str) -> bool:
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :].strip().lower())


def meta_verification(request: HttpRequest, *, verify_token: str, inbox_id: int) -> HttpResponse:
    """The answer to Meta's address check (a GET)."""
    token = request.GET.get("hub.verify_token", "")
    if (
        request.GET.get("hub.mode") == "subscribe"
        and verify_token
        and hmac.compare_digest(token.encode(), verify_token.encode())
    ):
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    logger.warning("webhook verification for inbox %s refused", inbox_id)
    return HttpResponseForbidden("wrong verify token")


def meta_call_refused(request: HttpRequest, *, app_secret: str, inbox_id: int) -> bool:
    """True (and logged) when a POST is not signed by Meta with this app's secret."""
    header = request.headers.get("X-Hub-Signature-256", "")
    if meta_signature_valid(app_secret, request.body, header):
        return False
    logger.warning("webhook for inbox %s refused: bad signature", inbox_id)
    return True
