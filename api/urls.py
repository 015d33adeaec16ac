"""Routes of API version 1, its schema and its documentation."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import views
from api.export import StatementExportView

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = True
router.register("actors", views.ActorViewSet, basename="actor")
router.register("actor-merges", views.ActorMergeViewSet, basename="actor-merge")
router.register("positions", views.PositionViewSet, basename="position")
router.register("places", views.PlaceViewSet, basename="place")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("sources", views.SourceViewSet, basename="source")
router.register("communications", views.CommunicationViewSet, basename="communication")
router.register("statements", views.StatementViewSet, basename="statement")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("export/statements.jsonl", StatementExportView.as_view(), name="statement-export"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script is served as a file of its own, so no inline script needs allowing.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
    # Any character, newlines too: an address with an encoded newline still gets the JSON 404.
    re_path(r"^[\s\S]*\Z", views.not_found),
]
