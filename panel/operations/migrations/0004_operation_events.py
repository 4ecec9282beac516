from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("operations", "0003_kind_choices_from_workflows")]

    operations = [
        migrations.AddField(
            model_name="operation",
            name="events",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
