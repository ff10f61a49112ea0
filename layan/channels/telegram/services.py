"""Signing a shop's customer in on Telegram: the link, and joining the two identities."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from layan.channels.telegram.config import TelegramConfig
from layan.channels.telegram.models import SignInLink
from layan.conversations.models import Message
from layan.core.events import Event
from layan.customers.models import Identity
from layan.customers.services import customer_merge, customer_resolve
from layan.inboxes.models import Inbox

logger = logging.getLogger(__name__)

LINK_LIFETIME = dt.timedelta(hours=1)
# How far in the future a shop may date its link (clocks differ a little; a day is plenty).
MAX_LINK_AGE = dt.timedelta(days=1)


def link_signature(secret: str, *, email: str, name: str, expires: int) -> str:
    """What the shop's website computes: hex HMAC-SHA256 of "email|name|expires" (UTF-8)."""
    message = f"{email}|{name}|{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign_in_link_create(
    *, inbox: Inbox, email: str, name: str, expires: int, signature: str
) -> SignInLink:
    """A token for t.me/<bot>?start=<token>, for a link the shop signed. ValidationError when
    the signature is wrong, the link expired, or the inbox has no secret."""
    config = TelegramConfig.from_dict(inbox.config)
    now = timezone.now()
    if not config.link_secret:
        raise ValidationError("this inbox has no sign-in link secret")
    expected = link_signature(config.link_secret, email=email, name=name, expires=expires)
    if not hmac.compare_digest(expected, signature.lower()):
        raise ValidationError("the link's signature is wrong")
    expires_at = dt.datetime.fromtimestamp(expires, tz=dt.UTC)
    if not now <= expires_at <= now + MAX_LINK_AGE:
        raise ValidationError("the link expired")
    validate_email(email)
    return SignInLink.objects.create(
        inbox=inbox,
        token=get_random_string(24),
        email=email.strip().lower(),
        name=name.strip()[:160],
        expires_at=min(expires_at, now + LINK_LIFETIME),
    )


def on_message_created(event: Event) -> None:
    """Event handler: a customer opened the bot from a sign-in link (/start <token>): their
    Telegram identity joins the shop's customer with that email (a merge, which can be undone
    on the customer's card)."""
    if event.payload.get("channel") != "telegram":
        return
    message = (
        Message.objects.filter(
            pk=int(event.payload.get("message") or 0), direction=Message.Direction.INBOUND
        )
        .select_related("conversation__customer", "inbox__workspace")
        .first()
    )
    token = message.headers.get("start") if message is not None else None
    if message is None or not token:
        return
    with transaction.atomic():
        link = (
            SignInLink.objects.select_for_update()
            .filter(
                inbox=message.inbox,
                token=token,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )
        if link is None:
            logger.info("telegram sign-in token unknown, used or expired (message %s)", message.pk)
            return
        SignInLink.objects.filter(pk=link.pk).update(used_at=timezone.now())
        shop_customer = customer_resolve(
            workspace=message.inbox.workspace,
            kind=Identity.Kind.EMAIL,
            address=link.email,
            name=link.name,
        )
        telegram_customer = message.conversation.customer
        if shop_customer.pk != telegram_customer.pk:
            customer_merge(source=telegram_customer, target=shop_customer, actor=None)
