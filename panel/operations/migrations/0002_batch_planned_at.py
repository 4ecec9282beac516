from django.db import migrations, models
from django.db.models import F


def existing_batches_were_planned(apps, schema_editor):
    # Batches created before this field planned every VM before starting any.
    Batch = apps.get_model("operations", "Batch")
    Batch.objects.filter(planned_at__isnull=True).update(planned_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="batch",
            name="planned_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(existing_batches_were_planned, migrations.RunPython.noop),
    ]
