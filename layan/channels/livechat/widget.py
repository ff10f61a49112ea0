"""What the widget is told when it connects: its words in the visitor's language, the brand,
whether a person can chat now, and the visitor's messages so far."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from layan.channels.livechat.services import ChatState, chat_config
from layan.conversations.forms import MAX_UPLOAD_BYTES
from layan.core.text import sentence_gap
from layan.inboxes.models import Inbox
from layan.inboxes.payloads import MAX_TEXT

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def visitor_language(requested: str, inbox: Inbox) -> str:
    """en / id / zh-hans from the page's or browser's language tag (zh-CN, id-ID, en-GB…)."""
    tag = requested.strip().lower().replace("_", "-")
    if tag.startswith("zh"):
        tag = "zh-hans"
    elif tag.startswith(("id", "in")):
        tag = "id"
    elif tag.startswith("en"):
        tag = "en"
    if tag in LANGUAGES:
        return tag
    return inbox.workspace.default_language


def widget_strings() -> dict[str, str]:
    """The widget's words (in the active language); {placeholders} are filled by the widget."""
    return {
        "open": _("Chat with us"),
        "unread": _("Chat with us: {count} new messages"),
        "close": _("Close chat"),
        "online": _("We're online"),
        "away": _("We're away"),
        "greeting": _("Hi! How can we help you today?"),
        "placeholder": _("Write a message…"),
        "send": _("Send"),
        "attach": _("Attach a file"),
        "emoji": _("Insert emoji"),
        "typing": _("{name} is typing…"),
        "seen": _("Seen"),
        "failed": _("Not sent yet: it will be sent when the connection is back."),
        "queue": _("You are number {position} in line."),
        "wait": _("Expected wait: about {minutes} min."),
        "wait_unknown": _("A person will be with you as soon as one is free."),
        "offline_intro": _("We're not online right now. Leave a message and we'll reply by email."),
        "reply_by": _("Expect a reply by {time}."),
        "name": _("Name"),
        "email": _("Email"),
        "message": _("Message"),
        "leave": _("Leave a message"),
        "left": _("Thanks! We got your message and will reply by email."),
        "prechat_intro": _("Before we start, please tell us who you are."),
        "start": _("Start chat"),
        "transcript": _("Email me this chat"),
        "transcript_sent": _("We are sending this chat to {email}."),
        "too_big": _("That file is too big (at most {mb} MB)."),
        "reconnecting": _("Reconnecting…"),
        "you": _("You"),
        "messages": _("Chat messages"),
        "required": _("Please fill in this field."),
        "answered": _("That answered it"),
        "person": _("Talk to a person"),
        "glad": _("Glad we could help!"),
        "connecting": _("Connecting you with a person…"),
        "contact_intro": _("Nobody is online right now. Leave your email and we'll reply there."),
        "too_long": _("That message is too long (at most {count} characters): please split it."),
        "format": _("Your message could not be read. Please try again."),
        "agent_joined": _("{name} has joined the chat."),
        # Between two sentences the widget joins: a space, none in Chinese.
        "sentence_gap": sentence_gap(),
    }


def welcome(
    *, inbox: Inbox, language: str, token: str, state: ChatState, messages: list[dict[str, Any]]
) -> dict[str, Any]:
    config = chat_config(inbox)
    workspace = inbox.workspace
    with translation.override(language):
        strings = widget_strings()
        greeting = config.greeting or strings["greeting"]
    return {
        "type": "welcome",
        "token": token,
        "language": language,
        "name": workspace.name,
        "colour": workspace.brand_colour,
        "greeting": greeting,
        "prechat": config.prechat,
        "bot": config.bot,
        "online": state.online,
        "reply_by": state.reply_by.isoformat() if state.reply_by else None,
        "max_file_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        "max_text": MAX_TEXT,
        "strings": strings,
        "messages": messages,
    }
