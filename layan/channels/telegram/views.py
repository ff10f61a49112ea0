"""Telegram's webhook, the shop's sign-in links, and connecting a bot from the inbox page."""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from layan.accounts.access import admin_required, current_agent
from layan.channels.telegram import bot, services
from layan.channels.telegram.config import TelegramConfig, webhook_secret
from layan.conversations.inbound import inbound_accept
from layan.inboxes.models import Inbox
from layan.inboxes.registry import DeliveryError
from layan.inboxes.selectors import webhook_inbox

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _inbox(inbox_id: int) -> Inbox:
    inbox = webhook_inbox(inbox_id=inbox_id, kind="telegram")
    if inbox is None:
        raise Http404
    return inbox


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, inbox_id: int) -> HttpResponse:
    """One update from Telegram: checked, stored, answered; processed by the worker."""
    inbox = _inbox(inbox_id)
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), webhook_secret(inbox.pk).encode()):
        logger.warning("telegram webhook for inbox %s refused: wrong secret token", inbox.pk)
        return HttpResponseForbidden("wrong secret token")
    inbound_accept(inbox=inbox, payloads=[request.body], source="telegram")
    return HttpResponse(status=200)


@require_GET
def start(request: HttpRequest, inbox_id: int) -> HttpResponse:
    """A signed-in customer, sent here by the shop's website, goes on to the bot with a token."""
    inbox = _inbox(inbox_id)
    config = TelegramConfig.from_dict(inbox.config)
    try:
        link = services.sign_in_link_create(
            inbox=inbox,
            email=request.GET.get("email", ""),
            name=request.GET.get("name", ""),
            expires=int(request.GET.get("expires", "0")),
            signature=request.GET.get("signature", ""),
        )
    except (ValidationError, ValueError) as error:
        logger.info("telegram sign-in link refused for inbox %s: %s", inbox.pk, error)
        link = None
    if not config.bot_username:
        raise Http404
    # A bad or old link still opens the bot: the customer just is not recognised.
    suffix = f"?start={link.token}" if link is not None else ""
    return redirect(f"https://t.me/{config.bot_username}{suffix}")


@admin_required
@require_POST
def connect(request: HttpRequest, inbox_id: int) -> HttpResponse:
    agent = current_agent(request)
    inbox = get_object_or_404(Inbox, pk=inbox_id, kind="telegram", workspace_id=agent.workspace_id)
    try:
        result = bot.connect(
            TelegramConfig.from_dict(inbox.config), inbox_id=inbox.pk, base_url=settings.BASE_URL
        )
    except DeliveryError as error:
        messages.error(request, _("Telegram refused: %(detail)s") % {"detail": error})
    else:
        if result["username"]:
            inbox.config = {**inbox.config, "bot_username": result["username"]}
            Inbox.objects.filter(pk=inbox.pk).update(config=inbox.config)
        messages.success(
            request,
            _("Connected: Telegram now sends @%(bot)s's messages to %(url)s.")
            % {"bot": result["username"], "url": result["url"]},
        )
    return redirect("desk:inbox_edit", inbox.pk)
