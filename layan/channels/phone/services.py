"""Calls and the desk: while a call rings every agent of the workspace sees who is calling, with a
link to the caller's card (their history on every channel); and an agent calls a customer from
that card (click-to-call)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from layan.accounts.models import User
from layan.channels.phone.config import PhoneConfig
from layan.conversations.models import Message
from layan.conversations.services import call_logged
from layan.core.events import Event, publish
from layan.customers.models import Customer
from layan.inboxes import providers
from layan.inboxes.models import Inbox
from layan.inboxes.registry import DeliveryError


def on_message_created(event: Event) -> None:
    """Event handler: a call started ringing (its message was just stored): "call.ringing"."""
    if event.payload.get("channel") != "phone":
        return
    message = (
        Message.objects.filter(pk=int(event.payload.get("message") or 0))
        .select_related("conversation__customer")
        .first()
    )
    if message is None or (message.headers.get("call") or {}).get("state") != "ringing":
        return
    customer = message.conversation.customer
    publish(
        Event(
            name="call.ringing",
            workspace_id=event.workspace_id,
            payload={
                "conversation": message.conversation_id,
                "number": message.conversation.number,
                "customer": customer.pk,
                "name": customer.name or message.sender or str(customer),
            },
        )
    )


def calling_inboxes(*, workspace_id: int) -> list[tuple[Inbox, list[str]]]:
    """The workspace's phone lines that can place calls, each with the numbers of its agents."""
    lines = []
    for inbox in Inbox.objects.filter(workspace_id=workspace_id, kind="phone", is_active=True):
        config = PhoneConfig.from_dict(inbox.config)
        if config.connected and inbox.address:
            lines.append((inbox, config.ring_numbers))
    return lines


def callable_numbers(customer: Customer) -> list[str]:
    """A customer's numbers (phone and WhatsApp identities are the same numbers)."""
    found = customer.identities.filter(kind__in=["phone", "whatsapp"]).values_list(
        "address", flat=True
    )
    return sorted({number if number.startswith("+") else f"+{number}" for number in found})


def call_customer(
    *, agent: User, customer: Customer, inbox: Inbox, line: str, number: str
) -> Message:
    """Click-to-call: the voice service rings the agent's `line`, and once they answer, calls
    the customer from the shop's number (the `connect` webhook's TwiML). The call goes on the
    customer's conversation on this line at once; its end and recording follow like a call
    received. ValidationError says what went wrong, in the agent's language."""
    config = PhoneConfig.from_dict(inbox.config)
    if inbox.kind != "phone" or not config.connected or not inbox.address:
        raise ValidationError(_("This line cannot place calls."))
    if line not in config.ring_numbers:
        raise ValidationError(_("Choose one of this line's numbers to ring first."))
    if number not in callable_numbers(customer):
        raise ValidationError(_("Choose one of the customer's numbers."))
    message = call_logged(
        inbox=inbox,
        customer=customer,
        agent=agent,
        headers={"call": {"state": "dialing", "to": number, "line": line, "direction": "out"}},
    )
    base = settings.BASE_URL
    try:
        reply = providers.call(
            "POST",
            f"{config.api_base}/2010-04-01/Accounts/{config.account_sid}/Calls.json",
            form={
                "To": line,
                "From": inbox.address,
                "Url": base + reverse("phone_connect", args=[inbox.pk, message.pk]),
            },
            headers=config.authorization(),
        )
        failure = "" if reply.ok else str(reply.data.get("message") or reply.status)[:300]
    except DeliveryError as error:
        reply, failure = None, str(error)[:300]
    call = dict(message.headers["call"])
    if reply is None or failure:
        call.update(state="failed", error=failure)
        Message.objects.filter(pk=message.pk).update(headers={"call": call})
        raise ValidationError(
            _("The voice service did not place the call: %(reason)s") % {"reason": failure}
        )
    call["sid"] = str(reply.data.get("sid", ""))[:64]
    Message.objects.filter(pk=message.pk).update(
        headers={"call": call}, external_id=f"call:{call['sid']}"
    )
    return message
