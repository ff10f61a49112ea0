"""The webhook endpoint Meta's products share (WhatsApp, Instagram, Messenger): Meta's address
check, the signature of every call, and the call split into its events, each stored for the
worker before Meta gets its 200 (`inbound_accept`). A call signed by Meta but not understood is
kept whole and shown to admins as failed; nothing is processed in the request. (Imported by
the channels' URL modules, not their adapters: the inbound services stay out of processes that
never serve a webhook.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from layan.conversations.inbound import inbound_accept
from layan.inboxes.selectors import webhook_inbox
from layan.inboxes.webhooks import meta_call_refused, meta_verification

View = Callable[[HttpRequest, int], HttpResponse]


def meta_webhook(
    *, kind: str, config: Callable[[dict[str, Any]], Any], split: Callable[[bytes], list[bytes]]
) -> View:
    """The view for one product: `config` reads an inbox's settings (with `verify_token` and
    `app_secret`), `split` cuts a call into its events (ValueError: not understood)."""

    @csrf_exempt
    @require_http_methods(["GET", "POST"])
    def webhook(request: HttpRequest, inbox_id: int) -> HttpResponse:
        inbox = webhook_inbox(inbox_id=inbox_id, kind=kind)
        if inbox is None:
            raise Http404
        settings = config(inbox.config)
        if request.method == "GET":
            return meta_verification(request, verify_token=settings.verify_token, inbox_id=inbox.pk)
        if meta_call_refused(request, app_secret=settings.app_secret, inbox_id=inbox.pk):
            return HttpResponseForbidden("bad signature")
        body = request.body
        try:
            events = split(body)
        except ValueError:
            events = [body]
        if events:
            inbound_accept(inbox=inbox, payloads=events, source=kind)
        return HttpResponse(status=200)

    return webhook
