"""The project's URLs, plus `/bare/`: the benchmark's ceiling, the same queries without the REST framework."""

from django.urls import include, path

from project.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bare/", include("benchmarks.bare_views")), *project_urlpatterns]
