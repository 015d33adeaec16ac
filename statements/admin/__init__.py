"""The curators' workbench: admin for every model of the statement domain."""

from django.contrib import admin

from statements.admin.actors import ActorAdmin, PositionAdmin
from statements.admin.communications import CommunicationAdmin
from statements.admin.merging import ActorMergeAdmin
from statements.admin.places import PlaceAdmin, TopicAdmin
from statements.admin.sources import SourceAdmin
from statements.admin.statements import StatementAdmin

admin.site.site_header = "Statements curation"
admin.site.site_title = "Statements curation"
admin.site.index_title = "Curate actors, communications, sources and statements"
# The navigation sidebar would take a sixth of a 1,400 px window from every list; the breadcrumbs and the
# index lead to every model instead.
admin.site.enable_nav_sidebar = False
# The index shows the work waiting (drafts to review, newest sources) above the models.
admin.site.index_template = "admin/statements/index.html"

__all__ = [
    "ActorAdmin",
    "ActorMergeAdmin",
    "CommunicationAdmin",
    "PlaceAdmin",
    "PositionAdmin",
    "SourceAdmin",
    "StatementAdmin",
    "TopicAdmin",
]
