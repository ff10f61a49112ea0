"""The voice service's webhooks: a call rings (answered with TwiML that rings the shop's
lines and records the call), ends, and its recording is ready. Each request is checked
against X-Twilio-Signature and stored for the worker before it is answered."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from layan.accounts.access import agent_required, current_agent
from layan.channels.phone import services, twilio
from layan.channels.phone.config import PhoneConfig
from layan.channels.phone.parse import cti_stored, stored
from layan.conversations.inbound import inbound_accept
from layan.conversations.models import Message
from layan.customers.access import access_customer
from layan.inboxes.models import Inbox
from layan.inboxes.selectors import webhook_inbox
from layan.inboxes.webhooks import meta_signature_valid

logger = logging.getLogger(__name__)


def _accept(request: HttpRequest, inbox_id: int, kind: str) -> tuple[Inbox, PhoneConfig] | None:
    """The inbox and its settings, the request stored; None when it is not signed. A request
    about a call placed from the desk (`?call=<message>`) is stored with the customer's number:
    the service knows it only as the number dialled from the agent's phone."""
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
    customer = ""
    if request.GET.get("call", "").isdigit():
        placed = _placed_call(inbox, int(request.GET["call"]))
        customer = str((placed.headers.get("call") or {}).get("to", "")) if placed else ""
    inbound_accept(
        inbox=inbox, payloads=[stored(kind, request.body, customer=customer)], source="phone"
    )
    return inbox, config


def _placed_call(inbox: Inbox, message_id: int) -> Message | None:
    return Message.objects.filter(
        pk=message_id, inbox=inbox, direction=Message.Direction.OUTBOUND
    ).first()


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
def connect(request: HttpRequest, inbox_id: int, message_id: int) -> HttpResponse:
    """The agent answered a call placed from the desk: now call the customer."""
    inbox = webhook_inbox(inbox_id=inbox_id, kind="phone")
    config = PhoneConfig.from_dict(inbox.config) if inbox is not None else None
    placed = _placed_call(inbox, message_id) if inbox is not None else None
    if inbox is None or config is None or not config.connected or placed is None:
        raise Http404
    path = request.get_full_path()
    urls = [settings.BASE_URL + path, request.build_absolute_uri(path)]
    fields = [(name, value) for name, values in request.POST.lists() for value in values]
    if not twilio.signature_valid(
        config.auth_token, urls, fields, request.headers.get("X-Twilio-Signature", "")
    ):
        return HttpResponseForbidden("bad signature")
    query = f"?call={placed.pk}"
    return _twiml(
        twilio.dial(
            [str(placed.headers["call"]["to"])],
            action=settings.BASE_URL + reverse("phone_status", args=[inbox.pk]) + query,
            recording_callback=settings.BASE_URL
            + reverse("phone_recording", args=[inbox.pk])
            + query,
            caller_id=inbox.address,
        )
    )


@require_POST
@agent_required
def call_customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    """An agent calls a customer from their card."""
    agent = current_agent(request)
    customer = access_customer(actor=agent, customer_id=customer_id)
    inbox_id, _colon, line = request.POST.get("line", "").partition(":")
    inbox = Inbox.objects.filter(
        pk=int(inbox_id) if inbox_id.isdigit() else 0, workspace_id=agent.workspace_id
    ).first()
    try:
        if inbox is None:
            raise ValidationError(_("This line cannot place calls."))
        placed = services.call_customer(
            agent=agent, customer=customer, inbox=inbox, line=line,
            number=request.POST.get("number", ""),
        )  # fmt: skip
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
        return redirect("desk:customer", customer_id=customer.pk)
    messages.success(request, _("Your phone rings now: answer it to call the customer."))
    return redirect("desk:conversation", number=placed.conversation.number)


@csrf_exempt
@require_POST
def cti(request: HttpRequest, inbox_id: int) -> HttpResponse:
    """The generic CTI webhook: any phone system POSTs JSON call events, signed like Meta's
    (`X-Layan-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with the CTI secret>`)."""
    inbox = webhook_inbox(inbox_id=inbox_id, kind="phone")
    config = PhoneConfig.from_dict(inbox.config) if inbox is not None else None
    if inbox is None or config is None or not config.cti_secret:
        raise Http404
    if not meta_signature_valid(
        config.cti_secret, request.body, request.headers.get("X-Layan-Signature", "")
    ):
        logger.warning("CTI webhook for inbox %s refused: bad signature", inbox.pk)
        return HttpResponseForbidden("bad signature")
    try:
        event = cti_stored(request.body)
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    inbound_accept(inbox=inbox, payloads=[event], source="phone")
    return HttpResponse(status=204)


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
