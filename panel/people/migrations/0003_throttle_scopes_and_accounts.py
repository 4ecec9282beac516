"""Throttling per scope (log in, password change) and per account from every address.

Existing rows are log-in counts (the default scope); they hold minutes of state at most.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_drop_team_tables"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="loginfailure",
            name="one_login_failure_row_per_pair",
        ),
        migrations.AddField(
            model_name="loginfailure",
            name="scope",
            field=models.CharField(
                choices=[("login", "log in"), ("password_change", "password change")],
                default="login",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="loginfailure",
            constraint=models.UniqueConstraint(
                fields=("scope", "username", "ip"), name="one_login_failure_row_per_key"
            ),
        ),
    ]
