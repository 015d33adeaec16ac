"""Request rate limits, read from settings when a request comes so operators can tune them."""

from django.conf import settings
from rest_framework import throttling


class ConfiguredRateMixin:
    """Take the rate from `API_THROTTLE_RATES` at request time rather than at import."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(ConfiguredRateMixin, throttling.AnonRateThrottle):
    """Limits anonymous clients by address."""


class UserThrottle(ConfiguredRateMixin, throttling.UserRateThrottle):
    """Limits authenticated clients by user."""
