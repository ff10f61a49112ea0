"""Permission-checked loads: an agent sees only their own workspace's conversations."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from layan.accounts.models import User
from layan.conversations.models import Conversation, Macro, Message


def access_conversation(*, actor: User, number: int) -> Conversation:
    return get_object_or_404(
        Conversation.objects.select_related(
            "customer__company", "inbox", "assignee", "team", "workspace"
        ),
        workspace_id=actor.workspace_id,
        number=number,
    )


def access_message(*, actor: User, message_id: int) -> Message:
    return get_object_or_404(
        Message.objects.select_related("conversation", "raw"),
        pk=message_id,
        conversation__workspace_id=actor.workspace_id,
    )


def access_macro(*, actor: User, macro_id: int) -> Macro:
    return get_object_or_404(Macro, pk=macro_id, workspace_id=actor.workspace_id)
