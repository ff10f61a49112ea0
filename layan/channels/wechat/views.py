"""WeChat's server address: the verification (GET) and pushed messages (POST), answered
"success" at once (WeChat waits at most 5 seconds); the reply goes later, as a
customer-service message."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from layan.channels.wechat import crypto
from layan.channels.wechat.config import WeChatConfig
from layan.channels.wechat.parse import fields
from layan.conversations.inbound import inbound_accept
from layan.inboxes.selectors import webhook_inbox

logger = logging.getLogger(__name__)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def server(request: HttpRequest, inbox_id: int) -> HttpResponse:
    inbox = webhook_inbox(inbox_id=inbox_id, kind="wechat")
    if inbox is None:
        raise Http404
    config = WeChatConfig.from_dict(inbox.config)
    timestamp, nonce = request.GET.get("timestamp", ""), request.GET.get("nonce", "")
    if not config.token or not crypto.signature_valid(
        request.GET.get("signature", ""), config.token, timestamp, nonce
    ):
        logger.warning("wechat call for inbox %s refused: bad signature", inbox.pk)
        return HttpResponseForbidden("bad signature")
    if request.method == "GET":
        # WeChat checks the address when an admin saves it: echo its random string.
        return HttpResponse(request.GET.get("echostr", ""), content_type="text/plain")
    payload = request.body
    if request.GET.get("encrypt_type") == "aes":
        try:
            encrypted = fields(payload).get("Encrypt", "")
        except ValueError:
            encrypted = ""
        if not crypto.signature_valid(
            request.GET.get("msg_signature", ""), config.token, timestamp, nonce, encrypted
        ):
            logger.warning("wechat message for inbox %s refused: bad msg_signature", inbox.pk)
            return HttpResponseForbidden("bad msg_signature")
        try:
            payload = crypto.decrypt(config.aes_key(), encrypted, app_id=config.app_id)
        except Exception as error:
            logger.warning("wechat message for inbox %s not decrypted: %s", inbox.pk, error)
    inbound_accept(inbox=inbox, payloads=[payload], source="wechat")
    return HttpResponse("success", content_type="text/plain")
