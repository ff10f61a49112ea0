"""What Instagram's and Messenger's adapters share (Meta's Messenger Platform; the wire format
is `inboxes.meta`, the webhook endpoint `conversations.webhooks`): their secrets, media
downloads, and public comments answered publicly or privately. Imported as Django starts (the
adapters are): models and selectors only."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from layan.conversations.selectors import customer_last_message
from layan.inboxes import meta
from layan.inboxes.registry import Adapter


class MetaMessagingAdapter(Adapter):
    """A product on Meta's Messenger Platform. A subclass sets its kind, label, settings form and
    template, `config_class` (its settings, read by `from_dict`), `parse_inbound` and `send`."""

    secret_fields = ("access_token", "app_secret", "verify_token")
    composer_template = "conversations/_public_comment.html"
    private_replies = True
    config_class: Any = None

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
