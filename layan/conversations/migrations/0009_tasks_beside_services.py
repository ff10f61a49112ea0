"""Each task now stands beside the service it runs (a `@task()` in the same module), so a service
and its task no longer import each other: queued tasks' stored paths are renamed."""

from django.db import migrations

MOVED = {
    "layan.conversations.tasks.deliver_task": "layan.conversations.delivery.deliver_task",
    "layan.conversations.tasks.inbound_process_task": (
        "layan.conversations.inbound.inbound_process_task"
    ),
    "layan.channels.email.tasks.imap_poll_task": "layan.channels.email.imap.imap_poll_task",
    **{
        f"layan.channels.livechat.tasks.{name}": f"layan.channels.livechat.mail.{name}"
        for name in ("chat_email_task", "chat_transcript_task", "chat_transcript_on_solve_task")
    },
    "layan.knowledge.tasks.article_index_task": "layan.knowledge.services.article_index_task",
    "layan.automations.tasks.acknowledge_task": "layan.automations.services.acknowledge_task",
}


def rename(apps, schema_editor, moves=MOVED):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in moves.items():
        results.objects.filter(task_path=old).update(task_path=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, moves={new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [("conversations", "0008_delivery_read")]

    operations = [migrations.RunPython(rename, rename_back)]
