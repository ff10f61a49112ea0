"""What a ringing call does in the desk: every agent of the workspace sees who is calling, with
a link to the caller's card (their history on every channel), while the phone rings."""

from __future__ import annotations

from layan.conversations.models import Message
from layan.core.events import Event, publish


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
