"""A holiday's name becomes one per language ({language: name}); the name it had is kept
under its workspace's default language."""

from django.db import migrations, models


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    holiday_model = apps.get_model("sla", "Holiday")
    for holiday in holiday_model.objects.select_related("schedule__workspace"):
        holiday.names = {holiday.schedule.workspace.default_language: holiday.name}
        holiday.save(update_fields=["names"])


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    holiday_model = apps.get_model("sla", "Holiday")
    for holiday in holiday_model.objects.select_related("schedule__workspace"):
        names = holiday.names or {}
        default = holiday.schedule.workspace.default_language
        holiday.name = (names.get(default) or next(iter(names.values()), ""))[:120]
        holiday.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial"), ("accounts", "0007_pages_version")]

    operations = [
        migrations.AddField(
            model_name="holiday",
            name="names",
            field=models.JSONField(default=dict, verbose_name="name"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="holiday", name="name"),
    ]
