"""Give the curator group the permissions of the models added with history and merges."""

from django.db import migrations

from statements.migrations._permissions import grant_curator_permissions


class Migration(migrations.Migration):
    dependencies = [("statements", "0005_history_versions_merges")]

    operations = [migrations.RunPython(grant_curator_permissions, migrations.RunPython.noop)]
