"""What happens after each domain event: the one table, read top to bottom.

Handlers run after the transaction commits, except those wrapped in `InTransaction`, which run
as the event is published, inside it:
- routing a new live chat: the chat opens with its person or its place in the queue, never
  committed without either, and the visitor's first answer says who took it;
- a customer merged (or the merge undone): their conversations move with them, all or nothing;
- a workspace created: it has its support-hours schedule from the start;
- an article indexed: the answer bot's passages are built in the same run as its search
  postings (the index task retries both; the demo's articles are answerable once it loads);
- a customer's message in a redirect-only inbox: its conversation is closed as it is stored,
  never seen in a queue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from layan.answerbot import index as answerbot_index
from layan.automations import redirect
from layan.automations import services as automations
from layan.channels.livechat import mail as chat_mail
from layan.channels.livechat import services as chat
from layan.channels.phone import services as phone
from layan.channels.telegram import services as telegram
from layan.conversations import delivery, media
from layan.conversations import meta as meta_channels
from layan.conversations import services as conversations
from layan.core.events import Event, InTransaction
from layan.realtime import push
from layan.routing import services as routing
from layan.sla import services as sla

HANDLERS: dict[str, Sequence[Callable[[Event], None]]] = {
    "agent.availability_changed": [push.to_workspace_agents, routing.on_capacity_change],
    "article.indexed": [InTransaction(answerbot_index.on_article_indexed)],
    "conversation.created": [
        InTransaction(routing.on_conversation_created),
        push.to_workspace_agents,
        automations.on_conversation_created,
        meta_channels.on_conversation_created,
    ],
    "call.ringing": [push.to_workspace_agents],
    "conversation.read": [push.to_conversation_desks],
    "conversation.solved": [chat_mail.on_conversation_solved],
    "conversation.updated": [
        push.to_workspace_agents,
        routing.on_capacity_change,
        chat.on_chat_assigned,
    ],
    "customer.merged": [InTransaction(conversations.on_customer_merged)],
    "customer.unmerged": [InTransaction(conversations.on_customer_unmerged)],
    "message.created": [
        InTransaction(redirect.on_message_created),
        push.to_workspace_agents,
        delivery.on_message_created,
        media.on_message_created,
        telegram.on_message_created,
        phone.on_message_created,
    ],
    "message.updated": [push.to_workspace_agents],
    "workspace.created": [InTransaction(sla.on_workspace_created)],
}
