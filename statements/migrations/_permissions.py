"""Helpers for data migrations that keep the "curator" group's permissions complete."""

from django.contrib.auth.management import create_permissions

CURATOR_GROUP = "curator"


def grant_curator_permissions(apps, schema_editor):
    """Give the curator group every permission on the statement data models, existing so far."""
    # Permissions are normally created after all migrations run; create them now so the group can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=CURATOR_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="statements"))


def remove_curator_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CURATOR_GROUP).delete()
