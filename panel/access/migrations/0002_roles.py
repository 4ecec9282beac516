"""The roles as groups: operator (may change BigV through the panel) and auditor (sees
everything, changes nothing). Everyone already here becomes an operator, as new people do."""

from django.db import migrations

ROLES = {"operator": ["change_bigv"], "auditor": ["see_everything"]}
LABELS = {
    "change_bigv": "Can change BigV through the panel (operator)",
    "see_everything": "Can see every operation, batch and audit entry (auditor)",
}


def create_roles(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    content_type, _ = ContentType.objects.get_or_create(app_label="access", model="panelaccess")
    for role, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": LABELS[codename]}
            )
            group.permissions.add(permission)
    operator = Group.objects.get(name="operator")
    for user in User.objects.all():
        user.groups.add(operator)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_scope_and_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
