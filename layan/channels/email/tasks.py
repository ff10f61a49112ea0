from __future__ import annotations

from django.tasks import task


@task()
def imap_poll_task(*, inbox_id: int) -> int:
    """Fetch new mail from one inbox's IMAP mailbox; returns how many messages were stored."""
    # Imported when run: imap.py enqueues this task (the tasks <-> services pair).
    from layan.channels.email.imap import inbox_poll

    return inbox_poll(inbox_id=inbox_id).stored
