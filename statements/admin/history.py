"""Admin for what only history still holds: deleted statements, listed and restored."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from statements.admin.base import change_url
from statements.history import deleted_records
from statements.models import Statement
from statements.services import statement_restore

#: Deleted statements listed per page.
DELETED_PER_PAGE = 100


class DeletedStatementsAdminMixin:
    """For the statement admin: a page of deleted statements, each with a button that restores it."""

    change_list_template = "admin/statements/statement/history_change_list.html"

    def get_urls(self):
        urls = [
            path("deleted/", self.admin_site.admin_view(self.deleted_view), name="statements_statement_deleted"),
            path(
                "deleted/<int:statement_id>/restore/",
                self.admin_site.admin_view(require_POST(self.restore_view)),
                name="statements_statement_restore",
            ),
        ]
        return urls + super().get_urls()

    def deleted_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        page = Paginator(deleted_records(Statement), DELETED_PER_PAGE).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Deleted statements",
            "page_obj": page,
            "can_restore": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/statements/statement/deleted.html", context)

    def restore_view(self, request, statement_id: int):
        if not self.has_add_permission(request):
            raise PermissionDenied
        deleted_list = reverse("admin:statements_statement_deleted")
        try:
            statement = statement_restore(statement_id=statement_id, user=request.user)
        except Statement.DoesNotExist as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(deleted_list)
        except ValidationError as error:
            reason = " ".join(error.messages)
            self.message_user(request, f"Statement {statement_id} was not restored: {reason}", messages.ERROR)
            return HttpResponseRedirect(deleted_list)
        self.log_addition(request, statement, "Restored from its history after deletion.")
        self.message_user(
            request,
            format_html('Statement <a href="{}">{}</a> was restored.', change_url(statement), statement),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(change_url(statement))
