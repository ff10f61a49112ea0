"""The live-chat channel: frames from the widget in, pushes to the widget out.

A visitor's message reaches the services as a JSON payload (stored raw first, like an email):

    {"visitor": "<visitor key>", "client_id": "<id the widget gave the message>",
     "text": "...", "name": "...", "email": "...",
     "page_url": "...", "referrer": "...", "user_agent": "...", "language": "id",
     "files": [{"name": "...", "type": "image/png", "data": "<base64>"}]}

The widget gives every message a client id and sends it again after a reconnect until it is
acknowledged; the channel id is built from the visitor and that client id, so a message sent
twice is stored once.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from layan.channels.livechat.config import ChatConfig
from layan.channels.livechat.forms import ChatSettingsForm
from layan.inboxes.payloads import MAX_TEXT, files_field, json_object, subject_from, text_field
from layan.inboxes.registry import Adapter
from layan.inboxes.types import InboundMessage


class ChatAdapter(Adapter):
    kind = "chat"
    label = _("Live chat")
    settings_form = ChatSettingsForm
    settings_template = "livechat/_inbox_embed.html"
    can_send = True
    # Only the customer starts a conversation here.
    agent_opens = False
    # Replies are pushed to the open widget at once (no queue hop), and not signed: the widget
    # shows who wrote each message.
    instant = True
    signs_replies = False
    # A new chat is routed to an available agent at once (or waits in the chat queue).
    live = True
    redirects = False

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        data = json_object(payload, what="a chat message")
        visitor = text_field(data, "visitor", 64)
        client_id = text_field(data, "client_id", 64)
        if not visitor or not client_id:
            raise ValueError("a chat message needs a visitor and a client id")
        text = text_field(data, "text", MAX_TEXT)
        attachments = files_field(data)
        if not text and not attachments:
            raise ValueError("an empty chat message")
        headers = {
            key: value
            for key in ("page_url", "referrer", "user_agent", "browser_language")
            if (value := text_field(data, key, 500))
        }
        email = text_field(data, "email", 254)
        if email:
            headers["email"] = email
        return InboundMessage(
            external_id=f"chat:{visitor}:{client_id}",
            identity_kind="visitor",
            sender_address=visitor,
            sender_name=text_field(data, "name", 160),
            subject=subject_from(text or attachments[0].filename),
            text=text,
            full_text=text,
            attachments=attachments,
            headers=headers,
            language=text_field(data, "language", 10),
            continues_latest=True,
        )

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return asdict(ChatConfig.from_dict(config))

    def new_external_id(self, *, conversation: Any) -> str:
        # Looks like a Message-ID: when a reply is also emailed, the customer's answer threads.
        token = get_random_string(20, "abcdefghijklmnopqrstuvwxyz0123456789")
        return f"layan.{conversation.number}.{token}@chat.layan.invalid"

    def send(self, *, message: Any) -> None:
        # Imported when a reply goes out, not when the app registry loads this adapter: the
        # chat's services bring the answer bot and the Chinese word segmenter with them, which
        # would add 0.3 s and 50 MB to every process's start (`layan email ingest` included).
        from layan.channels.livechat.services import chat_reply_deliver

        chat_reply_deliver(message=message)
