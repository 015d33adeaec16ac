"""Request rate limits, read from settings when a request comes so operators can tune them."""

import logging

from django.conf import settings
from rest_framework import throttling

logger = logging.getLogger(__name__)


class ConfiguredRateMixin:
    """Take the rate from `API_THROTTLE_RATES` at request time rather than at import."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        # The counts live in the cache: if its server (CACHE_URL) is away, requests are let through
        # unthrottled, and the API keeps answering, rather than every request failing with it.
        try:
            return super().allow_request(request, view)
        except Exception as error:  # noqa: BLE001 - whatever the cache's client raises
            logger.warning("Request rates not counted: the cache did not answer (%s)", error)
            return True


class AnonymousThrottle(ConfiguredRateMixin, throttling.AnonRateThrottle):
    """Limits anonymous clients by address."""


class UserThrottle(ConfiguredRateMixin, throttling.UserRateThrottle):
    """Limits authenticated clients by user."""
