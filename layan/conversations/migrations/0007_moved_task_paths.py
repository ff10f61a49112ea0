"""Tasks queued before the layout moved them keep running: their stored paths are renamed.

Delivery and inbound processing moved from `layan.inboxes.tasks` to `layan.conversations.tasks`,
the IMAP poll and the live chat's mail to their channels' apps (`layan.channels.<name>.tasks`)."""

from django.db import migrations

MOVED = {
    "layan.inboxes.tasks.deliver_task": "layan.conversations.tasks.deliver_task",
    "layan.inboxes.tasks.inbound_process_task": "layan.conversations.tasks.inbound_process_task",
    "layan.inboxes.tasks.imap_poll_task": "layan.channels.email.tasks.imap_poll_task",
    **{
        f"layan.inboxes.livechat.tasks.{name}": f"layan.channels.livechat.tasks.{name}"
        for name in ("chat_email_task", "chat_transcript_task", "chat_transcript_on_solve_task")
    },
}


def rename(apps, schema_editor, moves=MOVED):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in moves.items():
        results.objects.filter(task_path=old).update(task_path=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, moves={new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0006_transcript_event"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
