"""AuditIntent: actions whose BigV call may be in flight, not yet in the chain (intents.py).

An ordinary table on purpose — rows are deleted when their entry is appended — so unlike
audit_auditentry it gets no append-only triggers.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditIntent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(db_index=True)),
                ("process", models.CharField(blank=True, max_length=255)),
                ("actor_username", models.CharField(max_length=150)),
                ("source_ip", models.GenericIPAddressField(blank=True, null=True)),
                ("request_id", models.CharField(max_length=64)),
                ("action", models.CharField(max_length=64)),
                ("target_type", models.CharField(blank=True, max_length=32)),
                ("target_id", models.CharField(blank=True, max_length=255)),
                ("target_label", models.TextField(blank=True)),
                ("params", models.JSONField(default=dict)),
                ("before", models.JSONField(blank=True, null=True)),
                ("operation_id", models.CharField(blank=True, max_length=64)),
                ("step", models.CharField(blank=True, max_length=128)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "audit intent",
                "verbose_name_plural": "audit intents",
                "ordering": ["-created_at", "-id"],
            },
        ),
    ]
