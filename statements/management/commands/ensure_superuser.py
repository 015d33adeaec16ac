"""`manage.py ensure_superuser`: the superuser DJANGO_SUPERUSER_* name, created once, or why it could not be."""

import os

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create the superuser named by DJANGO_SUPERUSER_USERNAME (with DJANGO_SUPERUSER_EMAIL and "
        "DJANGO_SUPERUSER_PASSWORD) unless it exists; say which happened, or why it could not be created. "
        "Never fails, so that `make run` goes on to serve: a missing superuser is reported, not fatal."
    )

    def handle(self, *args, **options):
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "").strip()
        if not username:
            self.stdout.write("DJANGO_SUPERUSER_USERNAME is not set: no superuser created.")
            return
        users = get_user_model()._default_manager
        if users.filter(**{get_user_model().USERNAME_FIELD: username}).exists():
            self.stdout.write(f"Superuser {username} already exists.")
            return
        missing = [name for name in ("DJANGO_SUPERUSER_EMAIL", "DJANGO_SUPERUSER_PASSWORD") if not os.environ.get(name)]
        if missing:
            self.stderr.write(f"Superuser {username} not created: set {' and '.join(missing)} too.")
            return
        try:
            call_command("createsuperuser", interactive=False, verbosity=0)
        except CommandError as error:
            self.stderr.write(f"Superuser {username} not created: {error}")
            return
        self.stdout.write(f"Created superuser {username}.")
