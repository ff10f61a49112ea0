"""WhatsApp's webhook (shared with Meta's other products) and an approved template sent by an
agent when the 24-hour window is closed."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.accounts.access import agent_required, current_agent
from layan.channels.whatsapp.adapter import approved_templates
from layan.channels.whatsapp.config import WhatsAppConfig
from layan.channels.whatsapp.parse import split
from layan.conversations import services
from layan.conversations.access import access_conversation
from layan.conversations.webhooks import meta_webhook
from layan.inboxes.registry import DeliveryError

logger = logging.getLogger(__name__)


# Meta's address check (GET) and signed event calls (POST), stored for the worker.
webhook = meta_webhook(kind="whatsapp", config=WhatsAppConfig.from_dict, split=split)


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
