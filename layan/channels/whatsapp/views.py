"""WhatsApp's webhook: Meta's verification handshake (GET) and signed event calls (POST)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from layan.accounts.access import agent_required, current_agent
from layan.channels.whatsapp.adapter import approved_templates
from layan.channels.whatsapp.config import WhatsAppConfig
from layan.channels.whatsapp.parse import split
from layan.conversations import services
from layan.conversations.access import access_conversation
from layan.conversations.inbound import inbound_accept
from layan.inboxes.registry import DeliveryError
from layan.inboxes.selectors import webhook_inbox
from layan.inboxes.webhooks import meta_call_refused, meta_verification

logger = logging.getLogger(__name__)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest, inbox_id: int) -> HttpResponse:
    inbox = webhook_inbox(inbox_id=inbox_id, kind="whatsapp")
    if inbox is None:
        raise Http404
    config = WhatsAppConfig.from_dict(inbox.config)
    if request.method == "GET":
        return meta_verification(request, verify_token=config.verify_token, inbox_id=inbox.pk)
    if meta_call_refused(request, app_secret=config.app_secret, inbox_id=inbox.pk):
        return HttpResponseForbidden("bad signature")
    body = request.body
    try:
        events = split(body)
    except ValueError:
        # Signed by Meta but not understood: kept whole, shown to admins as failed.
        events = [body]
    if events:
        inbound_accept(inbox=inbox, payloads=events, source="whatsapp")
    return HttpResponse(status=200)


@require_POST
@agent_required
def template_send(request: HttpRequest, number: int) -> HttpResponse:
    """An agent sends an approved template (the 24-hour window is closed), its values filled."""
    agent = current_agent(request)
    conversation = access_conversation(actor=agent, number=number)
    if conversation.inbox.kind != "whatsapp":
        raise Http404
    name, language = request.POST.get("name", ""), request.POST.get("language", "")
    values = [value.strip() for value in request.POST.getlist("value")]
    try:
        template = next(
            (
                item
                for item in approved_templates(conversation.inbox)
                if (item.name, item.language) == (name, language)
            ),
            None,
        )
    except DeliveryError as error:
        messages.error(request, _("WhatsApp refused: %(detail)s") % {"detail": error})
        return redirect("desk:conversation", conversation.number)
    if template is None:
        messages.error(request, _("This template is no longer approved. Choose another one."))
    elif len(values) != template.parameters or not all(values):
        messages.error(request, _("Fill in every value of the template."))
    else:
        services.reply_send(
            conversation=conversation,
            agent=agent,
            text=template.render(values),
            headers={"template": {"name": name, "language": language, "values": values}},
            signed=False,
        )
    return redirect("desk:conversation", conversation.number)
