"""Phone and WhatsApp identities stored as digits ("62811111222", "0811111222") become E.164
("+62811111222"), read in the workspace's country. Where two spellings of one number belonged
to two customers, the second keeps its old spelling (a person decides on merging them)."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from layan.customers.phones import phone_normalize, region_for_timezone

    identity_model = apps.get_model("customers", "Identity")
    workspace_model = apps.get_model("accounts", "Workspace")
    regions = {w.pk: region_for_timezone(w.timezone) for w in workspace_model.objects.all()}
    for identity in identity_model.objects.filter(kind__in=["phone", "whatsapp"]).order_by("pk"):
        # Stored as digits: "62811…" was "+62 811…" (its "+" dropped), "0811…" a local number.
        address = phone_normalize(
            identity.address, region=regions.get(identity.workspace_id, ""), international=True
        )
        if address == identity.address:
            continue
        taken = identity_model.objects.filter(
            workspace_id=identity.workspace_id, kind=identity.kind, address=address
        ).exists()
        if not taken:
            identity_model.objects.filter(pk=identity.pk).update(address=address)


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
