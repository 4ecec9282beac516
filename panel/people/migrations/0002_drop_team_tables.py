"""The app was called ``team`` before; its login-failure rows lived in ``team_loginfailure``.

They only ever hold short lock-outs (minutes), so nothing is carried over: the old table and
the old app's migration records are removed where an older installation left them.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("people", "0001_login_failure")]

    operations = [
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS team_loginfailure",
                "DELETE FROM django_migrations WHERE app = 'team'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
