from __future__ import annotations

from django.tasks import task

# Each task imports its service when run: the services enqueue these tasks (the tasks <->
# services pair).


@task()
def deliver_task(*, message_id: int) -> str:
    """Send one outbound message (idempotent: a sent or claimed message is not sent again)."""
    from layan.conversations.delivery import message_deliver

    return message_deliver(message_id=message_id)


@task()
def inbound_process_task(*, raw_id: int) -> str:
    from layan.conversations.inbound import inbound_process

    return inbound_process(raw_id=raw_id).status


@task()
def inbound_drain_task(*, inbox_id: int) -> int:
    """Process an inbox's stored webhook events in batches (conversations.inbound)."""
    from layan.conversations.inbound import inbound_drain

    return inbound_drain(inbox_id=inbox_id)
