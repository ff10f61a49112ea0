from __future__ import annotations

from django.tasks import task

# Each task imports its service when run: the services enqueue these tasks (the tasks <->
# services pair).


@task()
def chat_email_task(*, message_id: int) -> str:
    """Email an agent's chat reply to a visitor who has left the page (idempotent per message)."""
    from layan.channels.livechat.mail import chat_reply_email

    return chat_reply_email(message_id=message_id)


@task()
def chat_transcript_task(*, conversation_id: int, email: str, language: str) -> str:
    from layan.channels.livechat.mail import chat_transcript_send

    return chat_transcript_send(conversation_id=conversation_id, email=email, language=language)


@task()
def chat_transcript_on_solve_task(*, conversation_id: int) -> str:
    from layan.channels.livechat.mail import chat_transcript_on_solve

    return chat_transcript_on_solve(conversation_id=conversation_id)
