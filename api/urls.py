"""Routes of API version 1, its schema and its documentation."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView, DefaultRouter

from api import views
from api.export import StatementExportView

app_name = "api"


class ApiRootView(APIRootView):
    """Version 1 of the statement data API: its resources, then its schema, documentation, export, facets and token."""

    #: Beside the resources, by the name each is listed under.
    other_addresses = {
        "schema": "api:schema",
        "docs": "api:docs",
        "redoc": "api:redoc",
        "export": "api:statement-export",
        "statement_facets": "api:statement-facets",
        "communication_facets": "api:communication-facets",
        "token": "api:token",
    }

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for name, url_name in self.other_addresses.items():
            response.data[name] = reverse(url_name, request=request, format=kwargs.get("format"))
        return response


router = DefaultRouter(trailing_slash=True)
router.APIRootView = ApiRootView
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
