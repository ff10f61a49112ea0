"""Every timer Layan runs, in one table."""

from __future__ import annotations

from layan.accounts.models import User
from layan.accounts.services import agent_presence_expire
from layan.answerbot.models import BotSession
from layan.answerbot.sessions import bot_session_close_due
from layan.channels.email.imap import inbox_poll_due
from layan.conversations.delivery import delivery_retry_due
from layan.conversations.inbound import inbound_retry_due
from layan.conversations.models import Message
from layan.core.timers import Timer
from layan.inboxes.models import InboundRaw, Inbox

TIMERS: list[Timer] = [
    Timer(
        name="agent.presence_timeout",
        model=User,
        due_field="presence_due_at",
        handler=agent_presence_expire,
    ),
    Timer(name="inbox.poll", model=Inbox, due_field="poll_due_at", handler=inbox_poll_due),
    Timer(
        name="inbound.retry", model=InboundRaw, due_field="retry_due_at", handler=inbound_retry_due
    ),
    Timer(
        name="answerbot.session_close",
        model=BotSession,
        due_field="close_due_at",
        handler=bot_session_close_due,
    ),
    Timer(
        name="message.delivery_retry",
        model=Message,
        due_field="delivery_due_at",
        handler=delivery_retry_due,
    ),
]
