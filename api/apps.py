from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST layer over the statement domain."""

    name = "api"
    verbose_name = "REST API"
