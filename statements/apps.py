from django.apps import AppConfig


class StatementsConfig(AppConfig):
    """The statement data domain: actors, sources, communications and statements."""

    name = "statements"
    verbose_name = "Statement data"
    default_auto_field = "django.db.models.BigAutoField"
