"""The permission to see draft and rejected statements, given to the curator group."""

from django.db import migrations

from statements.migrations._permissions import grant_curator_permissions


class Migration(migrations.Migration):
    dependencies = [("statements", "0011_leaner_indexes")]

    operations = [
        migrations.AlterModelOptions(
            name="statement",
            options={
                "ordering": ["-date", "-id"],
                "permissions": [("view_unreviewed_statement", "Can view unreviewed (draft and rejected) statements")],
            },
        ),
        migrations.RunPython(grant_curator_permissions, migrations.RunPython.noop),
    ]
