"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

handler500 = "project.views.server_error"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api-auth/", include("rest_framework.urls")),
]
