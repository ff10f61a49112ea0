"""The voice service's webhooks: a call rings (answered with TwiML that rings the shop's
lines and records the call), ends, and its recording is ready. Each request is checked
against X-Twilio-Signature and stored for the worker before it is answered."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from layan.channels.phone import twilio
from layan.channels.phone.config import PhoneConfig
from layan.channels.phone.parse import stored
from layan.conversations.inbound import inbound_accept
from layan.inboxes.models import Inbox
from layan.inboxes.selectors import webhook_inbox


def _accept(request: HttpRequest, inbox_id: int, kind: str) -> tuple[Inbox, PhoneConfig] | None:
    """The inbox and its settings, the request stored; None when it is not signed."""
    inbox = webhook_inbox(inbox_id=inbox_id, kind="phone")
    config = PhoneConfig.from_dict(inbox.config) if inbox is not None else None
    if inbox is None or config is None or not config.connected:
        raise Http404
    path = request.get_full_path()
    urls = [settings.BASE_URL + path, request.build_absolute_uri(path)]
    fields = [(name, value) for name, values in request.POST.lists() for value in values]
    given = request.headers.get("X-Twilio-Signature", "")
    if not twilio.signature_valid(config.auth_token, urls, fields, given):
        return None
    inbound_accept(inbox=inbox, payloads=[stored(kind, request.body)], source="phone")
    return inbox, config


def _twiml(body: str) -> HttpResponse:
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


@csrf_exempt
@require_POST
def voice(request: HttpRequest, inbox_id: int) -> HttpResponse:
    accepted = _accept(request, inbox_id, "voice")
    if accepted is None:
        return HttpResponseForbidden("bad signature")
    inbox, config = accepted
    return _twiml(
        twilio.dial(
            config.ring_numbers,
            action=settings.BASE_URL + reverse("phone_status", args=[inbox.pk]),
            recording_callback=settings.BASE_URL + reverse("phone_recording", args=[inbox.pk]),
        )
    )


@csrf_exempt
@require_POST
def status(request: HttpRequest, inbox_id: int) -> HttpResponse:
    if _accept(request, inbox_id, "status") is None:
        return HttpResponseForbidden("bad signature")
    return _twiml(twilio.empty())


@csrf_exempt
@require_POST
def recording(request: HttpRequest, inbox_id: int) -> HttpResponse:
    if _accept(request, inbox_id, "recording") is None:
        return HttpResponseForbidden("bad signature")
    return _twiml(twilio.empty())
