"""What Instagram's and Messenger's adapters share (Meta's Messenger Platform; the wire format
is `inboxes.meta`, the webhook endpoint `conversations.webhooks`): their secrets, media
downloads, public comments answered publicly or privately, and customers named from Meta's
User Profile API. Imported as Django starts (the adapters are): models and selectors only."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from django.tasks import task

from layan.conversations.models import Conversation
from layan.conversations.selectors import customer_last_message
from layan.core.events import Event
from layan.customers.models import Customer
from layan.inboxes import meta, registry
from layan.inboxes.registry import Adapter, DeliveryError

logger = logging.getLogger(__name__)


class MetaMessagingAdapter(Adapter):
    """A product on Meta's Messenger Platform. A subclass sets its kind, label, settings form and
    template, `config_class` (its settings, read by `from_dict`), `parse_inbound` and `send`."""

    secret_fields = ("access_token", "app_secret", "verify_token")
    composer_template = "conversations/_public_comment.html"
    private_replies = True
    config_class: Any = None
    product: meta.Product
    # Its settings -> the Graph API as its account (the channel's graph.graph).
    graph_of: Any = None

    def graph_for(self, inbox: Any) -> meta.Graph:
        return self.graph_of(self.config_class.from_dict(inbox.config))  # type: ignore[no-any-return]

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]:
        settings = self.config_class.from_dict(config)
        return {key: value for key, value in asdict(settings).items() if value}

    def new_external_id(self, *, conversation: Any) -> str:
        return ""

    def comment_author(self, headers: dict[str, Any], conversation: Any) -> str:
        """How the desk names a comment's author."""
        return str(headers.get("username") or conversation.customer.name)

    def composer_context(self, *, conversation: Any) -> dict[str, Any]:
        last = customer_last_message(
            conversation_id=conversation.pk, inbox_id=conversation.inbox_id
        )
        if last is None or not last.headers.get("comment_id"):
            return {}
        return {
            "comment": last.headers,
            "author": self.comment_author(last.headers, conversation),
            "product": self.label,
        }

    def fetch_media(self, *, inbox: Any, item: dict[str, Any], limit: int) -> tuple[bytes, str]:
        return meta.fetch(str(item.get("url", "")), limit=limit)


def on_conversation_created(event: Event) -> None:
    """Event handler: a new conversation on Instagram or Messenger whose customer has no name
    yet (a direct message carries only an id) asks Meta for it, in a task."""
    adapter = registry.adapters().get(str(event.payload.get("channel", "")))
    if not isinstance(adapter, MetaMessagingAdapter):
        return
    conversation_id = int(event.payload["conversation"])
    # A comment carries its author's name: no task for those.
    if Conversation.objects.filter(pk=conversation_id, customer__name="").exists():
        customer_name_task.enqueue(conversation_id=conversation_id)


def customer_name_fetch(*, conversation_id: int) -> str:
    """Name the conversation's customer from Meta's User Profile API, if they have no name;
    returns what happened. A refusal (no permission, the person cannot be looked up) leaves
    the customer as they are: the desk shows their id until an agent names them."""
    conversation = (
        Conversation.objects.select_related("customer", "inbox").filter(pk=conversation_id).first()
    )
    if conversation is None or conversation.customer.name:
        return "named already"
    adapter = registry.adapter_for(conversation.inbox.kind)
    if not isinstance(adapter, MetaMessagingAdapter):
        return "not a Meta conversation"
    last = customer_last_message(conversation_id=conversation.pk, inbox_id=conversation.inbox_id)
    sender = str(last.headers.get(adapter.product.id_header, "")) if last else ""
    if not sender:
        return "no customer id"
    try:
        data = adapter.graph_for(conversation.inbox).call(
            sender, method="GET", params={"fields": adapter.product.profile_fields}
        )
    except DeliveryError as error:
        logger.info("no profile for %s customer %s: %s", adapter.kind, sender, error)
        return "refused"
    name = meta.profile_name(data)
    if not name:
        return "no name given"
    Customer.objects.filter(pk=conversation.customer_id, name="").update(name=name)
    return "named"


@task()
def customer_name_task(*, conversation_id: int) -> str:
    return customer_name_fetch(conversation_id=conversation_id)
