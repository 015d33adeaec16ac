"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import include, path

from project import views

handler500 = "project.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico on every page that names no icon (the admin names none).
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api-auth/", include("rest_framework.urls")),
]
