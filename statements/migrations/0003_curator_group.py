"""Create the "curator" group, holding every permission on the statement data models."""

from django.db import migrations

from statements.migrations._permissions import grant_curator_permissions, remove_curator_group


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0002_integrity_constraints"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_curator_permissions, remove_curator_group)]
