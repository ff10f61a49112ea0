"""Channel secrets saved in plain text before sealing existed are sealed (inboxes.secrets)."""

from django.db import migrations

SECRETS = ("imap_password", "smtp_password")


def seal_saved(apps, schema_editor):
    from layan.inboxes.secrets import seal

    Inbox = apps.get_model("inboxes", "Inbox")
    for inbox in Inbox.objects.filter(kind="email").only("pk", "config"):
        config = dict(inbox.config or {})
        sealed = {name: seal(str(config[name])) for name in SECRETS if config.get(name)}
        if any(config[name] != value for name, value in sealed.items()):
            config.update(sealed)
            Inbox.objects.filter(pk=inbox.pk).update(config=config)


class Migration(migrations.Migration):
    dependencies = [("inboxes", "0004_kind_from_registered_channels")]

    operations = [migrations.RunPython(seal_saved, migrations.RunPython.noop)]
