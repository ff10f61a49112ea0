"""A contact channel's note and a team's description become one text per language
({language: text}); the text they had is kept under the workspace's default language."""

from django.db import migrations, models


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    channel_model = apps.get_model("accounts", "ContactChannel")
    team_model = apps.get_model("accounts", "Team")
    for channel in channel_model.objects.select_related("workspace").exclude(note=""):
        channel.notes = {channel.workspace.default_language: channel.note}
        channel.save(update_fields=["notes"])
    for team in team_model.objects.select_related("workspace").exclude(description=""):
        team.descriptions = {team.workspace.default_language: team.description}
        team.save(update_fields=["descriptions"])


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    channel_model = apps.get_model("accounts", "ContactChannel")
    team_model = apps.get_model("accounts", "Team")
    for channel in channel_model.objects.select_related("workspace"):
        texts = channel.notes or {}
        channel.note = texts.get(channel.workspace.default_language) or next(iter(texts.values()), "")
        channel.save(update_fields=["note"])
    for team in team_model.objects.select_related("workspace"):
        texts = team.descriptions or {}
        team.description = texts.get(team.workspace.default_language) or next(
            iter(texts.values()), ""
        )
        team.save(update_fields=["description"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_pages_version")]

    operations = [
        migrations.AddField(
            model_name="contactchannel",
            name="notes",
            field=models.JSONField(blank=True, default=dict, verbose_name="note for customers"),
        ),
        migrations.AddField(
            model_name="team",
            name="descriptions",
            field=models.JSONField(blank=True, default=dict, verbose_name="description"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="contactchannel", name="note"),
        migrations.RemoveField(model_name="team", name="description"),
    ]
