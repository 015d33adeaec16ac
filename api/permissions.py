"""Who may read and who may write through the API."""

from django.conf import settings
from rest_framework import permissions


class ModelPermissionsOrConfiguredAnonymousRead(permissions.DjangoModelPermissions):
    """Writes need the matching Django model permission; reads are open unless API_ANONYMOUS_READ is off.

    Authenticated users may always read. Anonymous reading is a deployment choice, so it
    is read from settings at request time.
    """

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return settings.API_ANONYMOUS_READ or bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)


class ConfiguredAnonymousRead(permissions.BasePermission):
    """Reading, as of the API's records: open unless API_ANONYMOUS_READ is off, then signed-in users only.

    Guards the schema and its documentation pages, which describe what a reader may read.
    """

    def has_permission(self, request, view):
        return settings.API_ANONYMOUS_READ or bool(request.user and request.user.is_authenticated)


class CanMergeActors(ModelPermissionsOrConfiguredAnonymousRead):
    """Merging actors and undoing merges needs the permission to change actors, on whichever resource it is done."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return super().has_permission(request, view)
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("statements.change_actor"))
