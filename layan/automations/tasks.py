from __future__ import annotations

from django.tasks import task


@task()
def acknowledge_task(*, conversation_id: int) -> str:
    from layan.automations.services import acknowledgement_send  # the tasks <-> services pair

    return acknowledgement_send(conversation_id=conversation_id)
